//! The verifier: one issuer's tokens checked end to end — signature with the issuer's cached keys,
//! then `iss`, client, `token_use`, time, scopes, groups, custom checks and revocation — with the
//! verified-token cache in front.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::cache::{token_key, TokenCache, DEFAULT_CAPACITY};
use crate::claims::{CognitoClaims, TokenUse};
use crate::error::VerifyError;
use crate::jwk::KeySet;
use crate::jwks::{JwksCache, JwksFetcher, DEFAULT_REFETCH_PENALTY};
use crate::jwt;
use crate::revocation::RevocationList;

/// A custom claim check: `Ok(())` accepts, `Err(why)` refuses.
pub type ClaimCheck = Arc<dyn Fn(&CognitoClaims) -> Result<(), String> + Send + Sync>;

/// What a token must carry beyond being genuine and current. A verifier has one; a gateway route
/// may add its own.
#[derive(Clone, Default)]
pub struct Requirements {
    /// `access` or `id`; `None` accepts both.
    pub token_use: Option<TokenUse>,
    /// Every one of these scopes.
    pub scopes: Vec<String>,
    /// At least one of these groups (none listed: no group needed).
    pub groups: Vec<String>,
    /// Further checks, by name.
    pub checks: Vec<(String, ClaimCheck)>,
}

impl std::fmt::Debug for Requirements {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let checks: Vec<&str> = self.checks.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Requirements")
            .field("token_use", &self.token_use)
            .field("scopes", &self.scopes)
            .field("groups", &self.groups)
            .field("checks", &checks)
            .finish()
    }
}

impl Requirements {
    /// Checks claims already known to be genuine.
    pub fn check(&self, claims: &CognitoClaims) -> Result<(), VerifyError> {
        if let Some(expected) = self.token_use {
            if claims.token_use() != Some(expected) {
                return Err(VerifyError::WrongTokenUse);
            }
        }
        if !self.scopes.iter().all(|s| claims.has_scope(s)) {
            return Err(VerifyError::MissingScope);
        }
        if !self.groups.is_empty() && !self.groups.iter().any(|g| claims.in_group(g)) {
            return Err(VerifyError::MissingGroup);
        }
        for (name, check) in &self.checks {
            check(claims).map_err(|why| VerifyError::ClaimRejected(format!("{name}: {why}")))?;
        }
        Ok(())
    }
}

/// Verifies one issuer's tokens. Build with [`Verifier::builder`]; share behind an `Arc`.
pub struct Verifier {
    issuer: String,
    keys: JwksCache,
    client_ids: Vec<String>,
    skew: i64,
    requirements: Requirements,
    cache: Option<TokenCache>,
    revocations: Option<Arc<RevocationList>>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("issuer", &self.issuer)
            .field("client_ids", &self.client_ids)
            .field("requirements", &self.requirements)
            .finish_non_exhaustive()
    }
}

