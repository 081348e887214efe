//! Sign-up, confirmation and user administration.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::types::*;

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignUpRequest {
    pub client_id: String,
    pub secret_hash: Option<String>,
    pub username: String,
    pub password: Option<String>,
    pub user_attributes: Option<Vec<AttributeType>>,
    pub validation_data: Option<Vec<AttributeType>>,
    pub client_metadata: Option<std::collections::BTreeMap<String, String>>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignUpResponse {
    pub user_confirmed: bool,
    pub code_delivery_details: Option<CodeDeliveryDetailsType>,
    pub user_sub: String,
    pub session: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmSignUpRequest {
    pub client_id: String,
    pub secret_hash: Option<String>,
    pub username: String,
    pub confirmation_code: String,
    pub force_alias_creation: Option<bool>,
    /// SignUp's Session, passed on.
    pub session: Option<String>,
    /// For PostConfirmation's `clientMetadata`.
    pub client_metadata: Option<std::collections::BTreeMap<String, String>>,
}

/// ConfirmSignUp's answer: a session that signs the user in with USER_AUTH.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmSignUpResponse {
    pub session: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResendConfirmationCodeRequest {
    pub client_id: String,
    pub secret_hash: Option<String>,
    pub username: String,
    pub client_metadata: Option<std::collections::BTreeMap<String, String>>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CodeDeliveryResponse {
    pub code_delivery_details: Option<CodeDeliveryDetailsType>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserRequest {
    pub user_pool_id: String,
    pub username: String,
    pub user_attributes: Option<Vec<AttributeType>>,
    pub validation_data: Option<Vec<AttributeType>>,
    pub temporary_password: Option<String>,
    pub force_alias_creation: Option<bool>,
    pub message_action: Option<String>,
    pub desired_delivery_mediums: Option<Vec<String>>,
    pub client_metadata: Option<std::collections::BTreeMap<String, String>>,
}

/// A user as AdminCreateUser and ListUsers show it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserType {
    pub username: String,
    pub attributes: Vec<AttributeType>,
    pub user_create_date: i64,
    pub user_last_modified_date: i64,
    pub enabled: bool,
    pub user_status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserResponse {
    pub user: UserType,
}

/// AdminConfirmSignUp: the user, and ClientMetadata for PostConfirmation.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminConfirmSignUpRequest {
    pub user_pool_id: String,
    pub username: String,
    pub client_metadata: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminUserRequest {
    pub user_pool_id: String,
    pub username: String,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminSetUserPasswordRequest {
    pub user_pool_id: String,
    pub username: String,
    pub password: String,
    pub permanent: Option<bool>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminGetUserResponse {
    pub username: String,
    pub user_attributes: Vec<AttributeType>,
    pub user_create_date: i64,
    pub user_last_modified_date: i64,
    pub enabled: bool,
    pub user_status: String,
    #[serde(flatten)]
    pub mfa: UserMfaFields,
}

/// The MFA members of GetUser and AdminGetUser.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserMfaFields {
    /// The legacy SMS setting: `[{DeliveryMedium: SMS, AttributeName: phone_number}]` when on.
    #[serde(rename = "MFAOptions")]
    pub mfa_options: Option<Vec<crate::mfa::MfaOptionType>>,
    /// `SMS_MFA`, `EMAIL_OTP` or `SOFTWARE_TOKEN_MFA`.
    pub preferred_mfa_setting: Option<String>,
    #[serde(rename = "UserMFASettingList")]
    pub user_mfa_setting_list: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessTokenRequest {
    pub access_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserResponse {
    pub username: String,
    pub user_attributes: Vec<AttributeType>,
    #[serde(flatten)]
    pub mfa: UserMfaFields,
}
