//! The `authorization_code` grant of `/oauth2/token`: a code from the hosted sign-in, exchanged
//! once within five minutes, by the client it was issued to, with the same redirect URI and,
//! when the authorize request had a PKCE challenge, the verifier that hashes to it. A replayed
//! code revokes the tokens it was exchanged for.

use cognate_crypto::{constant_time_eq, mac};

use super::client_credentials::ClientAuthentication;
use super::error::OAuthError;
use super::hosted::CodeData;
use crate::model::{AuthSession, User, AUTHORIZATION_CODE, SPENT_AUTHORIZATION_CODE};
use crate::tokens::{Grant, IssuedTokens, Origin};
use crate::{Cognate, DomainError};

impl Cognate {
    /// `grant_type=authorization_code`. Any mismatch is `invalid_grant`. The code is spent by
    /// the exchange that gets tokens; presented again (by anyone, until it would have expired)
    /// it is refused and revokes those tokens.
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
        let digest = mac::token_digest(code);
        let (record, user) = self.store.find_session(&digest).await?.ok_or_else(refused)?;
        if record.expires <= self.clock.now() {
            return Err(refused());
        }
        match record.challenge.as_str() {
            AUTHORIZATION_CODE => {}
            SPENT_AUTHORIZATION_CODE => return Err(self.code_replayed(&record.data).await),
            _ => return Err(refused()),
        }
        let checked = check_code(&record, user, &client.id, redirect_uri, code_verifier);
        let (data, user) = match checked {
            Ok(checked) => checked,
            Err(err) => {
                // A stolen code gets one try: a failed exchange spends it (and minted nothing).
                self.store.delete_session(&digest).await?;
                return Err(err);
            }
        };
        let origin = Origin { origin_jti: data.origin_jti.clone(), auth_time: data.auth_time };
        let grant = Grant::code_exchange(origin, digest, data.scopes, data.nonce);
        match self.issue_tokens(&pool, &client, &user, grant, None).await {
            Ok(tokens) => Ok(tokens),
            // Another request exchanged the code between our read and our write: both are
            // refused, and what the other got is revoked.
            Err(DomainError::ExpiredCode(_)) => Err(self.code_replayed(&record.data).await),
            Err(err) => Err(err.into()),
        }
    }

    /// A code presented after it was exchanged: refused, and the tokens it was exchanged for are
    /// revoked (RFC 6749 section 4.1.2: whoever holds a copy of the code may hold them).
    async fn code_replayed(&self, code_data: &str) -> OAuthError {
        let data: CodeData = match serde_json::from_str(code_data) {
            Ok(data) => data,
            Err(err) => return DomainError::internal(err).into(),
        };
        if let Err(err) = self.store.revoke_origin(&data.origin_jti, self.clock.now()).await {
            return err.into();
        }
        OAuthError::InvalidGrant("The code was already used; the tokens issued for it are revoked.".into())
    }
}

/// What the token request must match of the code's binding: the client, the redirect URI, the
/// PKCE verifier, and a user still there and enabled.
fn check_code(
    record: &AuthSession,
    user: Option<User>,
    client_id: &str,
    redirect_uri: &str,
    code_verifier: Option<&str>,
) -> Result<(CodeData, User), OAuthError> {
    if record.client_id != client_id {
        return Err(OAuthError::InvalidGrant("The code is invalid, expired or used.".into()));
    }
    let data: CodeData = serde_json::from_str(&record.data).map_err(DomainError::internal)?;
    if data.redirect_uri != redirect_uri {
        return Err(OAuthError::InvalidGrant("redirect_uri is not the one the code was issued for.".into()));
    }
    if let Some(challenge) = &data.code_challenge {
        let verifier = code_verifier.ok_or_else(|| OAuthError::InvalidGrant("code_verifier is required.".into()))?;
        if !constant_time_eq(mac::pkce_s256(verifier).as_bytes(), challenge.as_bytes()) {
            return Err(OAuthError::InvalidGrant("code_verifier does not match the code_challenge.".into()));
        }
    }
    let user = user.filter(|u| u.enabled).ok_or_else(|| OAuthError::InvalidGrant("User is disabled.".into()))?;
    Ok((data, user))
}
