//! Passwords after sign-up: ForgotPassword and ConfirmForgotPassword, AdminResetUserPassword,
//! ChangePassword.

use std::collections::BTreeMap;

use crate::account::EventKind;
use crate::attributes::{looks_like_email, mask_destination};
use crate::clients::check_secret_hash;
use crate::codes::Destination;
use crate::delivery::Channel;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, CodePurpose, Pool, User, UserStatus};
use crate::policy::check_password;
use crate::triggers::{Confirmation, MessageKind, Migration, Requester};
use crate::users::CodeDelivery;
use crate::Cognate;

fn verified(user: &User, channel: Channel) -> bool {
    let flag = match channel {
        Channel::Email => "email_verified",
        Channel::Sms => "phone_number_verified",
    };
    user.attributes.get(flag).is_some_and(|v| v == "true") && user.attributes.contains_key(channel.attribute())
}

/// Where a recovery code goes: the pool's AccountRecoverySetting in priority order, or (without
/// one) a verified phone number, then a verified email, as Cognito does.
fn recovery_destination(pool: &Pool, user: &User) -> Option<Destination> {
    let mut mechanisms = pool.settings.recovery_mechanisms.clone();
    mechanisms.sort();
    let order: Vec<Channel> = if mechanisms.is_empty() {
        vec![Channel::Sms, Channel::Email]
    } else {
        mechanisms
            .iter()
            .filter_map(|(_, name)| match name.as_str() {
                "verified_email" => Some(Channel::Email),
                "verified_phone_number" => Some(Channel::Sms),
                _ => None,
            })
            .collect()
    };
    order.into_iter().find(|c| verified(user, *c)).map(|channel| Destination {
        channel,
        address: user.attributes.get(channel.attribute()).cloned().unwrap_or_default(),
    })
}

fn no_recovery_destination() -> DomainError {
    DomainError::invalid("Cannot reset password for the user as there is no registered/verified email or phone_number")
}

impl Cognate {
    /// ForgotPassword: sends a recovery code to the user's verified email or phone.
    pub async fn forgot_password(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<CodeDelivery> {
        let (pool, client) = self.client(client_id).await?;
        check_secret_hash(&client, username, secret_hash)?;
        self.forgot_password_with(&pool, &client, username, client_metadata).await
    }

    /// ForgotPassword once the client is known and has proven itself.
    pub(crate) async fn forgot_password_with(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<CodeDelivery> {
        let mut found = self.find_user(pool, username).await?;
        if found.is_none() {
            let why = Migration::ForgotPassword { client_metadata };
            found = self.migrate_user(pool, client, username, why, &BTreeMap::new()).await?;
        }
        let Some(user) = found else {
            if client.settings.prevent_user_existence_errors {
                self.decoy_code_write(pool).await;
                // Look like a real delivery: same shape, masked the same way.
                let fake =
                    if looks_like_email(username) { username.to_owned() } else { format!("{username}@example.com") };
                return Ok(CodeDelivery {
                    destination: mask_destination(&fake),
                    channel: Channel::Email,
                    attribute: "email".into(),
                });
            }
            return Err(DomainError::UserNotFound("Username/client id combination not found.".into()));
        };
        if !user.enabled {
            return Err(DomainError::not_authorized("User is disabled."));
        }
        let to = recovery_destination(pool, &user).ok_or_else(no_recovery_destination)?;
        let requester = Requester::with_metadata(&client.id, client_metadata);
        let delivery = self.send_code(pool, &user, MessageKind::ForgotPassword, to, None, requester).await?;
        self.record_event(&user, EventKind::ForgotPassword, true, None).await;
        Ok(delivery)
    }

    /// ConfirmForgotPassword: the right recovery code sets the new password (and confirms a user
    /// whose password had been reset).
    pub async fn confirm_forgot_password(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        code: &str,
        new_password: &str,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<()> {
        let (pool, client) = self.client(client_id).await?;
        check_secret_hash(&client, username, secret_hash)?;
        self.confirm_forgot_password_with(&pool, &client, username, code, new_password, client_metadata).await
    }

    /// ConfirmForgotPassword once the client is known and has proven itself.
    pub(crate) async fn confirm_forgot_password_with(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        code: &str,
        new_password: &str,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<()> {
        check_password(&pool.settings.password_policy, new_password)?;
        let Some(mut user) = self.find_user(pool, username).await? else {
            return Err(if client.settings.prevent_user_existence_errors {
                // A real user's answer costs a password hash and a write; so does this one.
                self.verify_password(new_password, None).await?;
                self.decoy_code_write(pool).await;
                DomainError::CodeMismatch("Invalid verification code provided, please try again.".into())
            } else {
                DomainError::UserNotFound("Username/client id combination not found.".into())
            });
        };
        self.set_password(&mut user, new_password).await?;
        if matches!(user.status, UserStatus::ResetRequired | UserStatus::ForceChangePassword) {
            user.status = UserStatus::Confirmed;
        }
        user.temporary_password_expires = None;
        user.failed_sign_ins = 0;
        user.locked_until = None;
        user.modified = self.clock.now();
        self.redeem(pool, &user, CodePurpose::ForgotPassword, None, code).await?;
        self.record_event(&user, EventKind::PasswordChange, true, None).await;
        self.post_confirmation(pool, Some(&client.id), &user, Confirmation::ForgotPassword, client_metadata).await
    }

    /// AdminResetUserPassword: the password stops working (RESET_REQUIRED) and a recovery code
    /// is sent; the user sets a new password with ConfirmForgotPassword.
    pub async fn admin_reset_user_password(
        &self,
        pool_id: &str,
        username: &str,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.existing_user(&pool, username).await?;
        let to = recovery_destination(&pool, &user).ok_or_else(no_recovery_destination)?;
        if user.status == UserStatus::Confirmed {
            user.status = UserStatus::ResetRequired;
            user.modified = self.clock.now();
            self.store.update_user(&user, None).await?;
        }
        let requester = Requester::admin_with_metadata(client_metadata);
        self.send_code(&pool, &user, MessageKind::ForgotPassword, to, None, requester).await?;
        Ok(())
    }

    /// ChangePassword: the bearer proves the current password and sets a new one. A wrong
    /// current password counts towards the lockout.
    pub async fn change_password(&self, access_token: &str, previous: &str, proposed: &str) -> Result<()> {
        let (_, mut user) = self.token_user(access_token).await?;
        let pool = self.pool(&user.pool_id).await?;
        self.check_lockout(&user)?;
        if !self.verify_password(previous, user.password_hash.as_deref()).await? {
            return Err(self.wrong_password(&user, EventKind::PasswordChange).await);
        }
        check_password(&pool.settings.password_policy, proposed)?;
        self.set_password(&mut user, proposed).await?;
        user.failed_sign_ins = 0;
        user.locked_until = None;
        user.modified = self.clock.now();
        self.store.update_user(&user, None).await?;
        self.record_event(&user, EventKind::PasswordChange, true, Some(true)).await;
        Ok(())
    }
}
