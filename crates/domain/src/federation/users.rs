//! The users a federated sign-in makes and keeps: `<ProviderName>_<subject>`, status
//! EXTERNAL_PROVIDER, a pool-issued `sub`, the `identities` attribute, the
//! `<poolId>_<ProviderName>` group (made on the first sign-in), and the provider's claims
//! written to the mapped attributes on every sign-in — of the user the identity is linked to,
//! if it is.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use cognate_crypto::random;

use super::linking::holds_identity;
use crate::attributes::{login_names, normalize_login};
use crate::error::{DomainError, Result};
use crate::model::{Group, IdentityProvider, Pool, User, UserStatus};
use crate::triggers::{Confirmation, SignUpSource};
use crate::{Cognate, StoreError};

/// The pool attributes the provider's claims give, by the provider's AttributeMapping. A mapped
/// email is unverified unless `email_verified` is mapped too, as on Cognito.
fn mapped_attributes(provider: &IdentityProvider, claims: &Map<String, Value>) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::new();
    for (attribute, claim) in &provider.attribute_mapping {
        if attribute == "username" {
            continue;
        }
        let value = match claims.get(claim) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Number(n)) => n.to_string(),
            // A claim the provider no longer sends leaves the stored value as it was.
            _ => continue,
        };
        if value.chars().count() <= 2048 {
            attributes.insert(attribute.clone(), value);
        }
    }
    if attributes.contains_key("email") && !provider.attribute_mapping.contains_key("email_verified") {
        attributes.insert("email_verified".into(), "false".into());
    }
    attributes
}

/// The `identities` attribute of a new federated user, as Cognito stores it (a JSON string).
fn identities(provider: &IdentityProvider, subject: &str, issuer: Option<&str>, now_ms: i64) -> String {
    serde_json::json!([{
        "userId": subject,
        "providerName": provider.name,
        "providerType": provider.provider_type,
        "issuer": issuer,
        "primary": true,
        "dateCreated": now_ms,
    }])
    .to_string()
}

impl Cognate {
    /// The federated user of `claims` (checked already), made on the first sign-in and brought
    /// up to date with the mapped claims on every one.
    pub(crate) async fn federated_user(
        &self,
        pool: &Pool,
        client_id: &str,
        provider: &IdentityProvider,
        claims: &Map<String, Value>,
    ) -> Result<User> {
        let subject = claims.get("sub").and_then(Value::as_str).unwrap_or_default();
        let username = normalize_login(pool, &format!("{}_{subject}", provider.name));
        let mapped = mapped_attributes(provider, claims);
        let now = self.clock.now();
        if let Some(mut user) = self.store.find_user_by_login(&pool.id, &username).await? {
            // A native user of that name who does not hold the identity (by a link) is not it.
            if user.status != UserStatus::ExternalProvider && !holds_identity(&user, &provider.name, subject) {
                return Err(DomainError::not_authorized("User is not a federated user."));
            }
            // The mapping is applied on every sign-in; a sign-in that changes nothing writes nothing.
            if mapped.iter().any(|(name, value)| user.attributes.get(name) != Some(value)) {
                user.attributes.extend(mapped);
                user.modified = now;
                let logins = login_names(pool, &user);
                self.store.update_user(&user, Some(&logins)).await.map_err(DomainError::alias_taken)?;
            }
            return Ok(user);
        }
        let missing: Vec<&str> = pool
            .schema
            .iter()
            .filter(|a| a.required && a.name != "sub" && !mapped.contains_key(&a.name))
            .map(|a| a.name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(DomainError::invalid(format!(
                "Required attributes are not mapped from {}: {}",
                provider.name,
                missing.join(", ")
            )));
        }
        let mut attributes = mapped;
        let issuer = provider.details.get("oidc_issuer").map(String::as_str);
        attributes.insert("identities".into(), identities(provider, subject, issuer, now * 1000));
        let user = User::new(&pool.id, random::uuid(), username.clone(), UserStatus::ExternalProvider, attributes, now);
        let none = BTreeMap::new();
        self.pre_sign_up(pool, Some(client_id), &user, SignUpSource::ExternalProvider, &none, &none).await?;
        match self.store.insert_user(&user, std::slice::from_ref(&username), None, &[]).await {
            Ok(()) => {}
            // Two first sign-ins at once: the other made the user.
            Err(StoreError::Conflict(_)) => {
                return self
                    .store
                    .find_user_by_login(&pool.id, &username)
                    .await?
                    .ok_or_else(|| DomainError::internal("a federated user vanished"))
            }
            Err(other) => return Err(other.into()),
        }
        let group = format!("{}_{}", pool.id, provider.name);
        if self.store.get_group(&pool.id, &group).await?.is_none() {
            let made = Group {
                pool_id: pool.id.clone(),
                name: group.clone(),
                description: None,
                precedence: None,
                role_arn: None,
                created: now,
                modified: now,
            };
            match self.store.insert_group(&made).await {
                Ok(()) | Err(StoreError::Conflict(_)) => {}
                Err(other) => return Err(other.into()),
            }
        }
        self.store.add_user_to_group(&pool.id, &group, &user.sub).await?;
        // As on Cognito, the first sign-in confirms the federated user; a failure is answered,
        // but the user stays.
        self.post_confirmation(pool, Some(client_id), &user, Confirmation::SignUp, &none).await?;
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_map_to_attributes_and_an_unmapped_email_is_unverified() {
        let provider = IdentityProvider {
            pool_id: "p".into(),
            name: "Upstream".into(),
            provider_type: "OIDC".into(),
            details: BTreeMap::new(),
            sealed_details: BTreeMap::new(),
            attribute_mapping: BTreeMap::from([
                ("email".to_owned(), "email".to_owned()),
                ("name".to_owned(), "name".to_owned()),
                ("username".to_owned(), "sub".to_owned()),
            ]),
            idp_identifiers: vec![],
            created: 0,
            modified: 0,
        };
        let claims = serde_json::json!({"sub": "s-1", "email": "ada@example.com", "age": 36});
        let mapped = mapped_attributes(&provider, claims.as_object().unwrap());
        assert_eq!(mapped["email"], "ada@example.com");
        assert_eq!(mapped["email_verified"], "false");
        assert!(!mapped.contains_key("name"), "a claim not sent leaves the attribute alone");
        assert!(!mapped.contains_key("username"));
    }
}
