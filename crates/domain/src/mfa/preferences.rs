//! The users' MFA preferences: SetUserMFAPreference and its admin twin, the legacy
//! SetUserSettings (SMS only), and what GetUser and AdminGetUser show of them.

use crate::error::{DomainError, Result};
use crate::model::{MfaFactor, Pool, User, UserMfa};
use crate::Cognate;

use super::UserRef;

/// `Enabled` and `PreferredMfa` of one factor, as given (absent members change nothing).
#[derive(Debug, Clone, Copy, Default)]
pub struct FactorSetting {
    pub enabled: Option<bool>,
    pub preferred: Option<bool>,
}

/// SetUserMFAPreference's settings, per factor.
#[derive(Debug, Clone, Default)]
pub struct MfaPreferences {
    pub sms: Option<FactorSetting>,
    pub software_token: Option<FactorSetting>,
    pub email: Option<FactorSetting>,
    /// WebAuthnMfaSettings.Enabled: passkey sign-ins as two factors, on or off.
    pub web_authn: Option<bool>,
}

/// The MFA members of GetUser and AdminGetUser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserMfaView {
    /// The legacy SMS option: `("SMS", "phone_number")` when SMS MFA is on.
    pub mfa_options: Vec<(String, String)>,
    pub preferred: Option<String>,
    pub enabled: Vec<String>,
}

impl UserMfaView {
    /// What GetUser shows of a user's factors.
    pub fn of(user: &User) -> Self {
        let mfa = &user.mfa;
        let sms = mfa.sms_enabled && user.attributes.contains_key("phone_number");
        Self {
            mfa_options: if sms { vec![("SMS".into(), "phone_number".into())] } else { Vec::new() },
            preferred: mfa.preferred.filter(|f| mfa.enabled(*f)).map(|f| f.name().to_owned()),
            enabled: MfaFactor::ALL.into_iter().filter(|f| mfa.enabled(*f)).map(|f| f.name().to_owned()).collect(),
        }
    }
}

/// Applies SetUserMFAPreference's settings to a user's factors by Cognito's rules: a factor is
/// turned on only when the user can use it, at most one is preferred, and in a pool that
/// requires MFA a factor that is on cannot be turned off.
fn apply(pool: &Pool, user: &User, given: &MfaPreferences) -> Result<UserMfa> {
    let mut mfa = user.mfa.clone();
    let settings = [
        (MfaFactor::Sms, given.sms),
        (MfaFactor::SoftwareToken, given.software_token),
        (MfaFactor::Email, given.email),
    ];
    if settings.iter().filter(|(_, s)| s.and_then(|s| s.preferred) == Some(true)).count() > 1 {
        return Err(DomainError::invalid("Only one MFA method can be preferred."));
    }
    for (factor, setting) in settings {
        let Some(setting) = setting else { continue };
        let turn_on = setting.enabled == Some(true) || setting.preferred == Some(true);
        if turn_on {
            let ready = match factor {
                MfaFactor::Sms => user.attributes.contains_key("phone_number"),
                MfaFactor::SoftwareToken => mfa.totp_secret.is_some(),
                MfaFactor::Email => user.attributes.contains_key("email"),
            };
            if !ready {
                return Err(DomainError::invalid(format!(
                    "User does not have delivery config set to turn on {}",
                    factor.name()
                )));
            }
            if factor == MfaFactor::Email && !pool.settings.mfa.offers(MfaFactor::Email) {
                return Err(DomainError::invalid("Email MFA is not enabled for this user pool."));
            }
            mfa.set_enabled(factor, true);
        } else if setting.enabled == Some(false) && mfa.enabled(factor) {
            if pool.settings.mfa_configuration == "ON" && factor != MfaFactor::Email {
                return Err(DomainError::invalid(format!(
                    "{} cannot be disabled for a user of a pool that requires MFA.",
                    factor.name()
                )));
            }
            mfa.set_enabled(factor, false);
        }
        match setting.preferred {
            Some(true) => mfa.preferred = Some(factor),
            Some(false) if mfa.preferred == Some(factor) => mfa.preferred = None,
            _ => {}
        }
    }
    match given.web_authn {
        Some(true) => {
            if !pool.settings.mfa.web_authn.multi_factor_with_user_verification {
                return Err(DomainError::invalid(
                    "Passkey MFA needs the user pool's WebAuthnConfiguration.FactorConfiguration to be MULTI_FACTOR_WITH_USER_VERIFICATION.",
                ));
            }
            // Another factor first, so that losing the passkey locks nobody out.
            if !MfaFactor::ALL.into_iter().any(|f| mfa.enabled(f)) {
                return Err(DomainError::invalid(
                    "Passkey MFA needs another MFA method (SMS, TOTP or email) turned on for the user first.",
                ));
            }
            mfa.web_authn = true;
        }
        Some(false) => mfa.web_authn = false,
        None => {}
    }
    Ok(mfa)
}

impl Cognate {
    /// The pool and user an MFA settings action is about.
    async fn mfa_target(&self, target: &UserRef) -> Result<(Pool, User)> {
        match target {
            UserRef::AccessToken(token) => {
                let (context, user) = self.token_user(token).await?;
                Ok((self.pool(&context.pool_id).await?, user))
            }
            UserRef::Admin { pool_id, username } => {
                let pool = self.pool(pool_id).await?;
                let user = self.existing_user(&pool, username).await?;
                Ok((pool, user))
            }
        }
    }

    /// SetUserMFAPreference / AdminSetUserMFAPreference.
    pub async fn set_user_mfa_preference(&self, target: &UserRef, given: &MfaPreferences) -> Result<()> {
        let (pool, mut user) = self.mfa_target(target).await?;
        let mfa = apply(&pool, &user, given)?;
        if mfa != user.mfa {
            user.mfa = mfa;
            user.modified = self.clock.now();
            self.store.update_user(&user, None).await?;
        }
        Ok(())
    }

    /// SetUserSettings / AdminSetUserSettings: the legacy switch of SMS MFA. `[SMS,
    /// phone_number]` turns it on, an empty list off.
    pub async fn set_user_settings(
        &self,
        target: &UserRef,
        options: &[(Option<String>, Option<String>)],
    ) -> Result<()> {
        for (medium, attribute) in options {
            if medium.as_deref() != Some("SMS") || attribute.as_deref() != Some("phone_number") {
                return Err(DomainError::invalid(
                    "Only the phone_number attribute with the SMS delivery medium can be set in MFAOptions.",
                ));
            }
        }
        let setting = FactorSetting { enabled: Some(!options.is_empty()), preferred: None };
        let given = MfaPreferences { sms: Some(setting), ..MfaPreferences::default() };
        self.set_user_mfa_preference(target, &given).await
    }
}
