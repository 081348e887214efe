//! The key ring: each pool's signing keys, parsed once from storage and kept in memory, found by
//! pool (to sign) and by `kid` (to verify). The JWKS document is rendered once per load.
//!
//! Several instances may share one database, and any of them (or `cognate keys rotate`) may add
//! keys: a pool's keys are therefore read again when [`KEY_RELOAD_SECONDS`] have passed. A key
//! signs only from its `created` time on, which rotation sets [`ROTATION_LEAD_SECONDS`] ahead, so
//! every instance and verifier can see a new key in the JWKS before any token carries it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use cognate_crypto::jwt::{Jwk, SigningKey};

use crate::clock::UnixTime;
use crate::error::{DomainError, Result};
use crate::model::{KeyPurpose, StoredKey};
use crate::store::Store;

/// How long a pool's keys are used before they are read from the database again.
pub const KEY_RELOAD_SECONDS: i64 = 10;
/// How far ahead of signing a rotated key is published.
pub const ROTATION_LEAD_SECONDS: i64 = 60;

/// A pool's keys in memory.
#[derive(Debug)]
pub struct PoolKeys {
    pub pool_id: String,
    /// Signs id tokens (the newest id key).
    pub id_key: Arc<SigningKey>,
    /// Signs access tokens (the newest access key).
    pub access_key: Arc<SigningKey>,
    /// Every key of the pool, by kid, with what it signs.
    pub all: HashMap<String, (KeyPurpose, Arc<SigningKey>)>,
    /// `{"keys":[...]}`, ready to send.
    pub jwks_json: Arc<str>,
    /// When these were read from the database.
    loaded: UnixTime,
}

/// The in-memory cache of every pool's keys. Locks are held only to read or swap a map entry.
#[derive(Debug, Default)]
pub struct KeyRing {
    by_pool: RwLock<HashMap<String, Arc<PoolKeys>>>,
    by_kid: RwLock<HashMap<String, Arc<PoolKeys>>>,
}

fn poisoned() -> DomainError {
    DomainError::internal("key ring lock poisoned")
}

impl KeyRing {
    /// The keys of `pool_id`, loaded from the store on first use and again once they are
    /// [`KEY_RELOAD_SECONDS`] old.
    pub async fn for_pool(&self, store: &dyn Store, pool_id: &str, now: UnixTime) -> Result<Arc<PoolKeys>> {
        if let Some(keys) = self.by_pool.read().map_err(|_| poisoned())?.get(pool_id) {
            if now - keys.loaded < KEY_RELOAD_SECONDS {
                return Ok(keys.clone());
            }
        }
        let stored = store.pool_keys(pool_id).await?;
        self.install(pool_id, &stored, now)
    }

    /// The keys of the pool that owns `kid`, if any pool does.
    pub async fn for_kid(&self, store: &dyn Store, kid: &str, now: UnixTime) -> Result<Option<Arc<PoolKeys>>> {
        if let Some(keys) = self.by_kid.read().map_err(|_| poisoned())?.get(kid) {
            return Ok(Some(keys.clone()));
        }
        let Some(key) = store.key_by_kid(kid).await? else { return Ok(None) };
        let stored = store.pool_keys(&key.pool_id).await?;
        self.install(&key.pool_id, &stored, now).map(Some)
    }

    /// Drops a deleted pool's keys.
    pub fn forget(&self, pool_id: &str) {
        if let Ok(mut by_pool) = self.by_pool.write() {
            by_pool.remove(pool_id);
        }
        if let Ok(mut by_kid) = self.by_kid.write() {
            by_kid.retain(|_, keys| keys.pool_id != pool_id);
        }
    }

    fn install(&self, pool_id: &str, stored: &[StoredKey], now: UnixTime) -> Result<Arc<PoolKeys>> {
        let keys = Arc::new(parse_keys(pool_id, stored, now)?);
        self.by_pool.write().map_err(|_| poisoned())?.insert(pool_id.to_owned(), keys.clone());
        let mut by_kid = self.by_kid.write().map_err(|_| poisoned())?;
        for kid in keys.all.keys() {
            by_kid.insert(kid.clone(), keys.clone());
        }
        Ok(keys)
    }
}

/// Parses a pool's keys; each purpose signs with its newest key already active at `now` (or, if
/// none is, its oldest).
fn parse_keys(pool_id: &str, stored: &[StoredKey], now: UnixTime) -> Result<PoolKeys> {
    let mut all = HashMap::new();
    let mut newest: HashMap<&'static str, (i64, Arc<SigningKey>)> = HashMap::new();
    let mut jwks: Vec<Jwk> = Vec::new();
    for key in stored {
        let parsed = Arc::new(SigningKey::from_pkcs8(&key.pkcs8).map_err(DomainError::internal)?);
        jwks.push(parsed.jwk());
        let slot = newest.entry(key.purpose.name()).or_insert((key.created, parsed.clone()));
        let better = if slot.0 > now { key.created < slot.0 } else { key.created > slot.0 && key.created <= now };
        if better {
            *slot = (key.created, parsed.clone());
        }
        all.insert(parsed.kid().to_owned(), (key.purpose, parsed));
    }
    let pick = |purpose: KeyPurpose| {
        newest
            .get(purpose.name())
            .map(|(_, k)| k.clone())
            .ok_or_else(|| DomainError::internal(format!("pool {pool_id} has no {} key", purpose.name())))
    };
    let jwks_json = serde_json::to_string(&serde_json::json!({ "keys": jwks })).map_err(DomainError::internal)?;
    Ok(PoolKeys {
        pool_id: pool_id.to_owned(),
        id_key: pick(KeyPurpose::Id)?,
        access_key: pick(KeyPurpose::Access)?,
        all,
        jwks_json: jwks_json.into(),
        loaded: now,
    })
}
