//! MFA handlers: the pool's MFA configuration, software tokens, the users' MFA preferences.

use cognate_domain::mfa::{FactorSetting, MfaPreferences, PoolMfaView, UserMfaView, UserRef};
use cognate_domain::model::User;
use cognate_domain::{Cognate, DomainError};
use cognate_proto::mfa::*;
use cognate_proto::passkeys::WebAuthnConfigurationType;
use cognate_proto::pools::Empty;
use cognate_proto::users::UserMfaFields;

use super::auth::Caller;
use crate::convert::{mfa_config_in, sms_configuration_out};

type Result<T> = std::result::Result<T, DomainError>;

fn pool_mfa_out(view: PoolMfaView) -> UserPoolMfaConfigResponse {
    let mfa = view.mfa;
    UserPoolMfaConfigResponse {
        sms_mfa_configuration: mfa.sms.as_ref().map(|sms| SmsMfaConfigType {
            sms_authentication_message: mfa.sms_message.clone(),
            sms_configuration: Some(sms_configuration_out(sms)),
        }),
        software_token_mfa_configuration: Some(SoftwareTokenMfaConfigType { enabled: Some(mfa.software_token) }),
        email_mfa_configuration: mfa
            .email
            .map(|email| EmailMfaConfigType { message: email.message, subject: email.subject }),
        mfa_configuration: view.mode,
        web_authn_configuration: Some(WebAuthnConfigurationType {
            relying_party_id: mfa.web_authn.relying_party_id,
            user_verification: Some(
                if mfa.web_authn.user_verification_required { "required" } else { "preferred" }.into(),
            ),
            factor_configuration: Some(
                if mfa.web_authn.multi_factor_with_user_verification {
                    "MULTI_FACTOR_WITH_USER_VERIFICATION"
                } else {
                    "SINGLE_FACTOR"
                }
                .into(),
            ),
        }),
    }
}

/// The MFA members of GetUser and AdminGetUser.
pub(crate) fn user_mfa_out(user: &User) -> UserMfaFields {
    let view = UserMfaView::of(user);
    UserMfaFields {
        mfa_options: (!view.mfa_options.is_empty()).then(|| {
            view.mfa_options
                .into_iter()
                .map(|(medium, attribute)| MfaOptionType {
                    delivery_medium: Some(medium),
                    attribute_name: Some(attribute),
                })
                .collect()
        }),
        preferred_mfa_setting: view.preferred,
        user_mfa_setting_list: (!view.enabled.is_empty()).then_some(view.enabled),
    }
}

pub async fn set_user_pool_mfa_config(
    c: &Cognate,
    r: SetUserPoolMfaConfigRequest,
) -> Result<UserPoolMfaConfigResponse> {
    let pool_id = r.user_pool_id.clone();
    Ok(pool_mfa_out(c.set_user_pool_mfa_config(&pool_id, mfa_config_in(r)).await?))
}

pub async fn get_user_pool_mfa_config(
    c: &Cognate,
    r: GetUserPoolMfaConfigRequest,
) -> Result<UserPoolMfaConfigResponse> {
    Ok(pool_mfa_out(c.get_user_pool_mfa_config(&r.user_pool_id).await?))
}

pub async fn associate_software_token(
    c: &Cognate,
    r: AssociateSoftwareTokenRequest,
) -> Result<AssociateSoftwareTokenResponse> {
    let setup = c.associate_software_token(r.access_token.as_deref(), r.session.as_deref()).await?;
    Ok(AssociateSoftwareTokenResponse { secret_code: setup.secret_code, session: setup.session })
}

pub async fn verify_software_token(c: &Cognate, r: VerifySoftwareTokenRequest) -> Result<VerifySoftwareTokenResponse> {
    let session = c
        .verify_software_token(
            r.access_token.as_deref(),
            r.session.as_deref(),
            &r.user_code,
            r.friendly_device_name.as_deref(),
        )
        .await?;
    Ok(VerifySoftwareTokenResponse { status: "SUCCESS".into(), session })
}

fn missing(member: &str) -> DomainError {
    DomainError::InvalidParameter(format!(
        "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
    ))
}

/// The user an MFA settings action names: by access token (public), or pool and name (admin).
fn target(caller: Caller, token: Option<String>, pool_id: Option<String>, username: Option<String>) -> Result<UserRef> {
    match caller {
        Caller::Public => token.map(UserRef::AccessToken).ok_or_else(|| missing("accessToken")),
        Caller::Admin => Ok(UserRef::Admin {
            pool_id: pool_id.ok_or_else(|| missing("userPoolId"))?,
            username: username.ok_or_else(|| missing("username"))?,
        }),
    }
}

fn setting(s: MfaSettingsType) -> FactorSetting {
    FactorSetting { enabled: s.enabled, preferred: s.preferred_mfa }
}

pub async fn set_user_mfa_preference(c: &Cognate, r: SetUserMfaPreferenceRequest, caller: Caller) -> Result<Empty> {
    let who = target(caller, r.access_token, r.user_pool_id, r.username)?;
    let given = MfaPreferences {
        sms: r.sms_mfa_settings.map(setting),
        software_token: r.software_token_mfa_settings.map(setting),
        email: r.email_mfa_settings.map(setting),
        web_authn: r.web_authn_mfa_settings.and_then(|w| w.enabled),
    };
    c.set_user_mfa_preference(&who, &given).await?;
    Ok(Empty {})
}

pub async fn set_user_settings(c: &Cognate, r: SetUserSettingsRequest, caller: Caller) -> Result<Empty> {
    let who = target(caller, r.access_token, r.user_pool_id, r.username)?;
    let options: Vec<(Option<String>, Option<String>)> =
        r.mfa_options.into_iter().map(|o| (o.delivery_medium, o.attribute_name)).collect();
    c.set_user_settings(&who, &options).await?;
    Ok(Empty {})
}

/// GetUserAuthFactors: the bearer's second factors and the first factors USER_AUTH offers them.
pub async fn get_user_auth_factors(
    c: &Cognate,
    r: cognate_proto::users::AccessTokenRequest,
) -> Result<GetUserAuthFactorsResponse> {
    let (user, first) = c.user_auth_factors(&r.access_token).await?;
    let mfa = user_mfa_out(&user);
    Ok(GetUserAuthFactorsResponse {
        username: user.username.clone(),
        preferred_mfa_setting: mfa.preferred_mfa_setting,
        user_mfa_setting_list: mfa.user_mfa_setting_list,
        configured_user_auth_factors: Some(first),
    })
}
