//! A pool's identity providers: CreateIdentityProvider, DescribeIdentityProvider,
//! GetIdentityProviderByIdentifier, UpdateIdentityProvider, DeleteIdentityProvider and
//! ListIdentityProviders, validated as Cognito validates them. Secrets are sealed before they
//! are stored and opened only for Describe (which echoes `client_secret`, as Cognito does) and
//! for the calls to the provider.

use std::collections::BTreeMap;

use base64::Engine;
use cognate_crypto::{mac, seal};

use super::presets::{derived, endpoint_allowed, preset, SECRET_KEYS, URL_KEYS};
use crate::error::{DomainError, Result};
use crate::model::{IdentityProvider, Pool};
use crate::{Cognate, StoreError, UnixTime};

/// Cognito's limits on IdpIdentifiers.
const MAX_IDENTIFIERS: usize = 50;

/// What CreateIdentityProvider and UpdateIdentityProvider ask for (`provider_type` only on create;
/// on update an absent field keeps what the provider has).
#[derive(Debug, Clone, Default)]
pub struct IdentityProviderInput {
    pub pool_id: String,
    pub name: String,
    pub provider_type: Option<String>,
    pub details: Option<BTreeMap<String, String>>,
    pub attribute_mapping: Option<BTreeMap<String, String>>,
    pub idp_identifiers: Option<Vec<String>>,
}

/// A provider as Describe shows it: ProviderDetails with the derived keys and `client_secret`.
#[derive(Debug, Clone)]
pub struct IdentityProviderView {
    pub pool_id: String,
    pub name: String,
    pub provider_type: String,
    pub details: BTreeMap<String, String>,
    pub attribute_mapping: BTreeMap<String, String>,
    pub idp_identifiers: Vec<String>,
    pub created: UnixTime,
    pub modified: UnixTime,
}

fn violation(value: &str, member: &str, constraint: &str) -> DomainError {
    DomainError::invalid(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
    ))
}

/// `[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+`, 1 to 32 characters: no underscore or space
/// but as the second character, since the name becomes the `<ProviderName>_` username prefix.
fn check_name(name: &str) -> Result<()> {
    let chars: Vec<char> = name.chars().collect();
    if chars.is_empty() || chars.len() > 32 {
        return Err(violation(name, "providerName", "Member must have length between 1 and 32"));
    }
    let plain = |c: &char| *c != '_' && !c.is_whitespace() && !c.is_control();
    let shaped = chars.len() >= 3 && plain(&chars[0]) && !chars[1].is_whitespace() && chars[2..].iter().all(plain);
    if !shaped {
        return Err(violation(
            name,
            "providerName",
            "Member must satisfy regular expression pattern: [^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+",
        ));
    }
    if name.eq_ignore_ascii_case("cognito") {
        return Err(DomainError::invalid(format!("{name} is a reserved provider name.")));
    }
    Ok(())
}

fn check_identifiers(identifiers: &[String]) -> Result<()> {
    if identifiers.len() > MAX_IDENTIFIERS {
        return Err(violation("[...]", "idpIdentifiers", "Member must have length less than or equal to 50"));
    }
    let allowed = |c: char| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=.@-".contains(c);
    for (i, identifier) in identifiers.iter().enumerate() {
        let member = format!("idpIdentifiers.{}.member", i + 1);
        let length = identifier.chars().count();
        if length == 0 || length > 40 {
            return Err(violation(identifier, &member, "Member must have length between 1 and 40"));
        }
        if !identifier.chars().all(allowed) {
            return Err(violation(
                identifier,
                &member,
                "Member must satisfy regular expression pattern: [\\w\\s+=.@-]+",
            ));
        }
        if identifiers[..i].contains(identifier) {
            return Err(DomainError::invalid(format!("Duplicate identifier {identifier}.")));
        }
    }
    Ok(())
}

