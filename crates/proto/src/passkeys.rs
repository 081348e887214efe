//! Passkeys: the pool's WebAuthnConfiguration and the actions that register, list and delete a
//! user's WebAuthn credentials. The WebAuthn documents themselves (creation options, the
//! browser's registration response) travel as JSON documents, not strings.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// `WebAuthnConfigurationType` (SetUserPoolMfaConfig, GetUserPoolMfaConfig).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebAuthnConfigurationType {
    pub relying_party_id: Option<String>,
    /// `required` or `preferred`.
    pub user_verification: Option<String>,
    /// `SINGLE_FACTOR` or `MULTI_FACTOR_WITH_USER_VERIFICATION`.
    pub factor_configuration: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartWebAuthnRegistrationRequest {
    pub access_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartWebAuthnRegistrationResponse {
    /// PublicKeyCredentialCreationOptions as JSON, with binary members in base64url.
    pub credential_creation_options: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompleteWebAuthnRegistrationRequest {
    pub access_token: String,
    /// The browser's RegistrationResponseJSON.
    pub credential: serde_json::Value,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListWebAuthnCredentialsRequest {
    pub access_token: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

/// `WebAuthnCredentialDescription`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebAuthnCredentialDescription {
    pub credential_id: String,
    pub friendly_credential_name: String,
    pub relying_party_id: String,
    pub authenticator_attachment: Option<String>,
    pub authenticator_transports: Vec<String>,
    /// Epoch seconds.
    pub created_at: i64,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListWebAuthnCredentialsResponse {
    pub credentials: Vec<WebAuthnCredentialDescription>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteWebAuthnCredentialRequest {
    pub access_token: String,
    pub credential_id: String,
}
