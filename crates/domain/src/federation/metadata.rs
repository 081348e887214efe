//! What Cognate keeps of each identity provider between sign-ins, so that a sign-in costs no
//! discovery fetch, no JWKS fetch and no key parsing: the provider's endpoints (its details',
//! else the preset's, else its discovery document's, fetched again after an hour), its JWKS as
//! a cognate-verify cache (fetched again when a token names an unknown `kid`: rotation), and
//! its client secret opened once (Apple's signing key parsed once). An entry is kept while the provider's details are the same;
//! an update is seen by the next sign-in on every instance.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use cognate_crypto::es256::Es256Key;
use cognate_verify::{BoxFuture, JwksCache, JwksFetcher, DEFAULT_REFETCH_PENALTY};

use super::presets::{derived, endpoint_allowed};
use super::upstream::UpstreamClient;
use crate::model::IdentityProvider;
use crate::{Cognate, UnixTime};

/// How long a discovery document is trusted before it is fetched again.
const DISCOVERY_SECONDS: i64 = 3600;

/// Where Google and Apple publish their keys (not among the keys Describe shows; `jwks_uri` in
/// ProviderDetails overrides them).
fn preset_jwks(provider_type: &str) -> Option<&'static str> {
    match provider_type {
        "Google" => Some("https://www.googleapis.com/oauth2/v3/certs"),
        "SignInWithApple" => Some("https://appleid.apple.com/auth/keys"),
        _ => None,
    }
}

/// How a provider type signs users in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Protocol {
    /// OpenID Connect: an id token, checked; OIDC providers' attributes URL (userinfo) too.
    OpenId,
    /// OAuth 2.0 with a profile read from the attributes URL; the subject is this field of it.
    Profile { subject: &'static str },
}

impl Protocol {
    pub(super) fn of(provider_type: &str) -> Self {
        match provider_type {
            "Facebook" => Protocol::Profile { subject: "id" },
            "LoginWithAmazon" => Protocol::Profile { subject: "user_id" },
            _ => Protocol::OpenId,
        }
    }
}

/// A provider's endpoints and keys, ready for a sign-in.
pub(super) struct ProviderMetadata {
    /// The details this entry was made from: a provider whose details changed is loaded again.
    details: BTreeMap<String, String>,
    sealed_details: BTreeMap<String, String>,
    /// When discovery was read (or the entry made, without discovery).
    loaded: UnixTime,
    discovered: bool,
    pub protocol: Protocol,
    pub authorize: String,
    pub token: String,
    /// GET (Facebook's) or POST for the token request.
    pub token_by_get: bool,
    /// The attributes URL (OIDC's userinfo endpoint), if the provider has one.
    pub attributes: Option<String>,
    pub issuer: Option<String>,
    /// The provider's keys, for OpenID providers.
    pub keys: Option<JwksCache>,
    /// What the token request authenticates with, opened once.
    pub secret: ClientSecret,
}

/// The client secret of a provider: its own, or (Sign in with Apple) the key that signs one.
pub(super) enum ClientSecret {
    Fixed(String),
    AppleKey(Es256Key),
}

impl ProviderMetadata {
    fn fresh_for(&self, provider: &IdentityProvider, now: UnixTime) -> bool {
        self.details == provider.details
            && self.sealed_details == provider.sealed_details
            && (!self.discovered || now < self.loaded + DISCOVERY_SECONDS)
    }
}

/// The metadata of every provider signed in through lately, by pool and provider name.
#[derive(Default)]
pub(crate) struct ProviderCache {
    entries: Mutex<HashMap<(String, String), Arc<ProviderMetadata>>>,
}

impl ProviderCache {
    fn get(&self, provider: &IdentityProvider) -> Option<Arc<ProviderMetadata>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(&(provider.pool_id.clone(), provider.name.clone())).cloned()
    }

    fn put(&self, provider: &IdentityProvider, metadata: Arc<ProviderMetadata>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.insert((provider.pool_id.clone(), provider.name.clone()), metadata);
    }

    /// Forgets a deleted provider.
    pub(crate) fn forget(&self, pool_id: &str, name: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&(pool_id.to_owned(), name.to_owned()));
    }
}

/// JWKS fetched through the outbound client, so they obey its bounds and its https rule.
struct UpstreamJwks(Arc<dyn UpstreamClient>);

impl JwksFetcher for UpstreamJwks {
    fn fetch(&self, uri: &str) -> BoxFuture<Result<Vec<u8>, String>> {
        let (upstream, uri) = (self.0.clone(), uri.to_owned());
        Box::pin(async move {
            let answer = upstream.get(&uri, None).await.map_err(|e| e.to_string())?;
            if answer.status != 200 {
                return Err(format!("{uri} answered HTTP {}", answer.status));
            }
            Ok(answer.body)
        })
    }
}