/// The details a provider type takes: the required keys present, no unknown key, URLs that
/// Cognito would call, and OIDC's scopes and method.
fn check_details(provider_type: &str, details: &BTreeMap<String, String>) -> Result<()> {
    let Some(preset) = preset(provider_type) else {
        return Err(match provider_type {
            "SAML" => DomainError::Unsupported("SAML identity providers are not supported by Cognate.".into()),
            other => violation(
                other,
                "providerType",
                "Member must satisfy enum value set: [SAML, Facebook, Google, LoginWithAmazon, SignInWithApple, OIDC]",
            ),
        });
    };
    for key in preset.required {
        if details.get(*key).is_none_or(|v| v.trim().is_empty()) {
            return Err(DomainError::invalid(format!("{key} is required for {provider_type} identity providers.")));
        }
    }
    let derived_keys: Vec<&str> = derived(provider_type, details).into_iter().map(|(k, _)| k).collect();
    for (key, value) in details {
        let known = preset.required.contains(&key.as_str())
            || preset.optional.contains(&key.as_str())
            || derived_keys.contains(&key.as_str());
        if !known {
            return Err(DomainError::invalid(format!("{key} is not a detail of {provider_type} identity providers.")));
        }
        if URL_KEYS.contains(&key.as_str()) && !endpoint_allowed(value) {
            return Err(DomainError::invalid(format!(
                "{key} must be an https URL (http only on a loopback address): {value}"
            )));
        }
    }
    if provider_type == "OIDC" {
        if !details["authorize_scopes"].split([' ', ',']).any(|s| s == "openid") {
            return Err(DomainError::invalid("authorize_scopes must include openid for OIDC identity providers."));
        }
        if !matches!(details["attributes_request_method"].as_str(), "GET" | "POST") {
            return Err(DomainError::invalid("attributes_request_method must be GET or POST."));
        }
    }
    if provider_type == "SignInWithApple"
        && cognate_crypto::es256::Es256Key::from_pem(&details["private_key"], &details["key_id"]).is_err()
    {
        return Err(DomainError::invalid("private_key must be the PKCS#8 PEM of the key Apple gave (.p8)."));
    }
    Ok(())
}

/// AttributeMapping keys are the pool's attributes (or `username`), 1 to 32 characters, each
/// mapped to a claim name.
fn check_mapping(pool: &Pool, mapping: &BTreeMap<String, String>) -> Result<()> {
    for (attribute, claim) in mapping {
        if attribute.is_empty() || attribute.chars().count() > 32 {
            return Err(violation(attribute, "attributeMapping", "Map keys must have length between 1 and 32"));
        }
        if claim.is_empty() {
            return Err(DomainError::invalid(format!("The claim mapped to {attribute} is empty.")));
        }
        if attribute != "username" && !pool.schema.iter().any(|a| &a.name == attribute) {
            return Err(DomainError::invalid(format!("Attribute {attribute} is not in the user pool's schema.")));
        }
    }
    Ok(())
}

fn not_found(name: &str) -> DomainError {
    DomainError::ResourceNotFound(format!("Identity provider {name} does not exist."))
}

impl Cognate {
    /// The key that seals providers' secrets, derived from the server's secret.
    fn provider_seal_key(&self) -> [u8; 32] {
        mac::hmac_sha256(&self.config.code_key, &[b"identity-provider-secret-seal"])
    }

    /// Splits `details` into the plain ones and the secrets, sealed to this provider and key.
    fn seal_details(
        &self,
        pool_id: &str,
        name: &str,
        mut details: BTreeMap<String, String>,
    ) -> Result<(BTreeMap<String, String>, BTreeMap<String, String>)> {
        let key = self.provider_seal_key();
        let mut sealed = BTreeMap::new();
        for secret in SECRET_KEYS {
            if let Some(value) = details.remove(secret) {
                let context = format!("{pool_id}/{name}/{secret}");
                let bytes = seal::seal(&key, context.as_bytes(), value.as_bytes())
                    .ok_or_else(|| DomainError::internal("cannot seal an identity provider's secret"))?;
                sealed.insert(secret.to_owned(), base64::engine::general_purpose::STANDARD.encode(bytes));
            }
        }
        Ok((details, sealed))
    }

    /// A sealed detail of `provider`, opened.
    pub(crate) fn provider_secret(&self, provider: &IdentityProvider, secret: &str) -> Result<Option<String>> {
        let Some(sealed) = provider.sealed_details.get(secret) else { return Ok(None) };
        let bytes = base64::engine::general_purpose::STANDARD.decode(sealed).map_err(DomainError::internal)?;
        let context = format!("{}/{}/{secret}", provider.pool_id, provider.name);
        let plain = seal::open(&self.provider_seal_key(), context.as_bytes(), &bytes).ok_or_else(|| {
            DomainError::internal("an identity provider's secret does not open with this server's key")
        })?;
        String::from_utf8(plain).map(Some).map_err(DomainError::internal)
    }

