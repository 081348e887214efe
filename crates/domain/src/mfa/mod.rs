//! Multi-factor authentication as Cognito does it: the pool's MFA configuration, software tokens
//! (TOTP), the users' preferences, and the second-factor challenges of a sign-in (SMS_MFA,
//! SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE, MFA_SETUP).

mod challenge;
mod pool_config;
mod preferences;
mod totp;

pub(crate) use challenge::{mfa_step, MfaStep};
pub(crate) use pool_config::check_mfa_settings;
pub use pool_config::{MfaConfigInput, PoolMfaView, SmsMfaInput, WebAuthnInput};
pub use preferences::{FactorSetting, MfaPreferences, UserMfaView};
pub use totp::TotpSetup;

/// Whose MFA settings an action changes: the bearer of an access token, or a user an
/// administrator names.
#[derive(Debug, Clone)]
pub enum UserRef {
    AccessToken(String),
    Admin { pool_id: String, username: String },
}
