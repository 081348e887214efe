//! The `client_credentials` grant of `/oauth2/token`: a confidential client proves itself with
//! its secret and gets an access token for custom scopes — no user, no id or refresh token.

use serde_json::{Map, Value};

use cognate_crypto::random;

use super::error::OAuthError;
use super::scopes;
use crate::model::{AppClient, Pool};
use crate::Cognate;

/// How a client identified itself at the token endpoint (HTTP Basic or the form body).
#[derive(Debug, Clone)]
pub struct ClientAuthentication {
    pub client_id: String,
    pub client_secret: Option<String>,
    /// The pool whose domain the request came to: another pool's client is unknown there.
    pub served_pool: Option<String>,
}

/// An access token from the token endpoint.
#[derive(Debug, Clone)]
pub struct GrantedToken {
    pub access_token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
}

type Result<T> = std::result::Result<T, OAuthError>;

impl Cognate {
    /// The client named at the token endpoint, authenticated: its secret must be the one sent
    /// (compared in constant time), and a public client must send none.
    pub(crate) async fn authenticate_oauth_client(&self, auth: &ClientAuthentication) -> Result<(Pool, AppClient)> {
        let refused = || OAuthError::InvalidClient("Client authentication failed.".into());
        let (pool, client) =
            self.client_served(&auth.client_id, auth.served_pool.as_deref()).await.map_err(|e| match e {
                crate::DomainError::ResourceNotFound(_) => refused(),
                other => OAuthError::Server(other),
            })?;
        match (&client.secret, &auth.client_secret) {
            (Some(_), Some(presented)) if client.secret_matches(presented) => {}
            (None, None) => {}
            _ => return Err(refused()),
        }
        if pool.domain.is_none() && pool.custom_domain.is_none() {
            return Err(OAuthError::InvalidRequest(format!(
                "User pool {} has no domain, so its OAuth endpoints are off: create one with CreateUserPoolDomain.",
                pool.id
            )));
        }
        Ok((pool, client))
    }

    /// `grant_type=client_credentials`: an access token whose `sub` and `client_id` are the
    /// client, for the requested custom scopes (space-separated), or for every custom scope the
    /// client is allowed when none is asked for.
    pub async fn client_credentials_token(
        &self,
        auth: &ClientAuthentication,
        scope: Option<&str>,
    ) -> Result<GrantedToken> {
        let (pool, client) = self.authenticate_oauth_client(auth).await?;
        let settings = &client.settings;
        if !settings.allowed_oauth_flows_user_pool_client
            || !settings.allowed_oauth_flows.iter().any(|f| f == "client_credentials")
        {
            return Err(OAuthError::UnauthorizedClient(
                "The client is not allowed the client_credentials grant.".into(),
            ));
        }
        // Only scopes that still exist: a resource server may have lost one since the client was saved.
        let servers = self.store.pool_resource_servers(&pool.id).await?;
        let allowed: Vec<&str> = settings
            .allowed_oauth_scopes
            .iter()
            .map(String::as_str)
            .filter(|s| scopes::custom_scope_exists(s, &servers))
            .collect();
        let granted: Vec<&str> = match scope.map(str::split_ascii_whitespace) {
            Some(requested) => {
                let mut granted = Vec::new();
                for wanted in requested {
                    if !allowed.contains(&wanted) {
                        return Err(OAuthError::InvalidScope(format!("The client may not be granted {wanted}.")));
                    }
                    if !granted.contains(&wanted) {
                        granted.push(wanted);
                    }
                }
                granted
            }
            None => allowed,
        };
        if granted.is_empty() {
            return Err(OAuthError::InvalidScope("No custom scope was requested or allowed.".into()));
        }
        let now = self.clock.now();
        let keys = self.keys.for_pool(self.store.as_ref(), &pool.id, now).await?;
        let expires_in = settings.access_token_validity.seconds();
        let mut claims = Map::new();
        claims.insert("sub".into(), Value::from(client.id.as_str()));
        claims.insert("token_use".into(), "access".into());
        claims.insert("scope".into(), granted.join(" ").into());
        claims.insert("auth_time".into(), now.into());
        claims.insert("iss".into(), self.issuer(&pool.id).into());
        claims.insert("exp".into(), (now + expires_in).into());
        claims.insert("iat".into(), now.into());
        claims.insert("version".into(), 2.into());
        claims.insert("jti".into(), random::uuid().into());
        claims.insert("client_id".into(), client.id.as_str().into());
        // A V3_0 pre-token trigger may change the claims and scopes; its refusal is the request's.
        self.pre_token_for_client(&pool, &client, &mut claims).await.map_err(|e| match e {
            e @ (crate::DomainError::UserLambdaValidation(_)
            | crate::DomainError::UnexpectedLambda(_)
            | crate::DomainError::InvalidLambdaResponse(_)) => OAuthError::InvalidRequest(e.to_string()),
            other => OAuthError::Server(other),
        })?;
        let access_token =
            keys.access_key.sign(&claims).map_err(|e| OAuthError::Server(crate::DomainError::internal(e)))?;
        Ok(GrantedToken { access_token, expires_in })
    }
}
