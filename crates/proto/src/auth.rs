//! Sign-in: InitiateAuth, RespondToAuthChallenge, their admin twins, GetTokensFromRefreshToken.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::types::AuthenticationResultType;

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateAuthRequest {
    /// Present on AdminInitiateAuth only.
    pub user_pool_id: Option<String>,
    pub client_id: String,
    pub auth_flow: String,
    pub auth_parameters: Option<BTreeMap<String, String>>,
    pub client_metadata: Option<BTreeMap<String, String>>,
    /// USER_AUTH: the Session of SignUp or ConfirmSignUp.
    pub session: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondToAuthChallengeRequest {
    /// Present on AdminRespondToAuthChallenge only.
    pub user_pool_id: Option<String>,
    pub client_id: String,
    pub challenge_name: String,
    pub session: Option<String>,
    pub challenge_responses: Option<BTreeMap<String, String>>,
    pub client_metadata: Option<BTreeMap<String, String>>,
}

/// The answer of InitiateAuth and RespondToAuthChallenge: tokens, or the next challenge.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthResponse {
    pub challenge_name: Option<String>,
    pub session: Option<String>,
    pub challenge_parameters: Option<BTreeMap<String, String>>,
    pub authentication_result: Option<AuthenticationResultType>,
    /// USER_AUTH's SELECT_CHALLENGE: the first factors this user can answer with.
    pub available_challenges: Option<Vec<String>>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTokensFromRefreshTokenRequest {
    pub refresh_token: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub device_key: Option<String>,
    pub client_metadata: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTokensFromRefreshTokenResponse {
    pub authentication_result: AuthenticationResultType,
}
