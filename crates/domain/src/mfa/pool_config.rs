//! A pool's MFA configuration: SetUserPoolMfaConfig and GetUserPoolMfaConfig, and the checks
//! CreateUserPool and UpdateUserPool share (message templates, a factor for ON and OPTIONAL).

use crate::error::{DomainError, Result};
use crate::model::{EmailMfa, PoolMfa, PoolSettings, SmsConfiguration, WebAuthnConfig};
use crate::Cognate;

/// SetUserPoolMfaConfig's SmsMfaConfiguration.
#[derive(Debug, Clone, Default)]
pub struct SmsMfaInput {
    pub message: Option<String>,
    pub configuration: Option<SmsConfiguration>,
}

/// SetUserPoolMfaConfig's request; an absent member leaves that part as it is.
#[derive(Debug, Clone, Default)]
pub struct MfaConfigInput {
    pub sms: Option<SmsMfaInput>,
    pub software_token: Option<bool>,
    pub email: Option<EmailMfa>,
    /// OFF, ON or OPTIONAL.
    pub mode: Option<String>,
    pub web_authn: Option<WebAuthnInput>,
}

/// SetUserPoolMfaConfig's WebAuthnConfiguration, as given.
#[derive(Debug, Clone, Default)]
pub struct WebAuthnInput {
    pub relying_party_id: Option<String>,
    /// `required` or `preferred`.
    pub user_verification: Option<String>,
    /// `SINGLE_FACTOR` or `MULTI_FACTOR_WITH_USER_VERIFICATION`.
    pub factor_configuration: Option<String>,
}

fn enum_error(value: &str, member: &str, set: &str) -> DomainError {
    DomainError::invalid(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: {set}"
    ))
}

impl WebAuthnInput {
    /// The configuration it stands for; absent members take Cognito's defaults.
    fn checked(self) -> Result<WebAuthnConfig> {
        if let Some(id) = &self.relying_party_id {
            crate::passkeys::check_relying_party_id(id)?;
        }
        let user_verification_required = match self.user_verification.as_deref() {
            None | Some("preferred") => false,
            Some("required") => true,
            Some(other) => {
                return Err(enum_error(other, "webAuthnConfiguration.userVerification", "[required, preferred]"))
            }
        };
        let multi_factor_with_user_verification = match self.factor_configuration.as_deref() {
            None | Some("SINGLE_FACTOR") => false,
            Some("MULTI_FACTOR_WITH_USER_VERIFICATION") => true,
            Some(other) => {
                return Err(enum_error(
                    other,
                    "webAuthnConfiguration.factorConfiguration",
                    "[SINGLE_FACTOR, MULTI_FACTOR_WITH_USER_VERIFICATION]",
                ))
            }
        };
        Ok(WebAuthnConfig {
            relying_party_id: self.relying_party_id,
            user_verification_required,
            multi_factor_with_user_verification,
        })
    }
}

/// A pool's MFA configuration as Set and GetUserPoolMfaConfig answer it.
#[derive(Debug, Clone)]
pub struct PoolMfaView {
    pub mode: String,
    pub mfa: PoolMfa,
}

fn check_template(what: &str, text: &str, max: usize) -> Result<()> {
    let len = text.chars().count();
    if !(6..=max).contains(&len) || !text.contains("{####}") {
        return Err(DomainError::invalid(format!(
            "{what} must be 6 to {max} characters long and contain the code placeholder {{####}}."
        )));
    }
    Ok(())
}

/// The MFA checks of a pool's settings: templates well formed, and a factor to ask for when MFA
/// is ON or OPTIONAL.
pub(crate) fn check_mfa_settings(settings: &PoolSettings) -> Result<()> {
    let mfa = &settings.mfa;
    if !["OFF", "ON", "OPTIONAL"].contains(&settings.mfa_configuration.as_str()) {
        return Err(DomainError::invalid(format!(
            "1 validation error detected: Value '{}' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
            settings.mfa_configuration
        )));
    }
    if let Some(message) = &mfa.sms_message {
        check_template("SmsAuthenticationMessage", message, 140)?;
    }
    if let Some(sms) = &mfa.sms {
        if sms.sns_caller_arn.is_empty() || sms.sns_caller_arn.len() > 2048 {
            return Err(DomainError::invalid("SmsConfiguration.SnsCallerArn must be 1 to 2048 characters long."));
        }
    }
    if let Some(email) = &mfa.email {
        if let Some(message) = &email.message {
            check_template("EmailMfaConfiguration.Message", message, 20_000)?;
        }
        if email.subject.as_ref().is_some_and(|s| s.is_empty() || s.chars().count() > 140) {
            return Err(DomainError::invalid("EmailMfaConfiguration.Subject must be 1 to 140 characters long."));
        }
    }
    let any = mfa.sms.is_some() || mfa.software_token || mfa.email.is_some();
    if settings.mfa_configuration != "OFF" && !any {
        return Err(DomainError::invalid(
            "An MFA method must be enabled when MfaConfiguration is ON or OPTIONAL: an SmsConfiguration, or a software token or email configuration (SetUserPoolMfaConfig).",
        ));
    }
    Ok(())
}

impl Cognate {
    /// SetUserPoolMfaConfig.
    pub async fn set_user_pool_mfa_config(&self, pool_id: &str, input: MfaConfigInput) -> Result<PoolMfaView> {
        let web_authn = input.web_authn.map(WebAuthnInput::checked).transpose()?;
        let mut pool = self.pool(pool_id).await?;
        let settings = &mut pool.settings;
        if let Some(sms) = input.sms {
            let configuration = sms.configuration.or_else(|| settings.mfa.sms.clone()).ok_or_else(|| {
                DomainError::invalid("SmsMfaConfiguration needs an SmsConfiguration to turn SMS MFA on.")
            })?;
            settings.mfa.sms = Some(configuration);
            settings.mfa.sms_message = sms.message;
        }
        if let Some(enabled) = input.software_token {
            settings.mfa.software_token = enabled;
        }
        if let Some(email) = input.email {
            settings.mfa.email = Some(email);
        }
        if let Some(web_authn) = web_authn {
            settings.mfa.web_authn = web_authn;
        }
        if let Some(mode) = input.mode {
            settings.mfa_configuration = mode;
        }
        check_mfa_settings(settings)?;
        self.save_pool(&mut pool).await?;
        Ok(PoolMfaView { mode: pool.settings.mfa_configuration, mfa: pool.settings.mfa })
    }

    /// GetUserPoolMfaConfig.
    pub async fn get_user_pool_mfa_config(&self, pool_id: &str) -> Result<PoolMfaView> {
        let pool = self.pool(pool_id).await?;
        Ok(PoolMfaView { mode: pool.settings.mfa_configuration, mfa: pool.settings.mfa })
    }
}
