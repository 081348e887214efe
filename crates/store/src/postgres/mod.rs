//! The PostgreSQL store: what several Cognate instances share. Every piece of state lives in the
//! database; the only in-process copies are pools and app clients, trusted for five seconds.
//! Concurrent writers are made safe by row locks and single-statement updates.

mod activity;
mod cache;
mod devices;
mod federation;
mod groups;
mod hosted;
mod oauth;
mod outbound;
mod passkeys;
mod pools;
mod tokens;
mod users;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use cognate_domain::model::{AppClient, Pool, PoolDomain, ResourceServer};
use cognate_domain::{Store, StoreError};

/// Cognate's data in a PostgreSQL database.
pub struct PostgresStore {
    pool: PgPool,
    /// Pools and clients, read on every call and rarely changed, trusted for a few seconds.
    pools: cache::TtlCache<Pool>,
    clients: cache::TtlCache<AppClient>,
    /// Each pool's resource servers, by pool id.
    resource_servers: cache::TtlCache<std::sync::Arc<Vec<ResourceServer>>>,
    /// Domains by name, `None` for a name nobody has (the hosted pages look a request's host up).
    domains: cache::TtlCache<Option<PoolDomain>>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

pub(crate) fn backend(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_owned()),
        _ => StoreError::Backend(err.to_string()),
    }
}

pub(crate) fn corrupt(err: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("corrupt row: {err}"))
}

/// How many connections one instance keeps, unless the URL's `max_connections` says otherwise.
const DEFAULT_MAX_CONNECTIONS: u32 = 16;

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host/db[?max_connections=N]`) and brings the schema up
    /// to date. Migrations hold PostgreSQL's advisory lock, so instances starting together take
    /// turns instead of racing.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let (base, max_connections) = split_pool_settings(url)?;
        let options = PgConnectOptions::from_str(&base).map_err(backend)?.statement_cache_capacity(256);
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings every connection it hands out, one more round trip per query. A
            // connection the server dropped fails its next query instead, and is discarded.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await.map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(Self {
            pool,
            pools: cache::TtlCache::new(),
            clients: cache::TtlCache::new(),
            resource_servers: cache::TtlCache::new(),
            domains: cache::TtlCache::new(),
        })
    }
}

/// Takes Cognate's own `max_connections` parameter out of the URL (PostgreSQL would refuse it).
fn split_pool_settings(url: &str) -> Result<(String, u32), StoreError> {
    let Some((base, query)) = url.split_once('?') else { return Ok((url.to_owned(), DEFAULT_MAX_CONNECTIONS)) };
    let mut max = DEFAULT_MAX_CONNECTIONS;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("max_connections", value)) => {
                max = value.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    StoreError::Backend(format!("max_connections must be a positive number: {value}"))
                })?;
            }
            _ => kept.push(pair),
        }
    }
    let base = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
    Ok((base, max))
}

#[async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(backend)?;
        Ok(())
    }

    async fn server_secret(&self, candidate: &[u8; 32]) -> Result<[u8; 32], StoreError> {
        // Instances starting together both insert; the first wins and both read its value.
        sqlx::query("INSERT INTO settings (name, value) VALUES ('server_secret', $1) ON CONFLICT (name) DO NOTHING")
            .bind(&candidate[..])
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        let stored: Vec<u8> = sqlx::query_scalar("SELECT value FROM settings WHERE name = 'server_secret'")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        stored.try_into().map_err(|_| StoreError::Backend("the stored server secret is not 32 bytes".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_settings_leave_the_url() {
        let (base, max) = split_pool_settings("postgres://u@h/db?max_connections=4&sslmode=disable").unwrap();
        assert_eq!((base.as_str(), max), ("postgres://u@h/db?sslmode=disable", 4));
        let (base, max) = split_pool_settings("postgres://u@h/db").unwrap();
        assert_eq!((base.as_str(), max), ("postgres://u@h/db", DEFAULT_MAX_CONNECTIONS));
        assert!(split_pool_settings("postgres://u@h/db?max_connections=0").is_err());
    }
}
