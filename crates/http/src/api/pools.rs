//! Pool and app-client management handlers.

use cognate_domain::wallet::WalletChange;
use cognate_domain::{Cognate, DomainError};
use cognate_proto::pools::*;

use crate::convert::{client_input, client_out, new_pool, pool_out, pool_settings_in, wallet_in};

type Result<T> = std::result::Result<T, DomainError>;

pub async fn create_user_pool(c: &Cognate, r: CreateUserPoolRequest) -> Result<UserPoolResponse> {
    let pool = c.create_user_pool(new_pool(r, None)?).await?;
    let config = c.config();
    Ok(UserPoolResponse { user_pool: pool_out(&pool, &config.region, &config.account_id, 0) })
}

pub async fn describe_user_pool(c: &Cognate, r: UserPoolIdRequest) -> Result<UserPoolResponse> {
    let (pool, users) = c.describe_user_pool(&r.user_pool_id).await?;
    let config = c.config();
    Ok(UserPoolResponse { user_pool: pool_out(&pool, &config.region, &config.account_id, users) })
}

pub async fn list_user_pools(c: &Cognate, r: ListUserPoolsRequest) -> Result<ListUserPoolsResponse> {
    let (pools, next_token) = c.list_user_pools(r.max_results, r.next_token.as_deref()).await?;
    let user_pools = pools
        .into_iter()
        .map(|p| UserPoolDescriptionType {
            id: p.id,
            name: p.name,
            creation_date: p.created,
            last_modified_date: p.modified,
        })
        .collect();
    Ok(ListUserPoolsResponse { user_pools, next_token })
}

pub async fn update_user_pool(c: &Cognate, r: UpdateUserPoolRequest) -> Result<Empty> {
    let wallet = match r.settings.wallet_sign_in.clone() {
        None => WalletChange::Keep,
        given => WalletChange::Set(wallet_in(given)?),
    };
    c.update_user_pool(&r.user_pool_id, pool_settings_in(r.settings)?, wallet).await?;
    Ok(Empty {})
}

pub async fn delete_user_pool(c: &Cognate, r: UserPoolIdRequest) -> Result<Empty> {
    c.delete_user_pool(&r.user_pool_id).await?;
    Ok(Empty {})
}

pub async fn create_user_pool_client(c: &Cognate, r: CreateUserPoolClientRequest) -> Result<UserPoolClientResponse> {
    let client = c
        .create_user_pool_client(
            &r.user_pool_id,
            client_input(r.settings),
            r.generate_secret.unwrap_or(false).into(),
            None,
        )
        .await?;
    Ok(UserPoolClientResponse { user_pool_client: client_out(&client) })
}

pub async fn describe_user_pool_client(c: &Cognate, r: ClientIdRequest) -> Result<UserPoolClientResponse> {
    let client = c.describe_user_pool_client(&r.user_pool_id, &r.client_id).await?;
    Ok(UserPoolClientResponse { user_pool_client: client_out(&client) })
}

pub async fn list_user_pool_clients(c: &Cognate, r: ListUserPoolClientsRequest) -> Result<ListUserPoolClientsResponse> {
    let (clients, next_token) =
        c.list_user_pool_clients(&r.user_pool_id, r.max_results, r.next_token.as_deref()).await?;
    let user_pool_clients = clients
        .into_iter()
        .map(|cl| UserPoolClientDescription {
            client_id: cl.id,
            user_pool_id: cl.pool_id,
            client_name: cl.settings.name,
        })
        .collect();
    Ok(ListUserPoolClientsResponse { user_pool_clients, next_token })
}

pub async fn update_user_pool_client(c: &Cognate, r: UpdateUserPoolClientRequest) -> Result<UserPoolClientResponse> {
    let client = c.update_user_pool_client(&r.user_pool_id, &r.client_id, client_input(r.settings)).await?;
    Ok(UserPoolClientResponse { user_pool_client: client_out(&client) })
}

pub async fn delete_user_pool_client(c: &Cognate, r: ClientIdRequest) -> Result<Empty> {
    c.delete_user_pool_client(&r.user_pool_id, &r.client_id).await?;
    Ok(Empty {})
}

