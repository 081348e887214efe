//! Pool management: create (with signing keys), describe, list, update, delete.

use cognate_crypto::jwt::SigningKey;
use cognate_crypto::random;

use crate::attributes::{is_standard, standard_schema};
use crate::clock::UnixTime;
use crate::error::{DomainError, Result};
use crate::model::{EmailSending, KeyPurpose, Pool, PoolSettings, SchemaAttribute, StoredKey};
use crate::Cognate;

/// What CreateUserPool asks for.
#[derive(Debug, Clone, Default)]
pub struct NewPool {
    /// A fixed id (from the server's config file); `None` generates one.
    pub id: Option<String>,
    pub name: String,
    pub username_attributes: Vec<String>,
    pub alias_attributes: Vec<String>,
    pub case_sensitive: Option<bool>,
    /// Changes to standard attributes and custom attributes (named without `custom:`).
    pub schema: Vec<SchemaAttribute>,
    pub settings: PoolSettings,
}

/// Whether `id` has the shape of a pool id: `<region>_<9 alphanumerics>`... or any alphanumeric
/// suffix of 1 to 55 characters, as Cognito's API accepts.
pub fn valid_pool_id(id: &str) -> bool {
    id.split_once('_').is_some_and(|(region, rest)| {
        !region.is_empty()
            && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && (1..=55).contains(&rest.len())
            && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

impl Cognate {
    /// The pool with this id, or Cognito's ResourceNotFoundException.
    pub(crate) async fn pool(&self, pool_id: &str) -> Result<Pool> {
        if !valid_pool_id(pool_id) {
            return Err(DomainError::invalid(format!(
                "1 validation error detected: Value '{pool_id}' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
            )));
        }
        self.store
            .get_pool(pool_id)
            .await?
            .ok_or_else(|| DomainError::ResourceNotFound(format!("User pool {pool_id} does not exist.")))
    }

    /// Writes a changed pool back, stamped as modified now; a pool deleted meanwhile is Cognito's
    /// ResourceNotFoundException.
    pub(crate) async fn save_pool(&self, pool: &mut Pool) -> Result<()> {
        pool.modified = self.clock.now();
        if !self.store.update_pool(pool).await? {
            return Err(DomainError::ResourceNotFound(format!("User pool {} does not exist.", pool.id)));
        }
        Ok(())
    }

    /// CreateUserPool: validates the request, generates id and access signing keys.
    pub async fn create_user_pool(&self, new: NewPool) -> Result<Pool> {
        let name_len = new.name.chars().count();
        if name_len == 0 || name_len > 128 {
            return Err(DomainError::invalid("PoolName must be 1 to 128 characters long."));
        }
        for attr in &new.username_attributes {
            if attr != "email" && attr != "phone_number" {
                return Err(DomainError::invalid(format!("Invalid UsernameAttributes value: {attr}")));
            }
        }
        for attr in &new.alias_attributes {
            if !["email", "phone_number", "preferred_username"].contains(&attr.as_str()) {
                return Err(DomainError::invalid(format!("Invalid AliasAttributes value: {attr}")));
            }
        }
        if !new.username_attributes.is_empty() && !new.alias_attributes.is_empty() {
            return Err(DomainError::invalid("Only one of AliasAttributes and UsernameAttributes can be set."));
        }
        validate_settings(&new.settings)?;
        self.triggers.check(&new.settings.triggers)?;
        let id = match new.id {
            Some(id) if valid_pool_id(&id) => id,
            Some(id) => return Err(DomainError::invalid(format!("Invalid pool id: {id}"))),
            None => format!("{}_{}", self.config.region, random::pool_id_suffix()),
        };
        let now = self.clock.now();
        let pool = Pool {
            id,
            name: new.name,
            created: now,
            modified: now,
            username_attributes: new.username_attributes,
            alias_attributes: new.alias_attributes,
            case_sensitive: new.case_sensitive.unwrap_or(true),
            schema: merge_schema(new.schema)?,
            settings: new.settings,
            domain: None,
            custom_domain: None,
            ui_customization: None,
            risk_configurations: Default::default(),
        };
        let stored = generate_keys(&pool.id, now).await?;
        self.store.insert_pool(&pool, &stored).await.map_err(|e| match e {
            crate::StoreError::Conflict(_) => DomainError::invalid(format!("User pool {} already exists.", pool.id)),
            other => other.into(),
        })?;
        Ok(pool)
    }

    /// DescribeUserPool: the pool and its estimated number of users.
    pub async fn describe_user_pool(&self, pool_id: &str) -> Result<(Pool, i64)> {
        let pool = self.pool(pool_id).await?;
        let users = self.store.count_users(pool_id).await?;
        Ok((pool, users))
    }

    /// ListUserPools: pools in id order; the token is the last id of the previous page.
    pub async fn list_user_pools(&self, max_results: i64, next: Option<&str>) -> Result<(Vec<Pool>, Option<String>)> {
        if !(1..=60).contains(&max_results) {
            return Err(DomainError::invalid(
                "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60",
            ));
        }
        let pools = self.store.list_pools(next, max_results as u32 + 1).await?;
        Ok(crate::listing::page(pools, max_results as usize, |p| p.id.clone()))
    }

    /// UpdateUserPool: replaces the mutable settings (unspecified ones return to defaults, as
    /// Cognito does), and the wallet sign-in as `wallet` says.
    pub async fn update_user_pool(
        &self,
        pool_id: &str,
        mut settings: PoolSettings,
        wallet: crate::wallet::WalletChange,
    ) -> Result<()> {
        let mut pool = self.pool(pool_id).await?;
        settings.wallet = match wallet {
            crate::wallet::WalletChange::Keep => pool.settings.wallet.clone(),
            crate::wallet::WalletChange::Set(setting) => setting,
        };
        // UpdateUserPool has no members for these: they stay as SetUserPoolMfaConfig left them.
        settings.mfa.software_token = pool.settings.mfa.software_token;
        settings.mfa.email = pool.settings.mfa.email.clone();
        settings.mfa.web_authn = pool.settings.mfa.web_authn.clone();
        validate_settings(&settings)?;
        self.triggers.check(&settings.triggers)?;
        pool.settings = settings;
        self.save_pool(&mut pool).await
    }

    /// DeleteUserPool, refused while deletion protection is on.
    pub async fn delete_user_pool(&self, pool_id: &str) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        if pool.settings.deletion_protection {
            return Err(DomainError::invalid(
                "The user pool cannot be deleted because deletion protection is activated.",
            ));
        }
        self.store.delete_pool(pool_id).await?;
        self.keys.forget(pool_id);
        Ok(())
    }
}

fn validate_settings(settings: &PoolSettings) -> Result<()> {
    if let Some(wallet) = &settings.wallet {
        wallet.check()?;
    }
    let policy = &settings.password_policy;
    if !(6..=99).contains(&policy.minimum_length) {
        return Err(DomainError::invalid("Password policy MinimumLength must be between 6 and 99."));
    }
    if policy.temporary_password_validity_days > 365 {
        return Err(DomainError::invalid("TemporaryPasswordValidityDays must be between 0 and 365."));
    }
    for attr in &settings.auto_verified_attributes {
        if attr != "email" && attr != "phone_number" {
            return Err(DomainError::invalid(format!("Invalid AutoVerifiedAttributes value: {attr}")));
        }
    }
    check_email_sending(&settings.email_sending)?;
    crate::mfa::check_mfa_settings(settings)
}

/// EmailConfiguration: a known sending account, and addresses that are addresses (`From` may
/// carry a display name: `Example <no-reply@example.com>`).
fn check_email_sending(email: &EmailSending) -> Result<()> {
    if let Some(account) = &email.sending_account {
        if account != "COGNITO_DEFAULT" && account != "DEVELOPER" {
            return Err(DomainError::invalid(format!(
                "1 validation error detected: Value '{account}' at 'emailConfiguration.emailSendingAccount' failed to satisfy constraint: Member must satisfy enum value set: [COGNITO_DEFAULT, DEVELOPER]"
            )));
        }
    }
    let address_of = |value: &str| match value.rsplit_once('<') {
        Some((_, rest)) => rest.strip_suffix('>').map(str::to_owned),
        None => Some(value.to_owned()),
    };
    for (name, value) in [("From", &email.from), ("ReplyToEmailAddress", &email.reply_to)] {
        let Some(value) = value else { continue };
        let ok = address_of(value.trim()).is_some_and(|a| {
            a.split_once('@').is_some_and(|(local, host)| !local.is_empty() && host.contains('.') && !a.contains(' '))
        });
        if !ok || value.contains(['\r', '\n']) {
            return Err(DomainError::invalid(format!("EmailConfiguration {name} is not an email address: {value}")));
        }
    }
    Ok(())
}

/// The standard schema with the request's changes applied and its custom attributes added.
fn merge_schema(changes: Vec<SchemaAttribute>) -> Result<Vec<SchemaAttribute>> {
    let mut schema = standard_schema();
    for change in changes {
        if is_standard(&change.name) {
            if change.name == "sub" {
                continue;
            }
            if let Some(existing) = schema.iter_mut().find(|a| a.name == change.name) {
                existing.required = change.required;
                existing.mutable = change.mutable;
                existing.min_length = change.min_length.or(existing.min_length);
                existing.max_length = change.max_length.or(existing.max_length);
            }
            continue;
        }
        let change = custom_attribute(change)?;
        if schema.iter().any(|a| a.name == change.name) {
            return Err(DomainError::invalid(format!("Duplicate attribute name: {}", change.name)));
        }
        schema.push(change);
    }
    Ok(schema)
}

/// A custom attribute as requested (named with or without `custom:`), named as stored.
pub(crate) fn custom_attribute(mut change: SchemaAttribute) -> Result<SchemaAttribute> {
    let bare = change.name.trim_start_matches("dev:").trim_start_matches("custom:").to_owned();
    if bare.is_empty() || bare.chars().count() > 20 || (is_standard(&bare) && change.name == bare) {
        return Err(DomainError::invalid(format!("Invalid custom attribute name: {}", change.name)));
    }
    if change.required {
        return Err(DomainError::invalid("Required custom attributes are not supported currently."));
    }
    change.name = if change.developer_only { format!("dev:custom:{bare}") } else { format!("custom:{bare}") };
    Ok(change)
}

/// A fresh id key and access key for a pool (RSA key generation runs off the async threads).
pub(crate) async fn generate_keys(pool_id: &str, now: UnixTime) -> Result<Vec<StoredKey>> {
    let keys = tokio::task::spawn_blocking(|| {
        [KeyPurpose::Id, KeyPurpose::Access].map(|purpose| SigningKey::generate_pkcs8().map(|der| (purpose, der)))
    })
    .await
    .map_err(DomainError::internal)?;
    let mut stored = Vec::new();
    for key in keys {
        let (purpose, pkcs8) = key.map_err(DomainError::internal)?;
        let kid = SigningKey::from_pkcs8(&pkcs8).map_err(DomainError::internal)?.kid().to_owned();
        stored.push(StoredKey { pool_id: pool_id.to_owned(), kid, purpose, pkcs8, created: now });
    }
    Ok(stored)
}
