//! Storage backends for Cognate: SQLite (embedded, the default) and PostgreSQL (several instances
//! sharing one database). Both implement the domain's [`Store`](cognate_domain::Store) traits and
//! pass one conformance suite; nothing outside this crate knows which one runs.

mod codec;
mod postgres;
mod sqlite;
pub mod testing;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use std::sync::Arc;

use cognate_domain::{Store, StoreError};

/// Opens the store a database URL names — `sqlite://path` (created if missing) or
/// `postgres://...` — and brings its schema up to date before returning it.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::open(url).await?))
    } else {
        Err(StoreError::Backend(format!("unsupported database URL (expected sqlite:... or postgres://...): {url}")))
    }
}
