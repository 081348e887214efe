//! The verified-token cache: a token presented again, as every call of a session presents it,
//! costs a hash and a lookup instead of an RSA verification. Keyed by SHA-256 of the whole token
//! (a different token cannot share a key), bounded in size, each entry good until the token's
//! `exp`; time and revocation are checked again on every hit.

use std::sync::Arc;

use aws_lc_rs::digest::{digest, SHA256};
use quick_cache::sync::Cache;

use crate::claims::CognitoClaims;

/// Default number of tokens kept.
pub const DEFAULT_CAPACITY: usize = 16_384;

/// A bounded map from token digest to the claims it was verified to carry.
pub struct TokenCache {
    entries: Cache<[u8; 32], Arc<CognitoClaims>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache").field("len", &self.entries.len()).finish()
    }
}

/// The cache key of a token.
pub fn token_key(token: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    key.copy_from_slice(digest(&SHA256, token.as_bytes()).as_ref());
    key
}

impl TokenCache {
    /// A cache holding at most `capacity` tokens.
    pub fn new(capacity: usize) -> Self {
        Self { entries: Cache::new(capacity.max(1)) }
    }

    /// The claims of a token verified before.
    pub fn get(&self, key: &[u8; 32]) -> Option<Arc<CognitoClaims>> {
        self.entries.get(key)
    }

    /// Remembers a verified token.
    pub fn insert(&self, key: [u8; 32], claims: Arc<CognitoClaims>) {
        self.entries.insert(key, claims);
    }

    /// Forgets a token (expired or revoked).
    pub fn remove(&self, key: &[u8; 32]) {
        self.entries.remove(key);
    }

    /// How many tokens are held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no token is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