pub async fn tag_resource(c: &Cognate, r: TagResourceRequest) -> Result<Empty> {
    c.tag_resource(&r.resource_arn, r.tags).await?;
    Ok(Empty {})
}

pub async fn untag_resource(c: &Cognate, r: UntagResourceRequest) -> Result<Empty> {
    c.untag_resource(&r.resource_arn, &r.tag_keys).await?;
    Ok(Empty {})
}

pub async fn list_tags_for_resource(c: &Cognate, r: ListTagsForResourceRequest) -> Result<ListTagsForResourceResponse> {
    Ok(ListTagsForResourceResponse { tags: c.list_tags(&r.resource_arn).await? })
}

pub async fn get_signing_certificate(c: &Cognate, r: UserPoolIdRequest) -> Result<GetSigningCertificateResponse> {
    Ok(GetSigningCertificateResponse { certificate: c.signing_certificate(&r.user_pool_id).await? })
}

fn secret_out(secret: cognate_domain::model::ClientSecret) -> ClientSecretDescriptorType {
    ClientSecretDescriptorType {
        client_secret_id: secret.id,
        client_secret_value: (!secret.value.is_empty()).then_some(secret.value),
        client_secret_create_date: secret.created,
    }
}

pub async fn add_user_pool_client_secret(
    c: &Cognate,
    r: AddUserPoolClientSecretRequest,
) -> Result<AddUserPoolClientSecretResponse> {
    let secret = c.add_client_secret(&r.user_pool_id, &r.client_id, r.client_secret).await?;
    Ok(AddUserPoolClientSecretResponse { client_secret_descriptor: secret_out(secret) })
}

pub async fn delete_user_pool_client_secret(c: &Cognate, r: DeleteUserPoolClientSecretRequest) -> Result<Empty> {
    c.delete_client_secret(&r.user_pool_id, &r.client_id, &r.client_secret_id).await?;
    Ok(Empty {})
}

pub async fn list_user_pool_client_secrets(
    c: &Cognate,
    r: ListUserPoolClientSecretsRequest,
) -> Result<ListUserPoolClientSecretsResponse> {
    let secrets = c.list_client_secrets(&r.user_pool_id, &r.client_id).await?;
    Ok(ListUserPoolClientSecretsResponse { client_secrets: secrets.into_iter().map(secret_out).collect() })
}

fn risk_out(
    pool_id: String,
    client_id: Option<String>,
    config: Option<cognate_domain::model::RiskConfiguration>,
) -> RiskConfigurationResponse {
    let config = config.map(|c| (c.compromised_credentials, c.account_takeover, c.risk_exception, c.modified));
    let (compromised, takeover, exception, modified) = match config {
        Some((a, b, c, m)) => (a, b, c, Some(m)),
        None => (None, None, None, None),
    };
    RiskConfigurationResponse {
        risk_configuration: RiskConfigurationType {
            user_pool_id: pool_id,
            client_id,
            compromised_credentials_risk_configuration: compromised,
            account_takeover_risk_configuration: takeover,
            risk_exception_configuration: exception,
            last_modified_date: modified,
        },
    }
}

pub async fn set_risk_configuration(c: &Cognate, r: SetRiskConfigurationRequest) -> Result<RiskConfigurationResponse> {
    let parts = cognate_domain::RiskParts {
        compromised_credentials: r.compromised_credentials_risk_configuration,
        account_takeover: r.account_takeover_risk_configuration,
        risk_exception: r.risk_exception_configuration,
    };
    let config = c.set_risk_configuration(&r.user_pool_id, r.client_id.as_deref(), parts).await?;
    Ok(risk_out(r.user_pool_id, r.client_id, config))
}

pub async fn describe_risk_configuration(
    c: &Cognate,
    r: DescribeRiskConfigurationRequest,
) -> Result<RiskConfigurationResponse> {
    let (client_id, config) = c.describe_risk_configuration(&r.user_pool_id, r.client_id.as_deref()).await?;
    Ok(risk_out(r.user_pool_id, client_id, config))
}
