//! Multi-factor authentication: the pool's MFA configuration, software tokens (TOTP), and the
//! users' MFA preferences.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// `SmsConfigurationType`: the SNS role Cognito would send through. Kept and shown as given;
/// Cognate sends SMS through the delivery its operator configured.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SmsConfigurationType {
    pub sns_caller_arn: String,
    pub external_id: Option<String>,
    pub sns_region: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SmsMfaConfigType {
    pub sms_authentication_message: Option<String>,
    pub sms_configuration: Option<SmsConfigurationType>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoftwareTokenMfaConfigType {
    pub enabled: Option<bool>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmailMfaConfigType {
    pub message: Option<String>,
    pub subject: Option<String>,
}

/// SetUserPoolMfaConfig's request; GetUserPoolMfaConfig's answer has the same members but the id.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserPoolMfaConfigRequest {
    pub user_pool_id: String,
    pub sms_mfa_configuration: Option<SmsMfaConfigType>,
    pub software_token_mfa_configuration: Option<SoftwareTokenMfaConfigType>,
    pub email_mfa_configuration: Option<EmailMfaConfigType>,
    pub mfa_configuration: Option<String>,
    pub web_authn_configuration: Option<crate::passkeys::WebAuthnConfigurationType>,
}

/// The pool's MFA configuration, as Set and GetUserPoolMfaConfig answer it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolMfaConfigResponse {
    pub sms_mfa_configuration: Option<SmsMfaConfigType>,
    pub software_token_mfa_configuration: Option<SoftwareTokenMfaConfigType>,
    pub email_mfa_configuration: Option<EmailMfaConfigType>,
    pub mfa_configuration: String,
    pub web_authn_configuration: Option<crate::passkeys::WebAuthnConfigurationType>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserPoolMfaConfigRequest {
    pub user_pool_id: String,
}

/// AssociateSoftwareToken: with an access token (signed in) or an MFA_SETUP session.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenRequest {
    pub access_token: Option<String>,
    pub session: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenResponse {
    pub secret_code: String,
    pub session: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenRequest {
    pub access_token: Option<String>,
    pub session: Option<String>,
    pub user_code: String,
    pub friendly_device_name: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenResponse {
    pub status: String,
    pub session: Option<String>,
}

/// `SMSMfaSettingsType`, `SoftwareTokenMfaSettingsType`, `EmailMfaSettingsType`.
#[skip_serializing_none]
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaSettingsType {
    pub enabled: Option<bool>,
    pub preferred_mfa: Option<bool>,
}

/// SetUserMFAPreference (access token) and AdminSetUserMFAPreference (pool and user name).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserMfaPreferenceRequest {
    pub access_token: Option<String>,
    pub user_pool_id: Option<String>,
    pub username: Option<String>,
    #[serde(rename = "SMSMfaSettings")]
    pub sms_mfa_settings: Option<MfaSettingsType>,
    pub software_token_mfa_settings: Option<MfaSettingsType>,
    pub email_mfa_settings: Option<MfaSettingsType>,
    pub web_authn_mfa_settings: Option<WebAuthnMfaSettingsType>,
}

/// `WebAuthnMfaSettingsType`: whether a user's user-verified passkey counts as two factors.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebAuthnMfaSettingsType {
    pub enabled: Option<bool>,
}

/// `MFAOptionType`, the legacy SMS setting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaOptionType {
    pub delivery_medium: Option<String>,
    pub attribute_name: Option<String>,
}

/// SetUserSettings (access token) and AdminSetUserSettings (pool and user name).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserSettingsRequest {
    pub access_token: Option<String>,
    pub user_pool_id: Option<String>,
    pub username: Option<String>,
    #[serde(rename = "MFAOptions")]
    pub mfa_options: Vec<MfaOptionType>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserAuthFactorsResponse {
    pub username: String,
    pub preferred_mfa_setting: Option<String>,
    #[serde(rename = "UserMFASettingList")]
    pub user_mfa_setting_list: Option<Vec<String>>,
    /// The first factors the user can sign in with: `PASSWORD` (passwordless and passkeys are
    /// not built).
    pub configured_user_auth_factors: Option<Vec<String>>,
}
