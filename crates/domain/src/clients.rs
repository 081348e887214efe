//! App-client management: create (with an optional secret), describe, list, update, delete.

use cognate_crypto::{mac, random};

use crate::error::{DomainError, Result};
use crate::model::{AppClient, ClientSettings, Pool, RefreshTokenRotation, ResourceServer, TimeUnit, Validity};
use crate::oauth;
use crate::Cognate;

/// What CreateUserPoolClient and UpdateUserPoolClient ask for; `None` means Cognito's default.
#[derive(Debug, Clone, Default)]
pub struct ClientInput {
    pub name: Option<String>,
    pub access_token_validity: Option<i64>,
    pub id_token_validity: Option<i64>,
    pub refresh_token_validity: Option<i64>,
    pub access_token_unit: Option<String>,
    pub id_token_unit: Option<String>,
    pub refresh_token_unit: Option<String>,
    pub read_attributes: Vec<String>,
    pub write_attributes: Vec<String>,
    pub explicit_auth_flows: Vec<String>,
    pub supported_identity_providers: Vec<String>,
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
    pub default_redirect_uri: Option<String>,
    pub allowed_oauth_flows: Vec<String>,
    pub allowed_oauth_scopes: Vec<String>,
    pub allowed_oauth_flows_user_pool_client: bool,
    pub prevent_user_existence_errors: Option<String>,
    pub enable_token_revocation: Option<bool>,
    pub auth_session_validity: Option<i64>,
    /// `RefreshTokenRotation`: its `Feature` and `RetryGracePeriodSeconds`.
    pub refresh_token_rotation: Option<(String, Option<i64>)>,
}

const AUTH_FLOWS: &[&str] = &[
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
];

/// Whether a client may call the public actions that need its secret, given what was sent.
pub(crate) fn check_secret_hash(client: &AppClient, username: &str, presented: Option<&str>) -> Result<()> {
    if client.secret.is_none() {
        return Ok(());
    }
    let Some(presented) = presented else {
        return Err(DomainError::not_authorized(format!(
            "Client {} is configured for secret but secret was not received",
            client.id
        )));
    };
    let matches = client
        .secrets()
        .fold(false, |found, secret| mac::secret_hash_matches(secret, username, &client.id, presented) | found);
    if !matches {
        return Err(DomainError::not_authorized(format!("Unable to verify secret hash for client {}", client.id)));
    }
    Ok(())
}

/// The secret a new app client gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewClientSecret {
    /// A public client.
    None,
    /// A random secret (`GenerateSecret`).
    Generated,
    /// A secret chosen by the operator, with AddUserPoolClientSecret's constraints: 24 to 64
    /// characters of `[\w+]`.
    Fixed(String),
}

impl From<bool> for NewClientSecret {
    fn from(generate: bool) -> Self {
        if generate {
            Self::Generated
        } else {
            Self::None
        }
    }
}

pub(crate) fn check_fixed_secret(secret: &str) -> Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '+';
    if (24..=64).contains(&secret.len()) && secret.chars().all(allowed) {
        Ok(())
    } else {
        Err(DomainError::invalid("A client secret has 24 to 64 characters: letters, digits, _ and +."))
    }
}

impl Cognate {
    /// Writes a changed client back, stamped as modified now; a client deleted meanwhile is
    /// Cognito's ResourceNotFoundException.
    pub(crate) async fn save_client(&self, client: &mut AppClient) -> Result<()> {
        client.modified = self.clock.now();
        if !self.store.update_client(client).await? {
            return Err(DomainError::ResourceNotFound(format!("User pool client {} does not exist.", client.id)));
        }
        Ok(())
    }

    /// The client with this id and its pool, or Cognito's ResourceNotFoundException.
    pub(crate) async fn client(&self, client_id: &str) -> Result<(Pool, AppClient)> {
        let missing = || DomainError::ResourceNotFound(format!("User pool client {client_id} does not exist."));
        if client_id.is_empty() || client_id.len() > 128 {
            return Err(missing());
        }
        let client = self.store.get_client(client_id).await?.ok_or_else(missing)?;
        let pool = self.store.get_pool(&client.pool_id).await?.ok_or_else(missing)?;
        Ok((pool, client))
    }

