//! A user's attributes after sign-up: updates (with verification of new email addresses and
//! phone numbers, holding the old value when the pool asks for it), deletion, verification
//! codes, and the admin's versions; AddCustomAttributes for the schema.

use std::collections::BTreeMap;

use crate::attributes::{self, login_names, Writer};
use crate::codes::Destination;
use crate::delivery::Channel;
use crate::error::{DomainError, Result};
use crate::model::{CodePurpose, Pool, SchemaAttribute, User};
use crate::pools::custom_attribute;
use crate::triggers::{MessageKind, Requester};
use crate::users::CodeDelivery;
use crate::Cognate;

/// The attributes that are verified by a code, with their flag.
const VERIFIABLE: &[(&str, &str, Channel)] =
    &[("email", "email_verified", Channel::Email), ("phone_number", "phone_number_verified", Channel::Sms)];

fn verifiable(name: &str) -> Option<(&'static str, &'static str, Channel)> {
    VERIFIABLE.iter().copied().find(|(attr, _, _)| *attr == name)
}

/// The attributes an update sets, and the new addresses that need a verification code.
struct Applied {
    user: User,
    to_verify: Vec<(&'static str, Destination)>,
}

fn apply_changes(pool: &Pool, mut user: User, changes: Vec<(String, String)>) -> Applied {
    let mut to_verify = Vec::new();
    let sets_flag = |flag: &str| changes.iter().any(|(n, v)| n == flag && v == "true");
    for (name, value) in &changes {
        let Some((attr, flag, channel)) = verifiable(name) else {
            user.attributes.insert(name.clone(), value.clone());
            continue;
        };
        if user.attributes.get(attr) == Some(value) {
            continue;
        }
        let verified_now = user.attributes.get(flag).is_some_and(|v| v == "true");
        let hold =
            verified_now && pool.settings.attributes_require_verification_before_update.iter().any(|a| a == attr);
        if hold && !sets_flag(flag) {
            // Keep the verified value working until the new one is verified.
            user.pending.insert(attr.to_owned(), value.clone());
        } else {
            user.attributes.insert(attr.to_owned(), value.clone());
            user.pending.remove(attr);
            if !sets_flag(flag) {
                user.attributes.insert(flag.to_owned(), "false".into());
            }
        }
        let auto = pool.settings.auto_verified_attributes.iter().any(|a| a == attr);
        if auto && !sets_flag(flag) {
            to_verify.push((attr, Destination { channel, address: value.clone() }));
        }
    }
    Applied { user, to_verify }
}

impl Cognate {
    async fn update_attributes(
        &self,
        pool: &Pool,
        user: User,
        changes: Vec<(String, String)>,
        requester: Requester<'_>,
    ) -> Result<Vec<CodeDelivery>> {
        let mut applied = apply_changes(pool, user, changes);
        applied.user.modified = self.clock.now();
        let logins = login_names(pool, &applied.user);
        self.store.update_user(&applied.user, Some(&logins)).await.map_err(DomainError::alias_taken)?;
        let mut deliveries = Vec::new();
        for (attr, to) in applied.to_verify {
            deliveries.push(
                self.send_code(pool, &applied.user, MessageKind::UpdateUserAttribute, to, Some(attr), requester)
                    .await?,
            );
        }
        Ok(deliveries)
    }

