//! Recovering a password on the hosted pages: `/forgotPassword` sends the code, and
//! `/confirmforgotPassword` sets the new password with it, under the API's rules.

use std::collections::BTreeMap;

use super::HostedSignIn;
use crate::error::DomainError;
use crate::oauth::Authorization;
use crate::users::CodeDelivery;
use crate::Cognate;

impl Cognate {
    /// `/forgotPassword`: a recovery code to the user's verified email or phone.
    pub async fn hosted_forgot_password(
        &self,
        authorization: &Authorization,
        username: &str,
    ) -> Result<CodeDelivery, DomainError> {
        self.forgot_password_with(&authorization.pool, &authorization.client, username, &BTreeMap::new()).await
    }

    /// `/confirmforgotPassword`: the code and the new password; then the user signs in.
    pub async fn hosted_confirm_forgot_password(
        &self,
        authorization: &Authorization,
        username: &str,
        code: &str,
        new_password: &str,
    ) -> Result<(), DomainError> {
        let (pool, client) = (&authorization.pool, &authorization.client);
        self.confirm_forgot_password_with(pool, client, username, code, new_password, &BTreeMap::new()).await
    }

    /// A sign-in with the right password by a user whose password an administrator reset: a
    /// recovery code, and the page that sets a new password with it.
    pub(super) async fn reset_required(
        &self,
        authorization: &Authorization,
        username: &str,
    ) -> Result<HostedSignIn, DomainError> {
        let delivery = self.hosted_forgot_password(authorization, username).await?;
        Ok(HostedSignIn::ResetRequired { delivery })
    }
}
