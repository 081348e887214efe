//! UserMigration: a sign-in or ForgotPassword for a user the pool does not know asks the
//! function, which may vouch for the user (checking the password against the old system) and
//! gives their attributes; the user is then created here, confirmed or to reset their password.

use std::collections::BTreeMap;

use cognate_crypto::random;
use serde_json::{json, Value};

use super::auth::validation;
use super::invoke::{flag, text, unrecognizable};
use super::{Envelope, Trigger};
use crate::attributes::{self, login_names, Writer};
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool, User, UserStatus};
use crate::{Cognate, StoreError};

/// What the user is migrating for.
pub(crate) enum Migration<'a> {
    /// A password sign-in (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, the hosted form), with
    /// the password the function is to check.
    SignIn { password: &'a str },
    /// ForgotPassword, with its ClientMetadata.
    ForgotPassword { client_metadata: &'a BTreeMap<String, String> },
}

/// Attributes Cognito fills in itself, which the function's `userAttributes` cannot set.
const SET_BY_COGNITO: &[&str] = &["sub", "cognito:user_status", "cognito:email_alias", "cognito:phone_number_alias"];

impl Cognate {
    /// Asks the pool's UserMigration function about `username`; the user it vouches for, now
    /// stored, or `None` when the pool has no such trigger.
    pub(crate) async fn migrate_user(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        why: Migration<'_>,
        validation_data: &BTreeMap<String, String>,
    ) -> Result<Option<User>> {
        if pool.settings.triggers.function(Trigger::UserMigration).is_none() {
            return Ok(None);
        }
        let none = BTreeMap::new();
        let (source, password, client_metadata) = match why {
            Migration::SignIn { password } => ("UserMigration_Authentication", Some(password), &none),
            Migration::ForgotPassword { client_metadata } => ("UserMigration_ForgotPassword", None, client_metadata),
        };
        let mut event = Envelope::new(source, username, Some(&client.id)).client_metadata(client_metadata);
        if let Some(password) = password {
            event = event.with("password", password);
        }
        event = event.with("validationData", validation(validation_data));
        event.response = json!({
            "userAttributes": null, "forceAliasCreation": null, "enableSMSMFA": null,
            "finalUserStatus": null, "messageAction": null, "desiredDeliveryMediums": null,
        });
        let Some(response) = self.run_trigger(pool, Trigger::UserMigration, event).await? else { return Ok(None) };
        let given = migrated_attributes(&response)?;
        let status = match text(&response, "finalUserStatus")? {
            Some("CONFIRMED") if password.is_some() => UserStatus::Confirmed,
            None | Some("RESET_REQUIRED") | Some("CONFIRMED") => UserStatus::ResetRequired,
            Some(_) => return Err(unrecognizable()),
        };
        if !matches!(text(&response, "messageAction")?, None | Some("SUPPRESS") | Some("RESEND")) {
            return Err(unrecognizable());
        }
        let sub = random::time_ordered_uuid();
        let (name, from_name) = self.username_for(pool, username, &sub)?;
        let mut pairs: Vec<(String, String)> = given;
        if let Some((attribute, value)) = from_name {
            pairs.retain(|(n, _)| *n != attribute);
            pairs.push((attribute, value));
        }
        let attributes = attributes::validate(pool, &pairs, Writer::Admin, true)?;
        let mut user = User::new(&pool.id, sub, name, status, attributes, self.clock.now());
        user.mfa.sms_enabled = flag(&response, "enableSMSMFA")? && user.attributes.contains_key("phone_number");
        if let (Some(password), UserStatus::Confirmed) = (password, status) {
            self.set_password(&mut user, password).await?;
        }
        self.store.insert_user(&user, &login_names(pool, &user), None, &[]).await.map_err(|e| match e {
            StoreError::Conflict(_) => {
                DomainError::AliasExists("An account with the given email already exists.".into())
            }
            other => other.into(),
        })?;
        Ok(Some(user))
    }
}

/// The response's `userAttributes`: required, each value a string (Cognito's own attributes
/// left out).
fn migrated_attributes(response: &Value) -> Result<Vec<(String, String)>> {
    let Some(Value::Object(given)) = response.get("userAttributes") else { return Err(unrecognizable()) };
    given
        .iter()
        .filter(|(name, _)| !SET_BY_COGNITO.contains(&name.as_str()))
        .map(|(name, value)| value.as_str().map(|v| (name.clone(), v.to_owned())).ok_or_else(unrecognizable))
        .collect()
}