impl Cognate {
    /// The provider's metadata: cached, or loaded now (discovery when the details lack an
    /// endpoint). No lock is held while loading; two sign-ins loading at once both store.
    pub(super) async fn provider_metadata(
        &self,
        upstream: &Arc<dyn UpstreamClient>,
        provider: &IdentityProvider,
    ) -> Result<Arc<ProviderMetadata>, String> {
        let now = self.clock.now();
        let cached = self.provider_cache.get(provider);
        if let Some(metadata) = cached.as_ref().filter(|m| m.fresh_for(provider, now)) {
            return Ok(metadata.clone());
        }
        let loaded = Arc::new(self.load_metadata(upstream, provider, cached.as_deref(), now).await?);
        self.provider_cache.put(provider, loaded.clone());
        Ok(loaded)
    }

    async fn load_metadata(
        &self,
        upstream: &Arc<dyn UpstreamClient>,
        provider: &IdentityProvider,
        previous: Option<&ProviderMetadata>,
        now: UnixTime,
    ) -> Result<ProviderMetadata, String> {
        let protocol = Protocol::of(&provider.provider_type);
        // The details' own endpoints first, then the preset's.
        let mut known = provider.details.clone();
        for (key, value) in derived(&provider.provider_type, &provider.details) {
            known.entry(key.to_owned()).or_insert(value);
        }
        if let Some(jwks) = preset_jwks(&provider.provider_type) {
            known.entry("jwks_uri".into()).or_insert_with(|| jwks.to_owned());
        }
        let needs_discovery = protocol == Protocol::OpenId
            && ["authorize_url", "token_url", "jwks_uri"].iter().any(|key| !known.contains_key(*key));
        if needs_discovery {
            let discovered = self.discover(upstream.as_ref(), &known).await?;
            for (key, name) in [
                ("authorize_url", "authorization_endpoint"),
                ("token_url", "token_endpoint"),
                ("jwks_uri", "jwks_uri"),
                ("attributes_url", "userinfo_endpoint"),
            ] {
                let Some(value) = discovered[name].as_str() else { continue };
                // Cognito requires https of every discovered endpoint (http on loopback here).
                if !endpoint_allowed(value) {
                    return Err(format!("the discovered {name} is not an https URL: {value}"));
                }
                known.entry(key.into()).or_insert_with(|| value.to_owned());
            }
        }
        let endpoint = |key: &str| known.get(key).cloned().ok_or_else(|| format!("the provider has no {key}"));
        let keys = match (protocol, known.get("jwks_uri")) {
            (Protocol::Profile { .. }, _) => None,
            // A JWKS that stays where it was keeps its cached keys through a rediscovery.
            (Protocol::OpenId, Some(uri)) => Some(match previous.and_then(|p| p.keys.as_ref()) {
                Some(keys) if keys.uri() == uri => keys.clone(),
                _ => JwksCache::remote(uri.clone(), Arc::new(UpstreamJwks(upstream.clone())), DEFAULT_REFETCH_PENALTY),
            }),
            (Protocol::OpenId, None) => return Err("the provider has no jwks_uri".into()),
        };
        let opened = |key: &str| self.provider_secret(provider, key).map(Option::unwrap_or_default);
        let secret = if provider.provider_type == "SignInWithApple" {
            let pem = opened("private_key").map_err(|e| e.to_string())?;
            let key_id = known.get("key_id").map_or("", String::as_str);
            ClientSecret::AppleKey(Es256Key::from_pem(&pem, key_id).map_err(|_| "the Apple private key is not usable")?)
        } else {
            ClientSecret::Fixed(opened("client_secret").map_err(|e| e.to_string())?)
        };
        Ok(ProviderMetadata {
            details: provider.details.clone(),
            sealed_details: provider.sealed_details.clone(),
            loaded: now,
            discovered: needs_discovery,
            protocol,
            authorize: endpoint("authorize_url")?,
            token: endpoint("token_url")?,
            token_by_get: known.get("token_request_method").is_some_and(|m| m == "GET"),
            attributes: known.get("attributes_url").cloned(),
            issuer: known.get("oidc_issuer").cloned(),
            keys,
            secret,
        })
    }

    /// The discovery document of the provider's `oidc_issuer`.
    async fn discover(&self, upstream: &dyn UpstreamClient, known: &BTreeMap<String, String>) -> Result<Value, String> {
        let issuer = known.get("oidc_issuer").map_or("", String::as_str);
        let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
        let answer = upstream.get(&url, None).await.map_err(|e| e.to_string())?;
        if answer.status != 200 {
            return Err(format!("{url} answered HTTP {}", answer.status));
        }
        let document: Value = serde_json::from_slice(&answer.body).map_err(|e| format!("{url}: {e}"))?;
        // OpenID Connect Discovery 4.3: the document is the issuer's own.
        let announced = document["issuer"].as_str().unwrap_or_default();
        if announced.trim_end_matches('/') != issuer.trim_end_matches('/') {
            return Err(format!("{url} names another issuer: {announced}"));
        }
        Ok(document)
    }
}
