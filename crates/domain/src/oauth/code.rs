//! The `authorization_code` grant of `/oauth2/token`: a code from the hosted sign-in, taken
//! once within five minutes, by the client it was issued to, with the same redirect URI and,
//! when the authorize request had a PKCE challenge, the verifier that hashes to it.

use cognate_crypto::{constant_time_eq, mac};

use super::client_credentials::ClientAuthentication;
use super::error::OAuthError;
use super::hosted::{CodeData, AUTHORIZATION_CODE};
use crate::tokens::{Grant, IssuedTokens};
use crate::{Cognate, DomainError};

impl Cognate {
    /// `grant_type=authorization_code`. Any mismatch is `invalid_grant`, and the code is spent
    /// by the attempt all the same: a stolen code gets one try.
    pub async fn authorization_code_grant(
        &self,
        auth: &ClientAuthentication,
        code: &str,
        redirect_uri: Option<&str>,
        code_verifier: Option<&str>,
    ) -> Result<IssuedTokens, OAuthError> {
        let (pool, client) = self.authenticate_oauth_client(auth).await?;
        let settings = &client.settings;
        if !settings.allowed_oauth_flows_user_pool_client || !settings.allowed_oauth_flows.iter().any(|f| f == "code") {
            return Err(OAuthError::UnauthorizedClient("The client is not allowed the code flow.".into()));
        }
        let redirect_uri =
            redirect_uri.ok_or_else(|| OAuthError::InvalidRequest("redirect_uri is required.".into()))?;
        let refused = || OAuthError::InvalidGrant("The code is invalid, expired or used.".into());
        if code.is_empty() || code.len() > 256 {
            return Err(refused());
        }
        let (record, user) = self.store.take_session(&mac::token_digest(code)).await?.ok_or_else(refused)?;
        if record.challenge != AUTHORIZATION_CODE || record.client_id != client.id || record.expires <= self.clock.now()
        {
            return Err(refused());
        }
        let data: CodeData = serde_json::from_str(&record.data).map_err(DomainError::internal)?;
        if data.redirect_uri != redirect_uri {
            return Err(OAuthError::InvalidGrant("redirect_uri is not the one the code was issued for.".into()));
        }
        if let Some(challenge) = &data.code_challenge {
            let verifier =
                code_verifier.ok_or_else(|| OAuthError::InvalidGrant("code_verifier is required.".into()))?;
            if !constant_time_eq(mac::pkce_s256(verifier).as_bytes(), challenge.as_bytes()) {
                return Err(OAuthError::InvalidGrant("code_verifier does not match the code_challenge.".into()));
            }
        }
        let user = user.filter(|u| u.enabled).ok_or_else(|| OAuthError::InvalidGrant("User is disabled.".into()))?;
        let grant = Grant::oauth(data.auth_time, data.scopes, data.nonce, true);
        Ok(self.issue_tokens(&pool, &client, &user, grant, None).await?)
    }
}
