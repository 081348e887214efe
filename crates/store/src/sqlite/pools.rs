//! Pools, their keys, and app clients in SQLite.

use async_trait::async_trait;
use sqlx::Row;

use cognate_domain::model::{AppClient, KeyPurpose, Pool, StoredKey};
use cognate_domain::store::{ClientStore, PoolStore};
use cognate_domain::StoreError;

use super::cache::RowCache;
use super::{backend, SqliteStore};

use crate::codec::{from_json, to_json};

type Result<T> = std::result::Result<T, StoreError>;

/// A row stored as a JSON body, read through its cache: a hit costs no query; a miss reads the
/// row and fills the cache unless a write invalidated it meanwhile.
async fn cached_body<T: serde::de::DeserializeOwned + Clone>(
    reader: &sqlx::SqlitePool,
    cache: &RowCache<T>,
    sql: &'static str,
    id: &str,
) -> Result<Option<T>> {
    let (cached, epoch) = cache.get(id);
    if cached.is_some() {
        return Ok(cached);
    }
    let body: Option<String> = sqlx::query_scalar(sql).bind(id).fetch_optional(reader).await.map_err(backend)?;
    let row: Option<T> = body.map(|b| from_json(&b)).transpose()?;
    if let Some(row) = &row {
        cache.fill(id, row, epoch);
    }
    Ok(row)
}

fn key_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<StoredKey> {
    let purpose: String = row.try_get("purpose").map_err(backend)?;
    Ok(StoredKey {
        pool_id: row.try_get("pool_id").map_err(backend)?,
        kid: row.try_get("kid").map_err(backend)?,
        purpose: if purpose == "id" { KeyPurpose::Id } else { KeyPurpose::Access },
        pkcs8: row.try_get("pkcs8").map_err(backend)?,
        created: row.try_get("created").map_err(backend)?,
    })
}

#[async_trait]
impl PoolStore for SqliteStore {
    async fn insert_pool(&self, pool: &Pool, keys: &[StoredKey]) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        sqlx::query("INSERT INTO pools (id, created, body) VALUES (?, ?, ?)")
            .bind(&pool.id)
            .bind(pool.created)
            .bind(to_json(pool)?)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        for key in keys {
            insert_key(&mut tx, key).await?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn get_pool(&self, id: &str) -> Result<Option<Pool>> {
        cached_body(&self.reader, &self.pools, "SELECT body FROM pools WHERE id = ?", id).await
    }

    async fn list_pools(&self, after: Option<&str>, limit: u32) -> Result<Vec<Pool>> {
        let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM pools WHERE id > ? ORDER BY id LIMIT ?")
            .bind(after.unwrap_or(""))
            .bind(limit)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        bodies.iter().map(|b| from_json(b)).collect()
    }

    async fn update_pool(&self, pool: &Pool) -> Result<bool> {
        let done = sqlx::query("UPDATE pools SET body = ? WHERE id = ?")
            .bind(to_json(pool)?)
            .bind(&pool.id)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        self.pools.invalidate(&pool.id);
        Ok(done.rows_affected() == 1)
    }

    async fn delete_pool(&self, id: &str) -> Result<bool> {
        let done =
            sqlx::query("DELETE FROM pools WHERE id = ?").bind(id).execute(&self.writer).await.map_err(backend)?;
        // The pool's clients and users went with it.
        self.pools.invalidate(id);
        self.clients.clear();
        self.resource_servers.clear();
        self.users.clear();
        Ok(done.rows_affected() == 1)
    }

    async fn count_users(&self, pool_id: &str) -> Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE pool_id = ?")
            .bind(pool_id)
            .fetch_one(&self.reader)
            .await
            .map_err(backend)
    }

    async fn pool_keys(&self, pool_id: &str) -> Result<Vec<StoredKey>> {
        let rows = sqlx::query(
            "SELECT kid, pool_id, purpose, pkcs8, created FROM pool_keys WHERE pool_id = ? ORDER BY created",
        )
        .bind(pool_id)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.iter().map(key_from_row).collect()
    }

    async fn add_pool_keys(&self, keys: &[StoredKey]) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        for key in keys {
            insert_key(&mut tx, key).await?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn key_by_kid(&self, kid: &str) -> Result<Option<StoredKey>> {
        let row = sqlx::query("SELECT kid, pool_id, purpose, pkcs8, created FROM pool_keys WHERE kid = ?")
            .bind(kid)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(key_from_row).transpose()
    }
}

#[async_trait]
impl ClientStore for SqliteStore {
    async fn insert_client(&self, client: &AppClient) -> Result<()> {
        sqlx::query("INSERT INTO clients (id, pool_id, body) VALUES (?, ?, ?)")
            .bind(&client.id)
            .bind(&client.pool_id)
            .bind(to_json(client)?)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn get_client(&self, id: &str) -> Result<Option<AppClient>> {
        cached_body(&self.reader, &self.clients, "SELECT body FROM clients WHERE id = ?", id).await
    }

    async fn list_clients(&self, pool_id: &str, after: Option<&str>, limit: u32) -> Result<Vec<AppClient>> {
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM clients WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?")
                .bind(pool_id)
                .bind(after.unwrap_or(""))
                .bind(limit)
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
        bodies.iter().map(|b| from_json(b)).collect()
    }

    async fn update_client(&self, client: &AppClient) -> Result<bool> {
        let done = sqlx::query("UPDATE clients SET body = ? WHERE id = ? AND pool_id = ?")
            .bind(to_json(client)?)
            .bind(&client.id)
            .bind(&client.pool_id)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        self.clients.invalidate(&client.id);
        Ok(done.rows_affected() == 1)
    }

    async fn delete_client(&self, pool_id: &str, id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM clients WHERE id = ? AND pool_id = ?")
            .bind(id)
            .bind(pool_id)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        self.clients.invalidate(id);
        Ok(done.rows_affected() == 1)
    }
}

async fn insert_key(tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>, key: &StoredKey) -> Result<()> {
    sqlx::query("INSERT INTO pool_keys (kid, pool_id, purpose, pkcs8, created) VALUES (?, ?, ?, ?, ?)")
        .bind(&key.kid)
        .bind(&key.pool_id)
        .bind(key.purpose.name())
        .bind(&key.pkcs8)
        .bind(key.created)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    Ok(())
}