    /// All of a provider's details, the secrets opened: what validation and the calls see.
    fn all_details(&self, provider: &IdentityProvider) -> Result<BTreeMap<String, String>> {
        let mut details = provider.details.clone();
        for secret in SECRET_KEYS {
            if let Some(value) = self.provider_secret(provider, secret)? {
                details.insert(secret.to_owned(), value);
            }
        }
        Ok(details)
    }

    fn view_of(&self, provider: IdentityProvider) -> Result<IdentityProviderView> {
        let mut details = provider.details.clone();
        for (key, value) in derived(&provider.provider_type, &provider.details) {
            details.entry(key.to_owned()).or_insert(value);
        }
        if let Some(secret) = self.provider_secret(&provider, "client_secret")? {
            details.insert("client_secret".into(), secret);
        }
        Ok(IdentityProviderView {
            pool_id: provider.pool_id,
            name: provider.name,
            provider_type: provider.provider_type,
            details,
            attribute_mapping: provider.attribute_mapping,
            idp_identifiers: provider.idp_identifiers,
            created: provider.created,
            modified: provider.modified,
        })
    }

    fn stored_conflict(err: StoreError, name: &str) -> DomainError {
        match err {
            StoreError::Conflict(what) if what == "identifier" => {
                DomainError::DuplicateProvider("An IdpIdentifier is already used by another identity provider.".into())
            }
            StoreError::Conflict(_) => {
                DomainError::DuplicateProvider(format!("A provider with the name {name} already exists in this pool."))
            }
            other => other.into(),
        }
    }

    /// CreateIdentityProvider.
    pub async fn create_identity_provider(&self, input: IdentityProviderInput) -> Result<IdentityProviderView> {
        let pool = self.pool(&input.pool_id).await?;
        check_name(&input.name)?;
        let provider_type = input.provider_type.unwrap_or_default();
        let details = input.details.unwrap_or_default();
        check_details(&provider_type, &details)?;
        let attribute_mapping = input.attribute_mapping.unwrap_or_default();
        check_mapping(&pool, &attribute_mapping)?;
        let idp_identifiers = input.idp_identifiers.unwrap_or_default();
        check_identifiers(&idp_identifiers)?;
        let (details, sealed_details) = self.seal_details(&pool.id, &input.name, details)?;
        let now = self.clock.now();
        let provider = IdentityProvider {
            pool_id: pool.id,
            name: input.name,
            provider_type,
            details,
            sealed_details,
            attribute_mapping,
            idp_identifiers,
            created: now,
            modified: now,
        };
        self.store.insert_identity_provider(&provider).await.map_err(|e| Self::stored_conflict(e, &provider.name))?;
        self.view_of(provider)
    }

    /// DescribeIdentityProvider.
    pub async fn describe_identity_provider(&self, pool_id: &str, name: &str) -> Result<IdentityProviderView> {
        self.pool(pool_id).await?;
        let provider = self.store.get_identity_provider(pool_id, name).await?.ok_or_else(|| not_found(name))?;
        self.view_of(provider)
    }

    /// GetIdentityProviderByIdentifier.
    pub async fn identity_provider_by_identifier(
        &self,
        pool_id: &str,
        identifier: &str,
    ) -> Result<IdentityProviderView> {
        self.pool(pool_id).await?;
        let provider = self.store.identity_provider_by_identifier(pool_id, identifier).await?.ok_or_else(|| {
            DomainError::ResourceNotFound(format!("Identity provider with identifier {identifier} does not exist."))
        })?;
        self.view_of(provider)
    }

