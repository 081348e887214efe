//! AdminLinkProviderForUser and AdminDisableProviderForUser: an identity-provider user linked to
//! an existing user signs in as that user. A link is an entry of the user's `identities`
//! attribute (which callers cannot write) and the login `<ProviderName>_<subject>` that
//! [`crate::attributes::login_names`] derives from it, so that the store's unique logins keep
//! one identity on one user.

use serde_json::Value;

use crate::attributes::{login_names, normalize_login};
use crate::error::{DomainError, Result};
use crate::model::{IdentityProvider, Pool, User, UserStatus};
use crate::Cognate;

/// Cognito's limit on the identities linked to one user.
pub const MAX_LINKED_IDENTITIES: usize = 5;

/// The attribute name social and OIDC identities are named by: the provider's subject.
const COGNITO_SUBJECT: &str = "Cognito_Subject";

/// A user named as the API names them: `Cognito` and a username, or a provider and a subject.
#[derive(Debug, Clone, Default)]
pub struct ProviderUser {
    pub provider_name: String,
    pub attribute_name: Option<String>,
    pub attribute_value: String,
}

/// The entries of an `identities` attribute (a JSON array in a string).
pub(crate) fn identities_of(user: &User) -> Vec<Value> {
    match user.attributes.get("identities").map(|v| serde_json::from_str::<Value>(v)) {
        Some(Ok(Value::Array(entries))) => entries,
        _ => Vec::new(),
    }
}

/// The `(providerName, userId)` of each identity a user holds.
pub(crate) fn identity_names(user: &User) -> Vec<(String, String)> {
    identities_of(user)
        .iter()
        .filter_map(|e| Some((e["providerName"].as_str()?.to_owned(), e["userId"].as_str()?.to_owned())))
        .collect()
}

/// Whether `user` holds the identity `subject` of `provider` (its own, or linked).
pub(crate) fn holds_identity(user: &User, provider: &str, subject: &str) -> bool {
    identity_names(user).iter().any(|(p, s)| p == provider && s == subject)
}

impl Cognate {
    async fn provider_named(&self, pool: &Pool, name: &str, role: &str) -> Result<IdentityProvider> {
        self.store.get_identity_provider(&pool.id, name).await?.ok_or_else(|| {
            DomainError::invalid(format!("Invalid {role}: the identity provider {name} does not exist."))
        })
    }

    /// The existing user a DestinationUser names.
    async fn destination(&self, pool: &Pool, named: &ProviderUser) -> Result<User> {
        let login = if named.provider_name == "Cognito" {
            named.attribute_value.clone()
        } else {
            self.provider_named(pool, &named.provider_name, "DestinationUser").await?;
            format!("{}_{}", named.provider_name, named.attribute_value)
        };
        self.find_user(pool, &login).await?.ok_or_else(DomainError::user_not_found)
    }

    /// AdminLinkProviderForUser: `source` (an identity-provider user who has not signed in) is
    /// linked to `destination` (an existing user), as whom it signs in from now on.
    pub async fn admin_link_provider_for_user(
        &self,
        pool_id: &str,
        destination: &ProviderUser,
        source: &ProviderUser,
    ) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        if source.provider_name == "Cognito" {
            return Err(DomainError::invalid(
                "Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser",
            ));
        }
        let provider = self.provider_named(&pool, &source.provider_name, "SourceUser").await?;
        if source.attribute_name.as_deref() != Some(COGNITO_SUBJECT) {
            return Err(DomainError::invalid(format!(
                "Invalid SourceUser: ProviderAttributeName must be {COGNITO_SUBJECT} for {} providers.",
                provider.provider_type
            )));
        }
        let subject = source.attribute_value.as_str();
        if subject.is_empty() || subject.len() > 2048 {
            return Err(DomainError::invalid("Invalid SourceUser: ProviderAttributeValue is required."));
        }
        let mut user = self.destination(&pool, destination).await?;
        let login = normalize_login(&pool, &format!("{}_{subject}", provider.name));
        if let Some(holder) = self.store.find_user_by_login(&pool.id, &login).await? {
            return Err(if holder.sub == user.sub {
                DomainError::invalid("Invalid SourceUser: the identity is already linked to this user.")
            } else {
                DomainError::AliasExists(format!(
                    "The identity {}_{subject} already belongs to another user.",
                    provider.name
                ))
            });
        }
        let mut entries = identities_of(&user);
        if entries.len() >= MAX_LINKED_IDENTITIES {
            return Err(DomainError::LimitExceeded(format!(
                "A user can be linked to at most {MAX_LINKED_IDENTITIES} identities."
            )));
        }
        let now = self.clock.now();
        entries.push(serde_json::json!({
            "userId": subject,
            "providerName": provider.name,
            "providerType": provider.provider_type,
            "issuer": provider.details.get("oidc_issuer"),
            "primary": false,
            "dateCreated": now * 1000,
        }));
        user.attributes.insert("identities".into(), Value::Array(entries).to_string());
        user.modified = now;
        let logins = login_names(&pool, &user);
        let linked = self.store.update_user(&user, Some(&logins)).await.map_err(|e| match e {
            crate::StoreError::Conflict(_) => DomainError::AliasExists(format!(
                "The identity {}_{subject} already belongs to another user.",
                provider.name
            )),
            other => other.into(),
        })?;
        if !linked {
            return Err(DomainError::user_not_found());
        }
        Ok(())
    }

    /// AdminDisableProviderForUser: a linked identity is unlinked (its next sign-in makes a
    /// user of its own); a federated user of that identity is disabled; `Cognito` and a
    /// username takes a native user's password away, leaving its linked identities.
    pub async fn admin_disable_provider_for_user(&self, pool_id: &str, named: &ProviderUser) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        if named.attribute_name.as_deref() != Some(COGNITO_SUBJECT) {
            return Err(DomainError::invalid(format!("ProviderAttributeName must be {COGNITO_SUBJECT}.")));
        }
        let now = self.clock.now();
        if named.provider_name == "Cognito" {
            let mut user =
                self.find_user(&pool, &named.attribute_value).await?.ok_or_else(DomainError::user_not_found)?;
            if user.status == UserStatus::ExternalProvider {
                return Err(DomainError::invalid("The user is not a Cognito user."));
            }
            user.password_hash = None;
            user.srp = None;
            user.modified = now;
            self.store.update_user(&user, None).await?;
            return Ok(());
        }
        let provider = self.provider_named(&pool, &named.provider_name, "User").await?;
        let subject = named.attribute_value.as_str();
        let login = format!("{}_{subject}", provider.name);
        let mut user = self.find_user(&pool, &login).await?.ok_or_else(DomainError::user_not_found)?;
        if !holds_identity(&user, &provider.name, subject) {
            return Err(DomainError::user_not_found());
        }
        if user.status == UserStatus::ExternalProvider
            && normalize_login(&pool, &user.username) == normalize_login(&pool, &login)
        {
            user.enabled = false;
            user.modified = now;
            self.store.update_user(&user, None).await?;
            self.store.revoke_user_tokens(&pool.id, &user.sub, "AdminDisableProviderForUser", now).await?;
            return Ok(());
        }
        let kept: Vec<Value> = identities_of(&user)
            .into_iter()
            .filter(|e| !(e["providerName"] == provider.name.as_str() && e["userId"] == subject))
            .collect();
        if kept.is_empty() {
            user.attributes.remove("identities");
        } else {
            user.attributes.insert("identities".into(), Value::Array(kept).to_string());
        }
        user.modified = now;
        let logins = login_names(&pool, &user);
        self.store.update_user(&user, Some(&logins)).await?;
        Ok(())
    }
}