    /// A client that must belong to `pool_id` (admin actions name both).
    /// The client, for a request that came to the domain of `served_pool` (if any): another
    /// pool's client is not found there, as on Cognito, where each domain serves one pool.
    pub(crate) async fn client_served(&self, client_id: &str, served_pool: Option<&str>) -> Result<(Pool, AppClient)> {
        let (pool, client) = self.client(client_id).await?;
        if served_pool.is_some_and(|served| served != pool.id) {
            return Err(DomainError::ResourceNotFound(format!("Client {client_id} does not exist.")));
        }
        Ok((pool, client))
    }

    pub(crate) async fn client_in_pool(&self, pool_id: &str, client_id: &str) -> Result<(Pool, AppClient)> {
        let (pool, client) = self.client(client_id).await?;
        if pool.id != pool_id {
            return Err(DomainError::ResourceNotFound(format!("User pool client {client_id} does not exist.")));
        }
        Ok((pool, client))
    }

    /// CreateUserPoolClient. `id` fixes the client id and `secret` may fix the secret (both from
    /// the server's config file).
    pub async fn create_user_pool_client(
        &self,
        pool_id: &str,
        input: ClientInput,
        secret: NewClientSecret,
        id: Option<String>,
    ) -> Result<AppClient> {
        let pool = self.pool(pool_id).await?;
        let servers = self.resource_servers_for(&pool.id, &input).await?;
        self.check_identity_providers(&pool.id, &input.supported_identity_providers).await?;
        let settings = client_settings(&pool, input, &servers, secret != NewClientSecret::None, "creating")?;
        let id = match id {
            Some(id) if (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()) => id,
            Some(id) => return Err(DomainError::invalid(format!("Invalid client id: {id}"))),
            None => random::client_id(),
        };
        if let NewClientSecret::Fixed(secret) = &secret {
            check_fixed_secret(secret)?;
        }
        let now = self.clock.now();
        let client = AppClient {
            id,
            pool_id: pool.id,
            secret: match secret {
                NewClientSecret::None => None,
                NewClientSecret::Generated => Some(random::client_secret()),
                NewClientSecret::Fixed(secret) => Some(secret),
            },
            created: now,
            modified: now,
            settings,
            ui_customization: None,
            secret_created: None,
            second_secret: None,
        };
        self.store.insert_client(&client).await.map_err(|e| match e {
            crate::StoreError::Conflict(_) => DomainError::invalid(format!("Client {} already exists.", client.id)),
            other => other.into(),
        })?;
        Ok(client)
    }

    /// DescribeUserPoolClient.
    pub async fn describe_user_pool_client(&self, pool_id: &str, client_id: &str) -> Result<AppClient> {
        self.pool(pool_id).await?;
        Ok(self.client_in_pool(pool_id, client_id).await?.1)
    }

    /// ListUserPoolClients: clients in id order; the token is the last id of the previous page.
    pub async fn list_user_pool_clients(
        &self,
        pool_id: &str,
        max_results: Option<i64>,
        next: Option<&str>,
    ) -> Result<(Vec<AppClient>, Option<String>)> {
        self.pool(pool_id).await?;
        let limit = max_results.unwrap_or(60);
        if !(1..=60).contains(&limit) {
            return Err(DomainError::invalid("MaxResults must be between 1 and 60."));
        }
        let clients = self.store.list_clients(pool_id, next, limit as u32 + 1).await?;
        Ok(crate::listing::page(clients, limit as usize, |c| c.id.clone()))
    }

    /// UpdateUserPoolClient: replaces the settings (unspecified ones return to defaults, as
    /// Cognito does); the secret is kept.
    pub async fn update_user_pool_client(
        &self,
        pool_id: &str,
        client_id: &str,
        input: ClientInput,
    ) -> Result<AppClient> {
        let (pool, mut client) = self.client_in_pool(pool_id, client_id).await?;
        let keep_name = client.settings.name.clone();
        let servers = self.resource_servers_for(&pool.id, &input).await?;
        self.check_identity_providers(&pool.id, &input.supported_identity_providers).await?;
        let input = ClientInput { name: input.name.clone().or(Some(keep_name)), ..input };
        let mut settings = client_settings(&pool, input, &servers, client.secret.is_some(), "updating")?;
        std::mem::swap(&mut client.settings, &mut settings);
        self.save_client(&mut client).await?;
        Ok(client)
    }

