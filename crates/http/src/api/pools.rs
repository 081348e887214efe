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
