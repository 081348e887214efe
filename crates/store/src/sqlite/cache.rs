//! A write-through cache of hot rows (users by sub, pools, clients) for the SQLite store.
//!
//! SQLite is embedded: this process is the only writer of its file, so every change passes
//! through the store and can invalidate the cache. Each query otherwise costs two thread hand-offs
//! (sqlx runs SQLite on worker threads), which dominate GetUser's cost.
//!
//! Correctness under concurrency: a reader notes the epoch before its database read and fills the
//! cache only if no invalidation happened since; writers invalidate after they commit. A fill
//! that races a write is therefore either skipped or removed again.

use std::collections::HashMap;
use std::sync::Mutex;

/// Entries kept at most; past that the cache starts over (cheap, and rare at this size).
const CAPACITY: usize = 50_000;

pub(crate) struct RowCache<V> {
    inner: Mutex<Inner<V>>,
}

struct Inner<V> {
    epoch: u64,
    rows: HashMap<String, V>,
}

impl<V: Clone> RowCache<V> {
    pub(crate) fn new() -> Self {
        Self { inner: Mutex::new(Inner { epoch: 0, rows: HashMap::new() }) }
    }

    /// A cached row, and the epoch to pass to [`fill`](Self::fill) on a miss.
    pub(crate) fn get(&self, key: &str) -> (Option<V>, u64) {
        match self.inner.lock() {
            Ok(inner) => (inner.rows.get(key).cloned(), inner.epoch),
            Err(_) => (None, u64::MAX),
        }
    }

    /// Caches a row read from the database, unless something was invalidated since `epoch`.
    pub(crate) fn fill(&self, key: &str, value: &V, epoch: u64) {
        if let Ok(mut inner) = self.inner.lock() {
            if inner.epoch == epoch {
                if inner.rows.len() >= CAPACITY {
                    inner.rows.clear();
                }
                inner.rows.insert(key.to_owned(), value.clone());
            }
        }
    }

    /// Forgets one row (after a committed change to it).
    pub(crate) fn invalidate(&self, key: &str) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.epoch = inner.epoch.wrapping_add(1);
            inner.rows.remove(key);
        }
    }

    /// Forgets every row (after a change that touches many, such as deleting a pool).
    pub(crate) fn clear(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.epoch = inner.epoch.wrapping_add(1);
            inner.rows.clear();
        }
    }
}

/// The cache key of a user.
pub(crate) fn user_key(pool_id: &str, sub: &str) -> String {
    format!("{pool_id}\u{0}{sub}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fill_that_raced_an_invalidation_is_dropped() {
        let cache = RowCache::new();
        let (_, epoch) = cache.get("k");
        cache.invalidate("k");
        cache.fill("k", &1, epoch);
        assert_eq!(cache.get("k").0, None);
        let (_, epoch) = cache.get("k");
        cache.fill("k", &2, epoch);
        assert_eq!(cache.get("k").0, Some(2));
        cache.clear();
        assert_eq!(cache.get("k").0, None);
    }
}
