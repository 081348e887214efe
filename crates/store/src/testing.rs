//! Helpers for tests that need a database of their own on a shared PostgreSQL server.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use cognate_domain::StoreError;

/// Creates an empty database on the server `base_url` points at and returns the URL of it, so
/// that parallel tests never see each other's rows.
pub async fn fresh_postgres_database(base_url: &str) -> Result<String, StoreError> {
    let fail = |e: sqlx::Error| StoreError::Backend(format!("cannot create a test database on {base_url}: {e}"));
    let options = PgConnectOptions::from_str(base_url).map_err(fail)?;
    let mut admin = options.connect().await.map_err(fail)?;
    let name = format!("cognate_test_{}", uuid_like());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.map_err(fail)?;
    admin.close().await.map_err(fail)?;
    Ok(with_database(base_url, &name))
}

/// `base_url` with its database replaced by `name`.
pub fn with_database(base_url: &str, name: &str) -> String {
    let (scheme, rest) = base_url.split_once("://").unwrap_or(("postgres", base_url));
    let (location, query) = match rest.split_once('?') {
        Some((location, query)) => (location, Some(query)),
        None => (rest, None),
    };
    let authority = location.split_once('/').map_or(location, |(authority, _)| authority);
    match query {
        Some(query) => format!("{scheme}://{authority}/{name}?{query}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{:x}_{}_{count}", nanos, std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_is_replaced() {
        assert_eq!(with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres://u@h/test?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
