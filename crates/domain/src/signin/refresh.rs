//! Refreshing tokens: the REFRESH_TOKEN_AUTH flow and GetTokensFromRefreshToken, with rotation.

use std::collections::BTreeMap;

use cognate_crypto::mac;

use super::{required, AuthOutcome};
use crate::clients::check_secret_hash;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool};
use crate::tokens::{Grant, IssuedTokens, Rotation};
use crate::Cognate;

pub(crate) fn allows_refresh(client: &AppClient) -> bool {
    let legacy = client.settings.explicit_auth_flows.iter().all(|f| !f.starts_with("ALLOW_"));
    legacy || client.allows("ALLOW_REFRESH_TOKEN_AUTH")
}

/// How a refresh proves the client's secret: a SECRET_HASH parameter, or the secret itself.
pub(crate) enum RefreshSecret<'a> {
    Hash(&'a BTreeMap<String, String>),
    Plain(Option<&'a str>),
}

impl Cognate {
    /// REFRESH_TOKEN_AUTH (and its old name REFRESH_TOKEN).
    pub(super) async fn refresh_flow(
        &self,
        pool: &Pool,
        client: &AppClient,
        params: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        if !allows_refresh(client) {
            return Err(DomainError::invalid("Refresh Token flow not enabled for this client"));
        }
        if client.settings.refresh_token_rotation.enabled {
            // Cognito: rotation "must be completed with GetTokensFromRefreshToken".
            return Err(DomainError::invalid(
                "Refresh token rotation is enabled for this client: refresh with GetTokensFromRefreshToken.",
            ));
        }
        let token = required(params, "REFRESH_TOKEN")?;
        let tokens = self.refresh(pool, client, token, RefreshSecret::Hash(params)).await?;
        Ok(AuthOutcome::Tokens(tokens))
    }

    /// GetTokensFromRefreshToken: new id and access tokens for a refresh token.
    pub async fn get_tokens_from_refresh_token(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        token: &str,
    ) -> Result<IssuedTokens> {
        let (pool, client) = self.client(client_id).await?;
        if !allows_refresh(&client) {
            return Err(DomainError::invalid("Refresh Token flow not enabled for this client"));
        }
        self.refresh(&pool, &client, token, RefreshSecret::Plain(client_secret)).await
    }

    pub(crate) async fn refresh(
        &self,
        pool: &Pool,
        client: &AppClient,
        token: &str,
        secret: RefreshSecret<'_>,
    ) -> Result<IssuedTokens> {
        let invalid = || DomainError::not_authorized("Invalid Refresh Token");
        if token.is_empty() || token.len() > 4096 {
            return Err(invalid());
        }
        let (record, user) = self.store.find_refresh_token(&mac::token_digest(token)).await?.ok_or_else(invalid)?;
        if record.client_id != client.id || record.pool_id != pool.id {
            return Err(invalid());
        }
        if record.revoked {
            return Err(DomainError::not_authorized("Refresh Token has been revoked"));
        }
        let now = self.clock.now();
        if record.expires <= now {
            return Err(DomainError::not_authorized("Refresh Token has expired"));
        }
        if record.rotated_until.is_some_and(|until| until <= now) {
            // Replaced by rotation and past its grace period. The message is ours: Cognito
            // documents the exception, not its text.
            return Err(DomainError::RefreshTokenReuse("Refresh Token has already been rotated.".into()));
        }
        let user = user.ok_or_else(invalid)?;
        match secret {
            RefreshSecret::Hash(params) => {
                let presented = params.get("SECRET_HASH").map(String::as_str);
                let username = params.get("USERNAME").map(String::as_str).unwrap_or(&user.username);
                if check_secret_hash(client, username, presented).is_err() {
                    check_secret_hash(client, &user.sub, presented)?;
                }
            }
            RefreshSecret::Plain(presented) => {
                if client.secret.is_some() {
                    let presented = presented.ok_or_else(|| {
                        DomainError::not_authorized(format!(
                            "Client {} is configured for secret but secret was not received",
                            client.id
                        ))
                    })?;
                    if !client.secret_matches(presented) {
                        return Err(DomainError::not_authorized(format!(
                            "Unable to verify secret hash for client {}",
                            client.id
                        )));
                    }
                }
            }
        }
        if !user.enabled {
            return Err(DomainError::not_authorized("User is disabled."));
        }
        let rotation = client.settings.refresh_token_rotation;
        let rotates = rotation.enabled.then(|| Rotation {
            replaced: record.digest.clone(),
            rotated_until: now + rotation.retry_grace_period_seconds,
            expires: record.expires,
        });
        self.issue_tokens(pool, client, &user, Grant::refresh(&record, rotates), None).await
    }
}
