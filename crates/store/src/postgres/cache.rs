//! A short-lived cache of rows that change rarely and are read on every call (pools, app
//! clients). Other instances may change them, so an entry lives [`TTL`] at most: a change made
//! elsewhere shows within that time, as configuration changes do on Cognito. This instance's own
//! changes invalidate at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a cached row is trusted.
pub(crate) const TTL: Duration = Duration::from_secs(5);
/// Entries kept at most; past that the cache starts over.
const CAPACITY: usize = 10_000;

pub(crate) struct TtlCache<V> {
    rows: Mutex<HashMap<String, (Instant, V)>>,
}

impl<V: Clone> TtlCache<V> {
    pub(crate) fn new() -> Self {
        Self { rows: Mutex::new(HashMap::new()) }
    }

    /// A row read less than [`TTL`] ago.
    pub(crate) fn get(&self, key: &str) -> Option<V> {
        let rows = self.rows.lock().ok()?;
        rows.get(key).filter(|(at, _)| at.elapsed() < TTL).map(|(_, v)| v.clone())
    }

    /// Remembers a row just read.
    pub(crate) fn put(&self, key: &str, value: &V) {
        if let Ok(mut rows) = self.rows.lock() {
            if rows.len() >= CAPACITY {
                rows.clear();
            }
            rows.insert(key.to_owned(), (Instant::now(), value.clone()));
        }
    }

    /// Forgets a row this instance changed.
    pub(crate) fn invalidate(&self, key: &str) {
        if let Ok(mut rows) = self.rows.lock() {
            rows.remove(key);
        }
    }

    /// Forgets everything.
    pub(crate) fn clear(&self) {
        if let Ok(mut rows) = self.rows.lock() {
            rows.clear();
        }
    }
}
