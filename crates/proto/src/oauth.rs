//! The OAuth side of a pool in the JSON API: user pool domains (CreateUserPoolDomain ...
//! DeleteUserPoolDomain) and resource servers with their custom scopes.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// `CustomDomainConfig`: the certificate a custom domain is served with.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomDomainConfigType {
    pub certificate_arn: String,
    pub security_policy: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolDomainRequest {
    pub domain: String,
    pub user_pool_id: String,
    pub managed_login_version: Option<i64>,
    pub custom_domain_config: Option<CustomDomainConfigType>,
}

/// The answer of CreateUserPoolDomain and UpdateUserPoolDomain.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolDomainResponse {
    pub managed_login_version: Option<i64>,
    /// Custom domains only: the host name to point the domain's DNS at.
    pub cloud_front_domain: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeUserPoolDomainRequest {
    pub domain: String,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DomainDescriptionType {
    pub user_pool_id: Option<String>,
    #[serde(rename = "AWSAccountId")]
    pub aws_account_id: Option<String>,
    pub domain: Option<String>,
    pub cloud_front_distribution: Option<String>,
    pub version: Option<String>,
    pub status: Option<String>,
    pub custom_domain_config: Option<CustomDomainConfigType>,
    pub managed_login_version: Option<i64>,
}

/// An unknown domain answers an empty description, not an error.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeUserPoolDomainResponse {
    pub domain_description: DomainDescriptionType,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteUserPoolDomainRequest {
    pub domain: String,
    pub user_pool_id: String,
}

/// A custom scope of a resource server.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerScopeType {
    pub scope_name: String,
    pub scope_description: String,
}

/// CreateResourceServer and UpdateResourceServer (which replaces the whole server).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerRequest {
    pub user_pool_id: String,
    pub identifier: String,
    pub name: String,
    pub scopes: Option<Vec<ResourceServerScopeType>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerIdRequest {
    pub user_pool_id: String,
    pub identifier: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerType {
    pub user_pool_id: String,
    pub identifier: String,
    pub name: String,
    pub scopes: Vec<ResourceServerScopeType>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerResponse {
    pub resource_server: ResourceServerType,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceServersRequest {
    pub user_pool_id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceServersResponse {
    pub resource_servers: Vec<ResourceServerType>,
    pub next_token: Option<String>,
}

/// SetUICustomization: the classic hosted UI's CSS and logo for a pool (`ClientId` absent or
/// `ALL`) or one client.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUICustomizationRequest {
    pub user_pool_id: String,
    pub client_id: Option<String>,
    #[serde(rename = "CSS")]
    pub css: Option<String>,
    /// The logo, base64-encoded (a blob in the service model).
    pub image_file: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUICustomizationRequest {
    pub user_pool_id: String,
    pub client_id: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UICustomizationType {
    pub user_pool_id: Option<String>,
    pub client_id: Option<String>,
    pub image_url: Option<String>,
    #[serde(rename = "CSS")]
    pub css: Option<String>,
    #[serde(rename = "CSSVersion")]
    pub css_version: Option<String>,
    pub last_modified_date: Option<i64>,
    pub creation_date: Option<i64>,
}

/// The answer of both SetUICustomization and GetUICustomization.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UICustomizationResponse {
    #[serde(rename = "UICustomization")]
    pub ui_customization: UICustomizationType,
}
