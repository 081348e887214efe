//! External identity providers of a pool in the JSON API: CreateIdentityProvider,
//! DescribeIdentityProvider, GetIdentityProviderByIdentifier, UpdateIdentityProvider,
//! DeleteIdentityProvider, ListIdentityProviders; and the links of identities to users,
//! AdminLinkProviderForUser and AdminDisableProviderForUser.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateIdentityProviderRequest {
    pub user_pool_id: String,
    pub provider_name: String,
    pub provider_type: String,
    #[serde(default)]
    pub provider_details: BTreeMap<String, String>,
    pub attribute_mapping: Option<BTreeMap<String, String>>,
    pub idp_identifiers: Option<Vec<String>>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateIdentityProviderRequest {
    pub user_pool_id: String,
    pub provider_name: String,
    pub provider_details: Option<BTreeMap<String, String>>,
    pub attribute_mapping: Option<BTreeMap<String, String>>,
    pub idp_identifiers: Option<Vec<String>>,
}

/// DescribeIdentityProvider and DeleteIdentityProvider.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityProviderNameRequest {
    pub user_pool_id: String,
    pub provider_name: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetIdentityProviderByIdentifierRequest {
    pub user_pool_id: String,
    pub idp_identifier: String,
}

/// A provider as Describe shows it: its details with the keys Cognito derives.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityProviderType {
    pub user_pool_id: String,
    pub provider_name: String,
    pub provider_type: String,
    pub provider_details: BTreeMap<String, String>,
    pub attribute_mapping: BTreeMap<String, String>,
    pub idp_identifiers: Vec<String>,
    pub last_modified_date: i64,
    pub creation_date: i64,
}

/// The answer of Create, Describe, GetByIdentifier and Update.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityProviderResponse {
    pub identity_provider: IdentityProviderType,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListIdentityProvidersRequest {
    pub user_pool_id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

/// A listed provider: no details.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProviderDescription {
    pub provider_name: String,
    pub provider_type: String,
    pub last_modified_date: i64,
    pub creation_date: i64,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListIdentityProvidersResponse {
    pub providers: Vec<ProviderDescription>,
    pub next_token: Option<String>,
}

/// A user as the linking actions name one: `Cognito` and a username, or a provider and the
/// user's subject there (`Cognito_Subject`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProviderUserIdentifierType {
    #[serde(default)]
    pub provider_name: String,
    pub provider_attribute_name: Option<String>,
    #[serde(default)]
    pub provider_attribute_value: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminLinkProviderForUserRequest {
    pub user_pool_id: String,
    pub destination_user: ProviderUserIdentifierType,
    pub source_user: ProviderUserIdentifierType,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminDisableProviderForUserRequest {
    pub user_pool_id: String,
    pub user: ProviderUserIdentifierType,
}