    /// ListIdentityProviders: by name; the token is the last name of the previous page.
    pub async fn list_identity_providers(
        &self,
        pool_id: &str,
        max_results: Option<i64>,
        next: Option<&str>,
    ) -> Result<(Vec<IdentityProvider>, Option<String>)> {
        self.pool(pool_id).await?;
        let limit = max_results.unwrap_or(60);
        if !(1..=60).contains(&limit) {
            return Err(violation(&limit.to_string(), "maxResults", "Member must have value between 1 and 60"));
        }
        let providers = self.store.list_identity_providers(pool_id, next, limit as u32 + 1).await?;
        Ok(crate::listing::page(providers, limit as usize, |p| p.name.clone()))
    }

    /// UpdateIdentityProvider: what is given replaces what the provider had. ProviderDetails
    /// are replaced as a whole, but a secret left out keeps its value (Describe never shows the
    /// Apple key, so a Describe-then-Update round trip must not lose it).
    pub async fn update_identity_provider(&self, input: IdentityProviderInput) -> Result<IdentityProviderView> {
        let pool = self.pool(&input.pool_id).await?;
        let mut provider =
            self.store.get_identity_provider(&pool.id, &input.name).await?.ok_or_else(|| not_found(&input.name))?;
        if let Some(mut details) = input.details {
            for secret in SECRET_KEYS {
                if !details.contains_key(secret) {
                    if let Some(kept) = self.provider_secret(&provider, secret)? {
                        details.insert(secret.to_owned(), kept);
                    }
                }
            }
            check_details(&provider.provider_type, &details)?;
            (provider.details, provider.sealed_details) = self.seal_details(&pool.id, &provider.name, details)?;
        } else {
            check_details(&provider.provider_type, &self.all_details(&provider)?)?;
        }
        if let Some(mapping) = input.attribute_mapping {
            check_mapping(&pool, &mapping)?;
            provider.attribute_mapping = mapping;
        }
        if let Some(identifiers) = input.idp_identifiers {
            check_identifiers(&identifiers)?;
            provider.idp_identifiers = identifiers;
        }
        provider.modified = self.clock.now();
        let updated = self
            .store
            .update_identity_provider(&provider)
            .await
            .map_err(|e| Self::stored_conflict(e, &provider.name))?;
        if !updated {
            return Err(not_found(&provider.name));
        }
        self.view_of(provider)
    }

    /// DeleteIdentityProvider.
    pub async fn delete_identity_provider(&self, pool_id: &str, name: &str) -> Result<()> {
        self.pool(pool_id).await?;
        if !self.store.delete_identity_provider(pool_id, name).await? {
            return Err(not_found(name));
        }
        self.provider_cache.forget(pool_id, name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_follow_cognitos_pattern() {
        for ok in ["Google", "LoginWithAmazon", "a_b", "my-idp.example", "IdP"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "_Google", "Goo_gle", "My IdP", "ab", "Cognito", "x".repeat(33).as_str()] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn details_are_checked_per_type() {
        let oidc = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let good: BTreeMap<String, String> = oidc(&[
            ("client_id", "c"),
            ("client_secret", "s"),
            ("authorize_scopes", "openid email"),
            ("attributes_request_method", "GET"),
            ("oidc_issuer", "https://idp.example.com"),
        ]);
        assert!(check_details("OIDC", &good).is_ok());
        let mut no_openid = good.clone();
        no_openid.insert("authorize_scopes".into(), "email".into());
        assert!(check_details("OIDC", &no_openid).is_err());
        let mut plain_http = good.clone();
        plain_http.insert("oidc_issuer".into(), "http://idp.example.com".into());
        assert!(check_details("OIDC", &plain_http).is_err());
        let mut unknown = good.clone();
        unknown.insert("surprise".into(), "x".into());
        assert!(check_details("OIDC", &unknown).is_err());
        assert!(matches!(check_details("SAML", &good), Err(DomainError::Unsupported(_))));
        assert!(matches!(check_details("Twitter", &good), Err(DomainError::InvalidParameter(_))));
        // A preset's endpoints may be overridden (local stand-ins); its secret is required.
        let facebook = oidc(&[
            ("client_id", "c"),
            ("client_secret", "s"),
            ("authorize_scopes", "public_profile,email"),
            ("token_url", "http://127.0.0.1:9000/token"),
        ]);
        assert!(check_details("Facebook", &facebook).is_ok());
        let mut secretless = facebook.clone();
        secretless.remove("client_secret");
        assert!(check_details("Facebook", &secretless).is_err());
    }
}
