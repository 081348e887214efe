//! Pool and app-client management: CreateUserPool ... DeleteUserPoolClient.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::types::*;

/// The settings shared by CreateUserPool and UpdateUserPool requests and the UserPoolType answer.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolSettingsFields {
    pub policies: Option<UserPoolPolicyType>,
    pub auto_verified_attributes: Option<Vec<String>>,
    pub mfa_configuration: Option<String>,
    /// The SMS MFA message, with `{####}` for the code.
    pub sms_authentication_message: Option<String>,
    /// The pool's SMS settings: with them, SMS MFA is on.
    pub sms_configuration: Option<crate::mfa::SmsConfigurationType>,
    /// Where the pool's email comes from (Cognate sends it through its own SMTP delivery).
    pub email_configuration: Option<EmailConfigurationType>,
    pub admin_create_user_config: Option<AdminCreateUserConfigType>,
    pub verification_message_template: Option<VerificationMessageTemplateType>,
    pub email_verification_message: Option<String>,
    pub email_verification_subject: Option<String>,
    pub sms_verification_message: Option<String>,
    pub user_pool_tags: Option<BTreeMap<String, String>>,
    pub account_recovery_setting: Option<AccountRecoverySettingType>,
    pub user_attribute_update_settings: Option<UserAttributeUpdateSettingsType>,
    pub deletion_protection: Option<String>,
    /// With it, the pool tracks and remembers devices.
    pub device_configuration: Option<crate::devices::DeviceConfigurationType>,
    /// The pool's triggers: function ARNs, which the server's configuration maps to endpoints.
    pub lambda_config: Option<LambdaConfigType>,
    /// Cognate's extension: wallet sign-in (Sign-In with Ethereum) through CUSTOM_AUTH.
    pub wallet_sign_in: Option<WalletSignInType>,
}

/// `WalletSignIn` (Cognate's extension, not in Cognito's model): the EIP-4361 messages a
/// wallet signs to sign in. `Enabled: false` turns it off; UpdateUserPool without the member
/// leaves it as it was.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct WalletSignInType {
    pub enabled: Option<bool>,
    pub domain: Option<String>,
    pub uri: Option<String>,
    pub chain_id: Option<i64>,
    pub statement: Option<String>,
}

/// `LambdaConfigType`: the function ARN of each trigger the pool has.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LambdaConfigType {
    pub pre_sign_up: Option<String>,
    pub custom_message: Option<String>,
    pub post_confirmation: Option<String>,
    pub pre_authentication: Option<String>,
    pub post_authentication: Option<String>,
    pub define_auth_challenge: Option<String>,
    pub create_auth_challenge: Option<String>,
    pub verify_auth_challenge_response: Option<String>,
    /// The legacy key: a V1_0 pre-token trigger (equal to PreTokenGenerationConfig's ARN when both are given).
    pub pre_token_generation: Option<String>,
    pub pre_token_generation_config: Option<LambdaVersionConfigType>,
    pub user_migration: Option<String>,
    #[serde(rename = "CustomSMSSender")]
    pub custom_sms_sender: Option<LambdaVersionConfigType>,
    pub custom_email_sender: Option<LambdaVersionConfigType>,
    pub inbound_federation: Option<LambdaVersionConfigType>,
    #[serde(rename = "KMSKeyID")]
    pub kms_key_id: Option<String>,
}

/// `{LambdaVersion, LambdaArn}`: PreTokenGenerationConfig, CustomSMSSender, CustomEmailSender,
/// InboundFederation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LambdaVersionConfigType {
    pub lambda_version: String,
    pub lambda_arn: String,
}