    /// The pool's resource servers when `input` names a custom scope (none are read otherwise).
    async fn resource_servers_for(&self, pool_id: &str, input: &ClientInput) -> Result<Vec<ResourceServer>> {
        if !input.allowed_oauth_scopes.iter().any(|s| !oauth::scopes::is_built_in(s)) {
            return Ok(Vec::new());
        }
        Ok(self.store.pool_resource_servers(pool_id).await?.to_vec())
    }

    /// SupportedIdentityProviders: `COGNITO` and the pool's providers, as Cognito checks them.
    async fn check_identity_providers(&self, pool_id: &str, providers: &[String]) -> Result<()> {
        for name in providers.iter().filter(|p| *p != "COGNITO") {
            if self.store.get_identity_provider(pool_id, name).await?.is_none() {
                return Err(DomainError::invalid(format!(
                    "The provider {name} does not exist for User Pool {pool_id}"
                )));
            }
        }
        Ok(())
    }

    /// DeleteUserPoolClient.
    pub async fn delete_user_pool_client(&self, pool_id: &str, client_id: &str) -> Result<()> {
        self.client_in_pool(pool_id, client_id).await?;
        self.store.delete_client(pool_id, client_id).await?;
        Ok(())
    }
}

fn validity(
    value: Option<i64>,
    unit: Option<&str>,
    default: Validity,
    range: (i64, i64),
    what: &str,
) -> Result<Validity> {
    let Some(value) = value else { return Ok(default) };
    let unit = match unit {
        Some(name) => TimeUnit::parse(name)
            .ok_or_else(|| DomainError::invalid(format!("Invalid TokenValidityUnits value: {name}")))?,
        None if what == "RefreshTokenValidity" => TimeUnit::Days,
        None => TimeUnit::Hours,
    };
    let validity = Validity { value, unit };
    if !(range.0..=range.1).contains(&validity.seconds()) {
        return Err(DomainError::invalid(format!("{what} is out of range.")));
    }
    Ok(validity)
}

