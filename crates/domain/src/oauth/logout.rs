//! `/logout` in Cognito's two forms: with `logout_uri` (one of the client's sign-out URLs) the
//! browser goes there; with `redirect_uri` and `response_type` it goes back to the sign-in page
//! with the authorize parameters. Either way the pool's single-sign-on session ends.

use super::authorize::{AuthorizeError, AuthorizeParams};
use crate::Cognate;

/// Where `/logout` sends the browser.
#[derive(Debug, Clone)]
pub enum LogoutTarget {
    /// One of the client's `LogoutURLs`.
    SignedOut(String),
    /// The sign-in page, with these authorize parameters.
    SignInAgain(Box<AuthorizeParams>),
}

impl Cognate {
    /// Checks a logout request: the pool whose session to end (with
    /// [`Cognate::end_hosted_session`]) and where to go. Nothing is redirected before the target
    /// is known to be registered: no open redirect.
    pub async fn logout(
        &self,
        params: &AuthorizeParams,
        logout_uri: Option<&str>,
    ) -> Result<(String, LogoutTarget), AuthorizeError> {
        let client_id =
            params.client_id.as_deref().ok_or_else(|| AuthorizeError::Page("client_id is required.".into()))?;
        let (pool, client) = self
            .client_served(client_id, params.served_pool.as_deref())
            .await
            .map_err(|_| AuthorizeError::Page("The client_id is not known.".into()))?;
        let target = match logout_uri {
            Some(uri) => {
                if !client.settings.logout_urls.iter().any(|u| u == uri) {
                    return Err(AuthorizeError::Page(
                        "The logout_uri is not one of the client's sign-out URLs.".into(),
                    ));
                }
                LogoutTarget::SignedOut(uri.to_owned())
            }
            None => {
                if params.redirect_uri.is_none() {
                    return Err(AuthorizeError::Page("logout_uri or redirect_uri is required.".into()));
                }
                // The same checks as an authorize request, so that the sign-in page will take it.
                self.check_authorize(params).await?;
                LogoutTarget::SignInAgain(Box::new(params.clone()))
            }
        };
        Ok((pool.id, target))
    }
}
