//! One issuer's keys, cached: fetched on first use and again when a token names a `kid` the cache
//! does not hold (key rotation), with a penalty window so that a flood of bogus kids cannot become
//! a flood of fetches, and concurrent misses sharing one fetch. Locks are held only to read or swap
//! a pointer, never across an await.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use futures_util::future::{FutureExt, Shared};
use tokio::time::Instant;

use crate::error::VerifyError;
use crate::jwk::{KeySet, PublicKey};

/// A boxed future, as [`JwksFetcher`] returns it.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Fetches a JWKS document. [`crate::HttpFetcher`] is the one for HTTP(S) (feature `fetch`);
/// tests and unusual transports bring their own.
pub trait JwksFetcher: Send + Sync + 'static {
    /// The document at `uri`, or why it could not be had.
    fn fetch(&self, uri: &str) -> BoxFuture<Result<Vec<u8>, String>>;
}

/// After a fetch, how long an unknown kid is refused without fetching again (as aws-jwt-verify's
/// penalty box does).
pub const DEFAULT_REFETCH_PENALTY: Duration = Duration::from_secs(10);

type Fetch = Shared<BoxFuture<()>>;

#[derive(Default)]
struct FetchState {
    last_fetch: Option<Instant>,
    last_error: Option<String>,
    in_flight: Option<Fetch>,
}

struct Inner {
    uri: String,
    fetcher: Option<Arc<dyn JwksFetcher>>,
    keys: RwLock<Arc<KeySet>>,
    state: Mutex<FetchState>,
    penalty: Duration,
    fetches: AtomicU64,
}

/// The cached keys of one issuer. Cheap to clone; clones share the cache.
#[derive(Clone)]
pub struct JwksCache {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwksCache").field("uri", &self.inner.uri).finish_non_exhaustive()
    }
}

impl JwksCache {
    /// Keys fetched from `uri` with `fetcher`, on first use and on unknown kids.
    pub fn remote(uri: impl Into<String>, fetcher: Arc<dyn JwksFetcher>, penalty: Duration) -> Self {
        Self::build(uri.into(), Some(fetcher), KeySet::default(), penalty)
    }

    /// A fixed key set given up front: no network, ever.
    pub fn fixed(keys: KeySet) -> Self {
        Self::build(String::new(), None, keys, Duration::ZERO)
    }

    fn build(uri: String, fetcher: Option<Arc<dyn JwksFetcher>>, keys: KeySet, penalty: Duration) -> Self {
        let inner = Inner {
            uri,
            fetcher,
            keys: RwLock::new(Arc::new(keys)),
            state: Mutex::new(FetchState::default()),
            penalty,
            fetches: AtomicU64::new(0),
        };
        Self { inner: Arc::new(inner) }
    }

    /// Where the keys come from (empty for a fixed set).
    pub fn uri(&self) -> &str {
        &self.inner.uri
    }

    /// How many fetches have been started.
    pub fn fetch_count(&self) -> u64 {
        self.inner.fetches.load(Ordering::Relaxed)
    }

    fn cached(&self, kid: &str) -> Option<Arc<PublicKey>> {
        let keys = self.inner.keys.read().unwrap_or_else(|p| p.into_inner());
        keys.get(kid).cloned()
    }

    /// The key with this `kid`, fetching the JWKS if it is not cached and the penalty window
    /// allows.
    pub async fn key(&self, kid: &str) -> Result<Arc<PublicKey>, VerifyError> {
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        let Some(fetch) = self.start_fetch() else {
            return Err(self.miss());
        };
        fetch.await;
        self.cached(kid).ok_or_else(|| self.miss())
    }

    /// Fetches now unless a fetch is running (then joins it) or the penalty window is open.
    pub async fn refresh(&self) {
        if let Some(fetch) = self.start_fetch() {
            fetch.await;
        }
    }

    fn miss(&self) -> VerifyError {
        let state = self.inner.state.lock().unwrap_or_else(|p| p.into_inner());
        let empty = self.inner.keys.read().map(|k| k.is_empty()).unwrap_or(true);
        match (&state.last_error, empty && self.inner.fetcher.is_some()) {
            (Some(error), true) => VerifyError::JwksUnavailable(error.clone()),
            _ => VerifyError::UnknownKid,
        }
    }

    fn start_fetch(&self) -> Option<Fetch> {
        let fetcher = self.inner.fetcher.clone()?;
        let mut state = self.inner.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(running) = &state.in_flight {
            return Some(running.clone());
        }
        let now = Instant::now();
        if state.last_fetch.is_some_and(|at| now.duration_since(at) < self.inner.penalty) {
            return None;
        }
        state.last_fetch = Some(now);
        self.inner.fetches.fetch_add(1, Ordering::Relaxed);
        let inner = self.inner.clone();
        let fetch: BoxFuture<()> = Box::pin(async move {
            let result =
                fetcher.fetch(&inner.uri).await.and_then(|doc| KeySet::from_json(&doc).map_err(|e| e.to_string()));
            let mut state = inner.state.lock().unwrap_or_else(|p| p.into_inner());
            match result {
                Ok(keys) => {
                    tracing::debug!(uri = %inner.uri, keys = keys.len(), "fetched JWKS");
                    *inner.keys.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(keys);
                    state.last_error = None;
                }
                Err(error) => {
                    tracing::warn!(uri = %inner.uri, %error, "cannot fetch JWKS");
                    state.last_error = Some(error);
                }
            }
            state.in_flight = None;
        });
        let shared = fetch.shared();
        state.in_flight = Some(shared.clone());
        Some(shared)
    }
}
