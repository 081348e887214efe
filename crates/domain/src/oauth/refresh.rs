//! The `refresh_token` grant of `/oauth2/token`: new id and access tokens for a refresh token of
//! the authenticated client, from a hosted sign-in or an SDK one alike.

use super::client_credentials::ClientAuthentication;
use super::error::OAuthError;
use crate::signin::{allows_refresh, RefreshSecret};
use crate::tokens::IssuedTokens;
use crate::{Cognate, DomainError};

impl Cognate {
    /// `grant_type=refresh_token`. A refresh token that is unknown, another client's, revoked or
    /// expired, or whose user is disabled, is `invalid_grant`.
    pub async fn refresh_token_grant(
        &self,
        auth: &ClientAuthentication,
        refresh_token: &str,
    ) -> Result<IssuedTokens, OAuthError> {
        let (pool, client) = self.authenticate_oauth_client(auth).await?;
        if !allows_refresh(&client) {
            return Err(OAuthError::UnauthorizedClient("Refresh Token flow not enabled for this client".into()));
        }
        // The secret was checked with the client; the refresh checks it again, harmlessly.
        let secret = RefreshSecret::Plain(auth.client_secret.as_deref());
        self.refresh(&pool, &client, refresh_token, secret).await.map_err(|e| match e {
            DomainError::NotAuthorized(message) | DomainError::RefreshTokenReuse(message) => {
                OAuthError::InvalidGrant(message)
            }
            other => OAuthError::Server(other),
        })
    }
}