/// `EmailConfigurationType`: the sender of the pool's email.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmailConfigurationType {
    pub source_arn: Option<String>,
    pub reply_to_email_address: Option<String>,
    pub email_sending_account: Option<String>,
    pub from: Option<String>,
    pub configuration_set: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolRequest {
    pub pool_name: String,
    #[serde(flatten)]
    pub settings: PoolSettingsFields,
    pub username_attributes: Option<Vec<String>>,
    pub alias_attributes: Option<Vec<String>>,
    pub schema: Option<Vec<SchemaAttributeType>>,
    pub username_configuration: Option<UsernameConfigurationType>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserPoolRequest {
    pub user_pool_id: String,
    #[serde(flatten)]
    pub settings: PoolSettingsFields,
}

/// A pool as DescribeUserPool shows it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolType {
    pub id: String,
    pub name: String,
    pub arn: String,
    pub creation_date: i64,
    pub last_modified_date: i64,
    #[serde(flatten)]
    pub settings: PoolSettingsFields,
    pub username_attributes: Option<Vec<String>>,
    pub alias_attributes: Option<Vec<String>>,
    pub schema_attributes: Vec<SchemaAttributeType>,
    pub username_configuration: Option<UsernameConfigurationType>,
    pub estimated_number_of_users: i64,
    /// The prefix domain, when the pool has one.
    pub domain: Option<String>,
    /// The custom domain, when the pool has one.
    pub custom_domain: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolResponse {
    pub user_pool: UserPoolType,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolIdRequest {
    pub user_pool_id: String,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolsRequest {
    pub max_results: i64,
    pub next_token: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolDescriptionType {
    pub id: String,
    pub name: String,
    pub creation_date: i64,
    pub last_modified_date: i64,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolsResponse {
    pub user_pools: Vec<UserPoolDescriptionType>,
    pub next_token: Option<String>,
}

/// The settings shared by CreateUserPoolClient and UpdateUserPoolClient and the client answer.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientSettingsFields {
    pub client_name: Option<String>,
    pub refresh_token_validity: Option<i64>,
    pub access_token_validity: Option<i64>,
    pub id_token_validity: Option<i64>,
    pub token_validity_units: Option<TokenValidityUnitsType>,
    pub read_attributes: Option<Vec<String>>,
    pub write_attributes: Option<Vec<String>>,
    pub explicit_auth_flows: Option<Vec<String>>,
    pub supported_identity_providers: Option<Vec<String>>,
    #[serde(rename = "CallbackURLs")]
    pub callback_urls: Option<Vec<String>>,
    #[serde(rename = "LogoutURLs")]
    pub logout_urls: Option<Vec<String>>,
    #[serde(rename = "DefaultRedirectURI")]
    pub default_redirect_uri: Option<String>,
    pub allowed_o_auth_flows: Option<Vec<String>>,
    pub allowed_o_auth_scopes: Option<Vec<String>>,
    pub allowed_o_auth_flows_user_pool_client: Option<bool>,
    pub prevent_user_existence_errors: Option<String>,
    pub enable_token_revocation: Option<bool>,
    pub auth_session_validity: Option<i64>,
    pub refresh_token_rotation: Option<RefreshTokenRotationType>,
}

/// An app client's refresh-token rotation: `Feature` ENABLED or DISABLED, and how long a
/// rotated-out token still works (0 to 60 seconds).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RefreshTokenRotationType {
    pub feature: String,
    pub retry_grace_period_seconds: Option<i64>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolClientRequest {
    pub user_pool_id: String,
    pub generate_secret: Option<bool>,
    #[serde(flatten)]
    pub settings: ClientSettingsFields,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserPoolClientRequest {
    pub user_pool_id: String,
    pub client_id: String,
    #[serde(flatten)]
    pub settings: ClientSettingsFields,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientIdRequest {
    pub user_pool_id: String,
    pub client_id: String,
}

/// An app client as DescribeUserPoolClient shows it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientType {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub creation_date: i64,
    pub last_modified_date: i64,
    #[serde(flatten)]
    pub settings: ClientSettingsFields,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientResponse {
    pub user_pool_client: UserPoolClientType,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientsRequest {
    pub user_pool_id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientDescription {
    pub client_id: String,
    pub user_pool_id: String,
    pub client_name: String,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientsResponse {
    pub user_pool_clients: Vec<UserPoolClientDescription>,
    pub next_token: Option<String>,
}

/// An empty answer (`{}`), as DeleteUserPool and friends give.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Empty {}

/// TagResource: tags to add to the pool the ARN names.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceRequest {
    pub resource_arn: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// UntagResource: tag keys to remove.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceRequest {
    pub resource_arn: String,
    #[serde(default)]
    pub tag_keys: Vec<String>,
}

/// ListTagsForResource.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceRequest {
    pub resource_arn: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceResponse {
    pub tags: BTreeMap<String, String>,
}

/// GetSigningCertificate's answer: base64 DER.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSigningCertificateResponse {
    pub certificate: String,
}

/// AddUserPoolClientSecret: a second secret for a confidential client, given or generated.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddUserPoolClientSecretRequest {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
}

/// A client secret's identity, and its value only when the server made it.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientSecretDescriptorType {
    pub client_secret_id: String,
    pub client_secret_value: Option<String>,
    pub client_secret_create_date: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddUserPoolClientSecretResponse {
    pub client_secret_descriptor: ClientSecretDescriptorType,
}

/// DeleteUserPoolClientSecret.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteUserPoolClientSecretRequest {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret_id: String,
}

/// ListUserPoolClientSecrets (one page always: a client has at most two secrets).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientSecretsRequest {
    pub user_pool_id: String,
    pub client_id: String,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientSecretsResponse {
    pub client_secrets: Vec<ClientSecretDescriptorType>,
}

/// SetRiskConfiguration. The three parts travel as Cognito's JSON: the service model's rules
/// have checked them before they get here, and Cognate keeps them as given.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetRiskConfigurationRequest {
    pub user_pool_id: String,
    pub client_id: Option<String>,
    pub compromised_credentials_risk_configuration: Option<serde_json::Value>,
    pub account_takeover_risk_configuration: Option<serde_json::Value>,
    pub risk_exception_configuration: Option<serde_json::Value>,
}

/// DescribeRiskConfiguration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRiskConfigurationRequest {
    pub user_pool_id: String,
    pub client_id: Option<String>,
}

/// `RiskConfigurationType`.
#[skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RiskConfigurationType {
    pub user_pool_id: String,
    pub client_id: Option<String>,
    pub compromised_credentials_risk_configuration: Option<serde_json::Value>,
    pub account_takeover_risk_configuration: Option<serde_json::Value>,
    pub risk_exception_configuration: Option<serde_json::Value>,
    pub last_modified_date: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RiskConfigurationResponse {
    pub risk_configuration: RiskConfigurationType,
}