    /// UpdateUserAttributes: the bearer changes attributes their client may write.
    pub async fn update_user_attributes(
        &self,
        access_token: &str,
        given: &[(String, String)],
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<Vec<CodeDelivery>> {
        let (context, user) = self.token_user(access_token).await?;
        let (pool, client) = self.client(&context.client_id).await?;
        let changes = attributes::validate(
            &pool,
            given,
            Writer::Client { write_attributes: &client.settings.write_attributes },
            false,
        )?;
        let requester = Requester::with_metadata(&context.client_id, client_metadata);
        self.update_attributes(&pool, user, changes.into_iter().collect(), requester).await
    }

    /// AdminUpdateUserAttributes: any attribute, including the verified flags.
    pub async fn admin_update_user_attributes(
        &self,
        pool_id: &str,
        username: &str,
        given: &[(String, String)],
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        let user = self.existing_user(&pool, username).await?;
        let changes = attributes::validate(&pool, given, Writer::Admin, false)?;
        let requester = Requester::admin_with_metadata(client_metadata);
        self.update_attributes(&pool, user, changes.into_iter().collect(), requester).await?;
        Ok(())
    }

    async fn delete_attributes(&self, pool: &Pool, mut user: User, names: &[String]) -> Result<()> {
        for name in names {
            let Some(attr) = pool.schema.iter().find(|a| a.name == *name) else {
                return Err(DomainError::invalid(format!(
                    "Attributes did not conform to the schema: {name}: Attribute does not exist in the schema."
                )));
            };
            if attr.required || name == "sub" {
                return Err(DomainError::invalid(format!("Cannot delete the required attribute {name}.")));
            }
            if name == "identities" {
                return Err(DomainError::invalid("user.identities: Attribute cannot be deleted."));
            }
            user.attributes.remove(name);
            user.pending.remove(name);
            if let Some((_, flag, _)) = verifiable(name) {
                user.attributes.remove(flag);
            }
        }
        user.modified = self.clock.now();
        let logins = login_names(pool, &user);
        self.store.update_user(&user, Some(&logins)).await?;
        Ok(())
    }

    /// DeleteUserAttributes: the bearer removes optional attributes.
    pub async fn delete_user_attributes(&self, access_token: &str, names: &[String]) -> Result<()> {
        let (context, user) = self.token_user(access_token).await?;
        let (pool, client) = self.client(&context.client_id).await?;
        let writable = &client.settings.write_attributes;
        if !writable.is_empty() && names.iter().any(|n| !writable.contains(n)) {
            return Err(DomainError::not_authorized("A client attempted to write unauthorized attribute"));
        }
        self.delete_attributes(&pool, user, names).await
    }

    /// AdminDeleteUserAttributes.
    pub async fn admin_delete_user_attributes(&self, pool_id: &str, username: &str, names: &[String]) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        let user = self.existing_user(&pool, username).await?;
        self.delete_attributes(&pool, user, names).await
    }

    /// GetUserAttributeVerificationCode: a code to the (new, if one is pending) email or phone.
    pub async fn get_user_attribute_verification_code(
        &self,
        access_token: &str,
        attribute: &str,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<CodeDelivery> {
        let (context, user) = self.token_user(access_token).await?;
        let pool = self.pool(&context.pool_id).await?;
        let (attr, _, channel) = verifiable(attribute)
            .ok_or_else(|| DomainError::invalid(format!("Invalid attribute name: {attribute}")))?;
        let address = user
            .pending
            .get(attr)
            .or_else(|| user.attributes.get(attr))
            .cloned()
            .ok_or_else(|| DomainError::invalid(format!("The user has no {attr} to verify.")))?;
        self.send_code(
            &pool,
            &user,
            MessageKind::VerifyUserAttribute,
            Destination { channel, address },
            Some(attr),
            Requester::with_metadata(&context.client_id, client_metadata),
        )
        .await
    }

    /// VerifyUserAttribute: the right code marks the attribute verified (and makes a pending
    /// new value the current one).
    pub async fn verify_user_attribute(&self, access_token: &str, attribute: &str, code: &str) -> Result<()> {
        let (context, mut user) = self.token_user(access_token).await?;
        let pool = self.pool(&context.pool_id).await?;
        let (attr, flag, _) = verifiable(attribute)
            .ok_or_else(|| DomainError::invalid(format!("Invalid attribute name: {attribute}")))?;
        if let Some(value) = user.pending.remove(attr) {
            user.attributes.insert(attr.to_owned(), value);
        }
        user.attributes.insert(flag.to_owned(), "true".into());
        user.modified = self.clock.now();
        self.redeem(&pool, &user, CodePurpose::VerifyAttribute, Some(attr), code).await
    }

    /// AddCustomAttributes: new `custom:` attributes in a pool's schema.
    pub async fn add_custom_attributes(&self, pool_id: &str, added: Vec<SchemaAttribute>) -> Result<()> {
        let mut pool = self.pool(pool_id).await?;
        if added.is_empty() {
            return Err(DomainError::invalid("CustomAttributes must not be empty."));
        }
        for change in added {
            let attr = custom_attribute(change)?;
            if pool.schema.iter().any(|a| a.name == attr.name) {
                return Err(DomainError::invalid(format!("Existing attribute already has name {}.", attr.name)));
            }
            pool.schema.push(attr);
        }
        if pool.schema.iter().filter(|a| a.name.contains("custom:")).count() > 50 {
            return Err(DomainError::LimitExceeded("A pool can have at most 50 custom attributes.".into()));
        }
        pool.modified = self.clock.now();
        self.store.update_pool(&pool).await?;
        Ok(())
    }
}