fn client_settings(
    pool: &Pool,
    input: ClientInput,
    servers: &[ResourceServer],
    has_secret: bool,
    verb: &str,
) -> Result<ClientSettings> {
    oauth::check_oauth_settings(
        &oauth::OAuthFields {
            flows: &input.allowed_oauth_flows,
            scopes: &input.allowed_oauth_scopes,
            callback_urls: &input.callback_urls,
            logout_urls: &input.logout_urls,
            default_redirect_uri: input.default_redirect_uri.as_deref(),
            has_secret,
        },
        servers,
    )?;
    let name = input.name.unwrap_or_default();
    if name.is_empty() || name.chars().count() > 128 {
        return Err(DomainError::invalid("ClientName must be 1 to 128 characters long."));
    }
    let minutes = |m| Validity { value: m, unit: TimeUnit::Minutes };
    let access = validity(
        input.access_token_validity,
        input.access_token_unit.as_deref(),
        minutes(60),
        (300, 86_400),
        "AccessTokenValidity",
    )?;
    let id = validity(
        input.id_token_validity,
        input.id_token_unit.as_deref(),
        minutes(60),
        (300, 86_400),
        "IdTokenValidity",
    )?;
    let refresh = validity(
        input.refresh_token_validity,
        input.refresh_token_unit.as_deref(),
        Validity { value: 30, unit: TimeUnit::Days },
        (3600, 3650 * 86_400),
        "RefreshTokenValidity",
    )?;
    if refresh.seconds() <= access.seconds().max(id.seconds()) {
        return Err(DomainError::invalid(
            "RefreshTokenValidity must be longer than AccessTokenValidity and IdTokenValidity.",
        ));
    }
    for flow in &input.explicit_auth_flows {
        if !AUTH_FLOWS.contains(&flow.as_str()) {
            return Err(DomainError::invalid(format!("Invalid ExplicitAuthFlows value: {flow}")));
        }
    }
    let legacy = input.explicit_auth_flows.iter().any(|f| !f.starts_with("ALLOW_"));
    let modern = input.explicit_auth_flows.iter().any(|f| f.starts_with("ALLOW_"));
    if legacy && modern {
        return Err(DomainError::invalid("ExplicitAuthFlows can not have both legacy and new values."));
    }
    let explicit_auth_flows = if input.explicit_auth_flows.is_empty() {
        ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH"].map(String::from).to_vec()
    } else {
        input.explicit_auth_flows
    };
    // Cognito's words, which name the list but not the attribute.
    let known = |attr: &String| pool.schema.iter().any(|a| a.name == *attr);
    if !input.read_attributes.iter().all(known) {
        return Err(DomainError::invalid(format!("Invalid read attributes specified while {verb} a client")));
    }
    if !input.write_attributes.iter().all(known) {
        return Err(DomainError::invalid(format!("Invalid write attributes specified while {verb} a client")));
    }
    let prevent = match input.prevent_user_existence_errors.as_deref() {
        None | Some("LEGACY") => false,
        Some("ENABLED") => true,
        Some(other) => return Err(DomainError::invalid(format!("Invalid PreventUserExistenceErrors value: {other}"))),
    };
    let session = input.auth_session_validity.unwrap_or(3);
    if !(3..=15).contains(&session) {
        return Err(DomainError::invalid("AuthSessionValidity must be between 3 and 15 minutes."));
    }
    let refresh_token_rotation = match input.refresh_token_rotation {
        None => RefreshTokenRotation::default(),
        Some((feature, grace)) => {
            let enabled = match feature.as_str() {
                "ENABLED" => true,
                "DISABLED" => false,
                other => {
                    return Err(DomainError::invalid(format!(
                        "1 validation error detected: Value '{other}' at 'refreshTokenRotation.feature' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]"
                    )))
                }
            };
            let grace = grace.unwrap_or(0);
            if !(0..=60).contains(&grace) {
                return Err(DomainError::invalid(format!(
                    "1 validation error detected: Value '{grace}' at 'refreshTokenRotation.retryGracePeriodSeconds' failed to satisfy constraint: Member must have value between 0 and 60"
                )));
            }
            RefreshTokenRotation { enabled, retry_grace_period_seconds: grace }
        }
    };
    Ok(ClientSettings {
        name,
        access_token_validity: access,
        id_token_validity: id,
        refresh_token_validity: refresh,
        read_attributes: input.read_attributes,
        write_attributes: input.write_attributes,
        explicit_auth_flows,
        supported_identity_providers: input.supported_identity_providers,
        callback_urls: input.callback_urls,
        logout_urls: input.logout_urls,
        default_redirect_uri: input.default_redirect_uri,
        allowed_oauth_flows: input.allowed_oauth_flows,
        allowed_oauth_scopes: input.allowed_oauth_scopes,
        allowed_oauth_flows_user_pool_client: input.allowed_oauth_flows_user_pool_client,
        prevent_user_existence_errors: prevent,
        enable_token_revocation: input.enable_token_revocation.unwrap_or(true),
        auth_session_validity_minutes: session,
        refresh_token_rotation,
    })
}

#[cfg(test)]
mod tests {
    use super::check_fixed_secret;

    #[test]
    fn a_fixed_secret_has_add_user_pool_client_secrets_length_and_characters() {
        for good in ["cruddur_demo_feed_secret_change_me", &"a".repeat(24), &"Ab9_+".repeat(13)[..64]] {
            assert!(check_fixed_secret(good).is_ok(), "{good}");
        }
        for bad in
            [&"a".repeat(23), &"a".repeat(65), "has spaces in it which are refused", "naïve_secret_with_an_accent"]
        {
            assert!(check_fixed_secret(bad).is_err(), "{bad}");
        }
    }
}
