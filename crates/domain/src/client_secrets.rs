//! AddUserPoolClientSecret, DeleteUserPoolClientSecret, ListUserPoolClientSecrets: a confidential
//! client's secrets, at most two, so that a secret can be replaced without a moment when the
//! applications holding the old one are refused.

use cognate_crypto::random;

use crate::clients::check_fixed_secret;
use crate::model::{AppClient, ClientSecret};
use crate::{Cognate, DomainError, Result};

/// AWS's limit of secrets on one client.
const MAX_SECRETS: usize = 2;

impl Cognate {
    /// ListUserPoolClientSecrets: the secrets' ids and dates, never their values.
    pub async fn list_client_secrets(&self, pool_id: &str, client_id: &str) -> Result<Vec<ClientSecret>> {
        let client = self.describe_user_pool_client(pool_id, client_id).await?;
        Ok(secrets_of(&client).into_iter().map(|s| ClientSecret { value: String::new(), ..s }).collect())
    }

    /// AddUserPoolClientSecret: a second secret, `given` or generated. The answer carries the value
    /// only when Cognate made it, as Cognito's does.
    pub async fn add_client_secret(
        &self,
        pool_id: &str,
        client_id: &str,
        given: Option<String>,
    ) -> Result<ClientSecret> {
        if let Some(given) = &given {
            check_fixed_secret(given)?;
        }
        let mut client = self.describe_user_pool_client(pool_id, client_id).await?;
        if client.secret.is_none() {
            return Err(DomainError::invalid(format!(
                "Client {client_id} has no secret: secrets are added to confidential clients only."
            )));
        }
        if secrets_of(&client).len() >= MAX_SECRETS {
            return Err(DomainError::LimitExceeded(format!(
                "Client {client_id} already has {MAX_SECRETS} secrets: delete one first."
            )));
        }
        let now = self.clock.now();
        // Ids are `<client>--<epoch>`: a second secret in the same second as the first would
        // share its id, so it is dated a second later.
        let created = now.max(client.secret_created.unwrap_or(client.created) + 1);
        let secret = ClientSecret {
            id: format!("{client_id}--{created}"),
            value: given.clone().unwrap_or_else(random::client_secret),
            created,
        };
        client.second_secret = Some(secret.clone());
        self.save_client(&mut client).await?;
        Ok(if given.is_some() { ClientSecret { value: String::new(), ..secret } } else { secret })
    }

    /// DeleteUserPoolClientSecret: removes one secret; the last one stays.
    pub async fn delete_client_secret(&self, pool_id: &str, client_id: &str, secret_id: &str) -> Result<()> {
        let mut client = self.describe_user_pool_client(pool_id, client_id).await?;
        let first = client.first_secret();
        let second = client.second_secret.clone();
        match (first, second) {
            (Some(first), Some(second)) if first.id == secret_id => {
                client.secret = Some(second.value);
                client.secret_created = Some(second.created);
                client.second_secret = None;
            }
            (Some(_), Some(second)) if second.id == secret_id => client.second_secret = None,
            (Some(first), None) if first.id == secret_id => {
                return Err(DomainError::invalid(format!(
                    "Secret {secret_id} is the last secret of client {client_id} and cannot be deleted."
                )));
            }
            _ => {
                return Err(DomainError::ResourceNotFound(format!(
                    "Client secret {secret_id} does not exist for client {client_id}."
                )))
            }
        }
        self.save_client(&mut client).await
    }
}

fn secrets_of(client: &AppClient) -> Vec<ClientSecret> {
    client.first_secret().into_iter().chain(client.second_secret.clone()).collect()
}
