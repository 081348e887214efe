//! Handlers of a pool's external identity providers (CreateIdentityProvider ...
//! ListIdentityProviders) and of the links of identities to users.

use cognate_domain::federation::{IdentityProviderInput, IdentityProviderView, ProviderUser};
use cognate_domain::{Cognate, DomainError};
use cognate_proto::federation::*;
use cognate_proto::pools::Empty;

type Result<T> = std::result::Result<T, DomainError>;

fn answer(view: IdentityProviderView) -> IdentityProviderResponse {
    IdentityProviderResponse {
        identity_provider: IdentityProviderType {
            user_pool_id: view.pool_id,
            provider_name: view.name,
            provider_type: view.provider_type,
            provider_details: view.details,
            attribute_mapping: view.attribute_mapping,
            idp_identifiers: view.idp_identifiers,
            last_modified_date: view.modified,
            creation_date: view.created,
        },
    }
}

pub async fn create_identity_provider(
    c: &Cognate,
    r: CreateIdentityProviderRequest,
) -> Result<IdentityProviderResponse> {
    let input = IdentityProviderInput {
        pool_id: r.user_pool_id,
        name: r.provider_name,
        provider_type: Some(r.provider_type),
        details: Some(r.provider_details),
        attribute_mapping: r.attribute_mapping,
        idp_identifiers: r.idp_identifiers,
    };
    c.create_identity_provider(input).await.map(answer)
}

pub async fn describe_identity_provider(
    c: &Cognate,
    r: IdentityProviderNameRequest,
) -> Result<IdentityProviderResponse> {
    c.describe_identity_provider(&r.user_pool_id, &r.provider_name).await.map(answer)
}

pub async fn get_identity_provider_by_identifier(
    c: &Cognate,
    r: GetIdentityProviderByIdentifierRequest,
) -> Result<IdentityProviderResponse> {
    c.identity_provider_by_identifier(&r.user_pool_id, &r.idp_identifier).await.map(answer)
}

pub async fn update_identity_provider(
    c: &Cognate,
    r: UpdateIdentityProviderRequest,
) -> Result<IdentityProviderResponse> {
    let input = IdentityProviderInput {
        pool_id: r.user_pool_id,
        name: r.provider_name,
        provider_type: None,
        details: r.provider_details,
        attribute_mapping: r.attribute_mapping,
        idp_identifiers: r.idp_identifiers,
    };
    c.update_identity_provider(input).await.map(answer)
}

pub async fn delete_identity_provider(c: &Cognate, r: IdentityProviderNameRequest) -> Result<Empty> {
    c.delete_identity_provider(&r.user_pool_id, &r.provider_name).await.map(|()| Empty {})
}

pub async fn list_identity_providers(
    c: &Cognate,
    r: ListIdentityProvidersRequest,
) -> Result<ListIdentityProvidersResponse> {
    let (providers, next_token) =
        c.list_identity_providers(&r.user_pool_id, r.max_results, r.next_token.as_deref()).await?;
    let providers = providers
        .into_iter()
        .map(|p| ProviderDescription {
            provider_name: p.name,
            provider_type: p.provider_type,
            last_modified_date: p.modified,
            creation_date: p.created,
        })
        .collect();
    Ok(ListIdentityProvidersResponse { providers, next_token })
}

fn provider_user(named: ProviderUserIdentifierType) -> ProviderUser {
    ProviderUser {
        provider_name: named.provider_name,
        attribute_name: named.provider_attribute_name,
        attribute_value: named.provider_attribute_value,
    }
}

pub async fn admin_link_provider_for_user(c: &Cognate, r: AdminLinkProviderForUserRequest) -> Result<Empty> {
    let (destination, source) = (provider_user(r.destination_user), provider_user(r.source_user));
    c.admin_link_provider_for_user(&r.user_pool_id, &destination, &source).await.map(|()| Empty {})
}

pub async fn admin_disable_provider_for_user(c: &Cognate, r: AdminDisableProviderForUserRequest) -> Result<Empty> {
    c.admin_disable_provider_for_user(&r.user_pool_id, &provider_user(r.user)).await.map(|()| Empty {})
}
