//! `/oauth2/revoke` (RFC 7009 as Cognito does it): a client revokes one of its refresh tokens,
//! and with it every access token minted from it.

use cognate_crypto::mac;

use super::client_credentials::ClientAuthentication;
use super::error::OAuthError;
use crate::Cognate;

impl Cognate {
    /// Revokes `token` for the authenticated client. An unknown or already revoked token is not
    /// an error (RFC 7009 section 2.2); an access or id token is `unsupported_token_type`.
    pub async fn revoke_grant(&self, auth: &ClientAuthentication, token: &str) -> Result<(), OAuthError> {
        let (_, client) = self.authenticate_oauth_client(auth).await?;
        if !client.settings.enable_token_revocation {
            return Err(OAuthError::InvalidRequest("Token revocation is not enabled for this client.".into()));
        }
        if token.split('.').count() == 3 {
            return Err(OAuthError::UnsupportedTokenType("Only refresh tokens can be revoked.".into()));
        }
        if token.len() > 4096 {
            return Ok(());
        }
        let digest = mac::token_digest(token);
        let Some((record, _)) = self.store.find_refresh_token(&digest).await? else { return Ok(()) };
        if record.client_id != client.id {
            return Err(OAuthError::UnauthorizedClient("The token was not issued to this client.".into()));
        }
        self.store.revoke_refresh_token(&digest, self.clock.now()).await?;
        Ok(())
    }
}
