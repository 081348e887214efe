//! Pools, their keys, and app clients in PostgreSQL.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Row, Transaction};

use cognate_domain::model::{AppClient, KeyPurpose, Pool, StoredKey};
use cognate_domain::store::{ClientStore, PoolStore};
use cognate_domain::StoreError;

use super::cache::TtlCache;
use super::{backend, PostgresStore};

use crate::codec::{from_json, to_json};

type Result<T> = std::result::Result<T, StoreError>;

/// A row stored as a JSON body, through the instance's short-lived cache.
async fn cached_body<T: serde::de::DeserializeOwned + Clone>(
    pool: &sqlx::PgPool,
    cache: &TtlCache<T>,
    sql: &'static str,
    id: &str,
) -> Result<Option<T>> {
    if let Some(row) = cache.get(id) {
        return Ok(Some(row));
    }
    let body: Option<String> = sqlx::query_scalar(sql).bind(id).fetch_optional(pool).await.map_err(backend)?;
    let row: Option<T> = body.map(|b| from_json(&b)).transpose()?;
    if let Some(row) = &row {
        cache.put(id, row);
    }
    Ok(row)
}

fn key_from_row(row: &PgRow) -> Result<StoredKey> {
    let purpose: String = row.try_get("purpose").map_err(backend)?;
    Ok(StoredKey {
        pool_id: row.try_get("pool_id").map_err(backend)?,
        kid: row.try_get("kid").map_err(backend)?,
        purpose: if purpose == "id" { KeyPurpose::Id } else { KeyPurpose::Access },
        pkcs8: row.try_get("pkcs8").map_err(backend)?,
        created: row.try_get("created").map_err(backend)?,
    })
}

async fn insert_key(tx: &mut Transaction<'_, Postgres>, key: &StoredKey) -> Result<()> {
    sqlx::query("INSERT INTO pool_keys (kid, pool_id, purpose, pkcs8, created) VALUES ($1, $2, $3, $4, $5)")
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

#[async_trait]
impl PoolStore for PostgresStore {
    async fn insert_pool(&self, pool: &Pool, keys: &[StoredKey]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("INSERT INTO pools (id, created, body) VALUES ($1, $2, $3)")
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
        cached_body(&self.pool, &self.pools, "SELECT body FROM pools WHERE id = $1", id).await
    }

    async fn list_pools(&self, after: Option<&str>, limit: u32) -> Result<Vec<Pool>> {
        let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM pools WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after.unwrap_or(""))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        bodies.iter().map(|b| from_json(b)).collect()
    }

    async fn update_pool(&self, pool: &Pool) -> Result<bool> {
        let done = sqlx::query("UPDATE pools SET body = $1 WHERE id = $2")
            .bind(to_json(pool)?)
            .bind(&pool.id)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        self.pools.invalidate(&pool.id);
        Ok(done.rows_affected() == 1)
    }

    async fn delete_pool(&self, id: &str) -> Result<bool> {
        let done =
            sqlx::query("DELETE FROM pools WHERE id = $1").bind(id).execute(&self.pool).await.map_err(backend)?;
        self.pools.invalidate(id);
        self.clients.clear();
        self.resource_servers.clear();
        self.domains.clear();
        Ok(done.rows_affected() == 1)
    }

    async fn count_users(&self, pool_id: &str) -> Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE pool_id = $1")
            .bind(pool_id)
            .fetch_one(&self.pool)
            .await
            .map_err(backend)
    }

    async fn pool_keys(&self, pool_id: &str) -> Result<Vec<StoredKey>> {
        let rows = sqlx::query(
            "SELECT kid, pool_id, purpose, pkcs8, created FROM pool_keys WHERE pool_id = $1 ORDER BY created, kid",
        )
        .bind(pool_id)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter().map(key_from_row).collect()
    }

    async fn key_by_kid(&self, kid: &str) -> Result<Option<StoredKey>> {
        let row = sqlx::query("SELECT kid, pool_id, purpose, pkcs8, created FROM pool_keys WHERE kid = $1")
            .bind(kid)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(key_from_row).transpose()
    }

    async fn add_pool_keys(&self, keys: &[StoredKey]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        for key in keys {
            insert_key(&mut tx, key).await?;
        }
        tx.commit().await.map_err(backend)
    }
}

#[async_trait]
impl ClientStore for PostgresStore {
    async fn insert_client(&self, client: &AppClient) -> Result<()> {
        sqlx::query("INSERT INTO clients (id, pool_id, body) VALUES ($1, $2, $3)")
            .bind(&client.id)
            .bind(&client.pool_id)
            .bind(to_json(client)?)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn get_client(&self, id: &str) -> Result<Option<AppClient>> {
        cached_body(&self.pool, &self.clients, "SELECT body FROM clients WHERE id = $1", id).await
    }

    async fn list_clients(&self, pool_id: &str, after: Option<&str>, limit: u32) -> Result<Vec<AppClient>> {
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM clients WHERE pool_id = $1 AND id > $2 ORDER BY id LIMIT $3")
                .bind(pool_id)
                .bind(after.unwrap_or(""))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        bodies.iter().map(|b| from_json(b)).collect()
    }

    async fn update_client(&self, client: &AppClient) -> Result<bool> {
        let done = sqlx::query("UPDATE clients SET body = $1 WHERE id = $2 AND pool_id = $3")
            .bind(to_json(client)?)
            .bind(&client.id)
            .bind(&client.pool_id)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        self.clients.invalidate(&client.id);
        Ok(done.rows_affected() == 1)
    }

    async fn delete_client(&self, pool_id: &str, id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM clients WHERE id = $1 AND pool_id = $2")
            .bind(id)
            .bind(pool_id)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        self.clients.invalidate(id);
        Ok(done.rows_affected() == 1)
    }
}
