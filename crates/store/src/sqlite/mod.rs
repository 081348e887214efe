//! The SQLite store: one writer connection (SQLite has one writer at a time; serialising writes
//! in-process means no busy retries) and a pool of read-only connections, WAL journal.

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
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use cognate_domain::model::{AppClient, Pool, ResourceServer, User};
use cognate_domain::{Store, StoreError};

use cache::RowCache;

/// Cognate's data in one SQLite file.
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    users: RowCache<User>,
    pools: RowCache<Pool>,
    clients: RowCache<AppClient>,
    /// Each pool's resource servers, by pool id.
    resource_servers: RowCache<std::sync::Arc<Vec<ResourceServer>>>,
    /// Revoked token origins (`origin_jti` → when), kept for as long as an access token minted
    /// from them can live; loaded at start, written through on every revocation.
    revoked: tokens::RevokedOrigins,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

pub(crate) fn backend(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_owned()),
        _ => StoreError::Backend(err.to_string()),
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` and brings its schema up to date.
    ///
    /// Durability: WAL with `synchronous=NORMAL`, so a killed process loses no committed write;
    /// only a power loss can drop the last transactions.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(backend)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .statement_cache_capacity(256);
        // Checkpoints run beside the writer, not inside its commits: with SQLite's automatic
        // checkpoint every 1,000 pages, sign-ups at 100,000+ users spent their time checkpointing
        // and dropping page caches.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .connect_with(options.clone().pragma("wal_autocheckpoint", "0"))
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await.map_err(|e| StoreError::Backend(e.to_string()))?;
        let checkpointer =
            SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await.map_err(backend)?;
        tokio::spawn(checkpoint_continuously(checkpointer));
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(1)
            .connect_with(options.read_only(true))
            .await
            .map_err(backend)?;
        let revoked = tokens::RevokedOrigins::load(&reader).await?;
        Ok(Self {
            writer,
            reader,
            users: RowCache::new(),
            pools: RowCache::new(),
            clients: RowCache::new(),
            resource_servers: RowCache::new(),
            revoked,
        })
    }
}

/// Copies the WAL into the database file every second (PASSIVE: never waits for, nor blocks,
/// readers and the writer), so the WAL stays small without the writer doing it.
async fn checkpoint_continuously(pool: SqlitePool) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reader).await.map_err(backend)?;
        Ok(())
    }

    async fn server_secret(&self, candidate: &[u8; 32]) -> Result<[u8; 32], StoreError> {
        sqlx::query("INSERT INTO settings (name, value) VALUES ('server_secret', ?) ON CONFLICT (name) DO NOTHING")
            .bind(&candidate[..])
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        let stored: Vec<u8> = sqlx::query_scalar("SELECT value FROM settings WHERE name = 'server_secret'")
            .fetch_one(&self.writer)
            .await
            .map_err(backend)?;
        stored.try_into().map_err(|_| StoreError::Backend("the stored server secret is not 32 bytes".into()))
    }
}