/// Seconds since the Unix epoch, from the system clock.
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Verifier {
    /// Starts a verifier for tokens whose `iss` is `issuer` (for Cognate `<public_url>/<poolId>`,
    /// for Amazon Cognito `https://cognito-idp.<region>.amazonaws.com/<poolId>`).
    pub fn builder(issuer: impl Into<String>) -> VerifierBuilder {
        VerifierBuilder::new(issuer.into())
    }

    /// A verifier for an Amazon Cognito user pool (or Cognate with AWS-shaped issuers); the region
    /// is the pool id's prefix.
    pub fn cognito_user_pool(pool_id: &str) -> VerifierBuilder {
        let region = pool_id.split_once('_').map(|(r, _)| r).unwrap_or("us-east-1");
        Self::builder(format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}"))
    }

    /// The issuer this verifier accepts.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The issuer's key cache.
    pub fn jwks(&self) -> &JwksCache {
        &self.keys
    }

    /// The verified-token cache, if on.
    pub fn token_cache(&self) -> Option<&TokenCache> {
        self.cache.as_ref()
    }

    /// Verifies a token now, by the system clock.
    pub async fn verify(&self, token: &str) -> Result<Arc<CognitoClaims>, VerifyError> {
        self.verify_at(token, unix_now()).await
    }

    /// Verifies a token as of `now` (Unix seconds).
    pub async fn verify_at(&self, token: &str, now: i64) -> Result<Arc<CognitoClaims>, VerifyError> {
        let key = self.cache.as_ref().map(|_| token_key(token));
        if let (Some(cache), Some(key)) = (&self.cache, &key) {
            if let Some(claims) = cache.get(key) {
                return match self.check_time_and_revocation(&claims, now) {
                    Ok(()) => Ok(claims),
                    Err(e) => {
                        cache.remove(key);
                        Err(e)
                    }
                };
            }
        }
        let decoded = jwt::decode(token)?;
        let public_key = self.keys.key(&decoded.kid).await?;
        public_key.verify(&decoded)?;
        let claims: CognitoClaims = serde_json::from_slice(&decoded.payload).map_err(|_| VerifyError::Malformed)?;
        self.check_claims(&claims, now)?;
        let claims = Arc::new(claims);
        if let (Some(cache), Some(key)) = (&self.cache, key) {
            cache.insert(key, claims.clone());
        }
        Ok(claims)
    }

    fn check_claims(&self, claims: &CognitoClaims, now: i64) -> Result<(), VerifyError> {
        if claims.iss != self.issuer {
            return Err(VerifyError::WrongIssuer);
        }
        let Some(token_use) = claims.token_use() else { return Err(VerifyError::WrongTokenUse) };
        if !self.client_ids.is_empty() {
            let client_ok = match token_use {
                TokenUse::Access => claims.client_id.as_ref().is_some_and(|c| self.client_ids.contains(c)),
                TokenUse::Id => claims.aud.iter().any(|a| self.client_ids.contains(a)),
            };
            if !client_ok {
                return Err(VerifyError::WrongClient);
            }
        }
        self.check_time_and_revocation(claims, now)?;
        self.requirements.check(claims)
    }

    fn check_time_and_revocation(&self, claims: &CognitoClaims, now: i64) -> Result<(), VerifyError> {
        if claims.exp.saturating_add(self.skew) <= now {
            return Err(VerifyError::Expired);
        }
        let not_before = claims.nbf.into_iter().chain(claims.iat).max();
        if not_before.is_some_and(|t| t > now.saturating_add(self.skew)) {
            return Err(VerifyError::NotYetValid);
        }
        if self.revocations.as_ref().is_some_and(|r| r.is_revoked(claims)) {
            return Err(VerifyError::Revoked);
        }
        Ok(())
    }
}

/// Configures a [`Verifier`].
pub struct VerifierBuilder {
    issuer: String,
    jwks_uri: Option<String>,
    fixed_keys: Option<KeySet>,
    fetcher: Option<Arc<dyn JwksFetcher>>,
    shared_cache: Option<JwksCache>,
    penalty: Duration,
    client_ids: Vec<String>,
    skew: Duration,
    requirements: Requirements,
    cache_capacity: usize,
    revocations: Option<Arc<RevocationList>>,
}

impl VerifierBuilder {
    fn new(issuer: String) -> Self {
        Self {
            issuer: issuer.trim_end_matches('/').to_owned(),
            jwks_uri: None,
            fixed_keys: None,
            fetcher: None,
            shared_cache: None,
            penalty: DEFAULT_REFETCH_PENALTY,
            client_ids: Vec::new(),
            skew: Duration::ZERO,
            requirements: Requirements::default(),
            cache_capacity: 0,
            revocations: None,
        }
    }

