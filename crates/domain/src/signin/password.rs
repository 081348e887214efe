//! Password sign-in (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH) and proving a password,
//! which every password-based path shares: lockout, existence errors, the failure count.

use std::collections::BTreeMap;

use super::{required, unknown_user, AuthOutcome};
use crate::account::EventKind;
use crate::clients::check_secret_hash;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool, User};
use crate::triggers::Migration;
use crate::Cognate;

impl Cognate {
    pub(super) async fn password_sign_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        admin: bool,
        params: &BTreeMap<String, String>,
        validation_data: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        let username = required(params, "USERNAME")?;
        let password = required(params, "PASSWORD")?;
        check_secret_hash(client, username, params.get("SECRET_HASH").map(String::as_str))?;
        let device = self.device_intent(pool, admin, params.get("DEVICE_KEY").map(String::as_str)).await?;
        let user = self.prove_password(pool, client, username, password, Some(validation_data)).await?;
        self.complete_sign_in(pool, client, user, device).await
    }

    /// The user `username` names, once `password` is proven theirs: the lockout is checked
    /// first and a wrong password counts towards it. The count is cleared only when the whole
    /// sign-in succeeds (see [`Step`](super::Step)), so that a known password does not reset
    /// the failures of a second factor being guessed.
    ///
    /// `starts` is given when the password starts the sign-in: then a user the pool does not
    /// know may be migrated (UserMigration), and PreAuthentication runs, both with the sign-in's
    /// ClientMetadata as their `validationData`.
    pub(crate) async fn prove_password(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        password: &str,
        starts: Option<&BTreeMap<String, String>>,
    ) -> Result<User> {
        let user = self.find_user(pool, username).await?;
        if let (None, Some(validation_data)) = (&user, starts) {
            let why = Migration::SignIn { password };
            match self.migrate_user(pool, client, username, why, validation_data).await {
                // The function vouched for the password: the user signs in with it now.
                Ok(Some(migrated)) => return self.migrated_sign_in(pool, client, migrated, validation_data).await,
                Ok(None) => {}
                Err(DomainError::UserLambdaValidation(_)) if client.settings.prevent_user_existence_errors => {
                    return Err(DomainError::incorrect_credentials())
                }
                Err(DomainError::UserLambdaValidation(_)) => {
                    return Err(DomainError::UserNotFound(format!(
                        "Exception migrating user in app client {}",
                        client.id
                    )))
                }
                Err(other) => return Err(other),
            }
        }
        if let Some(user) = &user {
            self.check_lockout(user)?;
            if let Some(validation_data) = starts {
                self.pre_authentication(pool, client, user, validation_data).await?;
            }
        }
        // Always spend one password verification, so timing does not reveal whether the user exists.
        let matches = self.verify_password(password, user.as_ref().and_then(|u| u.password_hash.as_deref())).await?;
        let Some(mut user) = user else {
            return Err(unknown_user(client));
        };
        if !matches {
            return Err(self.wrong_password(&user, EventKind::SignIn).await);
        }
        if user.srp.is_none() {
            // A password set before SRP verifiers existed: make one now that the password is known.
            self.set_password(&mut user, password).await?;
            self.store.update_user(&user, None).await?;
        }
        Ok(user)
    }

    /// A user UserMigration just created: PreAuthentication still runs before the sign-in goes on.
    async fn migrated_sign_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: User,
        validation_data: &BTreeMap<String, String>,
    ) -> Result<User> {
        self.pre_authentication(pool, client, &user, validation_data).await?;
        Ok(user)
    }
}
