//! Storage backends for Cognate. SQLite (embedded, the default) implements the domain's
//! [`Store`](cognate_domain::Store) traits; PostgreSQL follows the same contract.

mod sqlite;

pub use sqlite::SqliteStore;

use std::sync::Arc;

use cognate_domain::{Store, StoreError};

/// Opens the store a database URL names: `sqlite://path` (created if missing). Migrations run
/// before it is returned.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url).await?))
    } else {
        Err(StoreError::Backend(format!("unsupported database URL (expected sqlite:...): {url}")))
    }
}