    /// Accepts tokens issued to this app client (`client_id` of access tokens, `aud` of id
    /// tokens). Call again to accept several. With none, the client is not checked.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_ids.push(client_id.into());
        self
    }

    /// Accepts only access or only id tokens.
    pub fn token_use(mut self, token_use: TokenUse) -> Self {
        self.requirements.token_use = Some(token_use);
        self
    }

    /// Tolerates this much clock difference on `exp`, `nbf` and `iat` (at most 5 minutes).
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.skew = skew.min(Duration::from_secs(300));
        self
    }

    /// Requires a scope (all listed scopes are required).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.requirements.scopes.push(scope.into());
        self
    }

    /// Requires membership in a group (any one of the listed groups suffices).
    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.requirements.groups.push(group.into());
        self
    }

    /// Adds a custom check on the claims.
    pub fn check(
        mut self,
        name: impl Into<String>,
        check: impl Fn(&CognitoClaims) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.requirements.checks.push((name.into(), Arc::new(check)));
        self
    }

    /// Fetches keys from this URL instead of `<issuer>/.well-known/jwks.json`.
    pub fn jwks_uri(mut self, uri: impl Into<String>) -> Self {
        self.jwks_uri = Some(uri.into());
        self
    }

    /// Uses this JWKS document and never fetches (as aws-jwt-verify's `cacheJwks`).
    pub fn jwks_json(mut self, document: &[u8]) -> Result<Self, VerifyError> {
        self.fixed_keys = Some(KeySet::from_json(document)?);
        Ok(self)
    }

    /// Fetches with this fetcher (default: [`crate::HttpFetcher`] with feature `fetch`).
    pub fn fetcher(mut self, fetcher: Arc<dyn JwksFetcher>) -> Self {
        self.fetcher = Some(fetcher);
        self
    }

    /// Shares another verifier's key cache (same issuer, other requirements).
    pub fn shared_jwks(mut self, cache: JwksCache) -> Self {
        self.shared_cache = Some(cache);
        self
    }

    /// How long an unknown kid is refused without a new fetch.
    pub fn refetch_penalty(mut self, penalty: Duration) -> Self {
        self.penalty = penalty;
        self
    }

    /// Keeps up to `capacity` verified tokens (0 turns the cache off; [`DEFAULT_CAPACITY`] is a good start).
    pub fn token_cache(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
        self
    }

    /// Turns the verified-token cache on with the default capacity.
    pub fn with_token_cache(self) -> Self {
        self.token_cache(DEFAULT_CAPACITY)
    }

    /// Refuses tokens this list reports revoked (see [`crate::follow_revocations`]).
    pub fn revocations(mut self, list: Arc<RevocationList>) -> Self {
        self.revocations = Some(list);
        self
    }

    /// Builds the verifier.
    pub fn build(self) -> Result<Verifier, VerifyError> {
        let keys = match (self.shared_cache, self.fixed_keys) {
            (Some(shared), _) => shared,
            (None, Some(keys)) => JwksCache::fixed(keys),
            (None, None) => {
                let uri = self.jwks_uri.unwrap_or_else(|| format!("{}/.well-known/jwks.json", self.issuer));
                let fetcher = match self.fetcher {
                    Some(fetcher) => fetcher,
                    None => default_fetcher()?,
                };
                JwksCache::remote(uri, fetcher, self.penalty)
            }
        };
        Ok(Verifier {
            issuer: self.issuer,
            keys,
            client_ids: self.client_ids,
            skew: self.skew.as_secs() as i64,
            requirements: self.requirements,
            cache: (self.cache_capacity > 0).then(|| TokenCache::new(self.cache_capacity)),
            revocations: self.revocations,
        })
    }
}

#[cfg(feature = "fetch")]
fn default_fetcher() -> Result<Arc<dyn JwksFetcher>, VerifyError> {
    Ok(Arc::new(crate::fetch::HttpFetcher::new()?))
}

#[cfg(not(feature = "fetch"))]
fn default_fetcher() -> Result<Arc<dyn JwksFetcher>, VerifyError> {
    Err(VerifyError::JwksUnavailable("no JWKS given and the `fetch` feature is off".into()))
}
