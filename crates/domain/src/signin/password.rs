//! Password sign-in (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH) and proving a password,
//! which every password-based path shares: lockout, existence errors, the failure count.

use std::collections::BTreeMap;

use super::{required, AuthOutcome};
use crate::account::EventKind;
use crate::clients::check_secret_hash;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool, User};
use crate::Cognate;

impl Cognate {
    pub(super) async fn password_sign_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        admin: bool,
        params: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        let username = required(params, "USERNAME")?;
        let password = required(params, "PASSWORD")?;
        check_secret_hash(client, username, params.get("SECRET_HASH").map(String::as_str))?;
        let device = self.device_intent(pool, admin, params.get("DEVICE_KEY").map(String::as_str)).await?;
        let user = self.prove_password(pool, client, username, password).await?;
        self.complete_sign_in(pool, client, user, device).await
    }

    /// The user `username` names, once `password` is proven theirs: the lockout is checked
    /// first and a wrong password counts towards it. The count is cleared only when the whole
    /// sign-in succeeds (see [`Step`](super::Step)), so that a known password does not reset
    /// the failures of a second factor being guessed.
    pub(crate) async fn prove_password(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        password: &str,
    ) -> Result<User> {
        let user = self.find_user(pool, username).await?;
        if let Some(user) = &user {
            self.check_lockout(user)?;
        }
        // Always spend one password verification, so timing does not reveal whether the user exists.
        let matches = self.verify_password(password, user.as_ref().and_then(|u| u.password_hash.as_deref())).await?;
        let Some(user) = user else {
            return Err(if client.settings.prevent_user_existence_errors {
                DomainError::incorrect_credentials()
            } else {
                DomainError::user_not_found()
            });
        };
        if !matches {
            return Err(self.wrong_password(&user, EventKind::SignIn).await);
        }
        let mut user = user;
        if user.srp.is_none() {
            // A password set before SRP verifiers existed: make one now that the password is known.
            self.set_password(&mut user, password).await?;
            self.store.update_user(&user, None).await?;
        }
        Ok(user)
    }
}
