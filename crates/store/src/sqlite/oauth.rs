//! Pool domains and resource servers in SQLite.

use std::sync::Arc;

use async_trait::async_trait;

use cognate_domain::model::{Pool, PoolDomain, ResourceServer};
use cognate_domain::store::OAuthStore;
use cognate_domain::StoreError;

use super::{backend, SqliteStore};
use crate::codec::{from_json, to_json};

type Result<T> = std::result::Result<T, StoreError>;

/// More than any pool has (Cognito's quota is 25).
const ALL_OF_A_POOL: u32 = 1000;

/// Saves the pool that names (or no longer names) a domain, in the domain's transaction.
async fn save_pool(tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>, pool: &Pool) -> Result<()> {
    sqlx::query("UPDATE pools SET body = ? WHERE id = ?")
        .bind(to_json(pool)?)
        .bind(&pool.id)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    Ok(())
}

#[async_trait]
impl OAuthStore for SqliteStore {
    async fn insert_domain(&self, domain: &PoolDomain, pool: &Pool) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        sqlx::query("INSERT INTO domains (domain, pool_id, body) VALUES (?, ?, ?)")
            .bind(&domain.domain)
            .bind(&domain.pool_id)
            .bind(to_json(domain)?)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        save_pool(&mut tx, pool).await?;
        tx.commit().await.map_err(backend)?;
        self.pools.invalidate(&pool.id);
        Ok(())
    }

    async fn get_domain(&self, domain: &str) -> Result<Option<PoolDomain>> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM domains WHERE domain = ?")
            .bind(domain)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        body.map(|b| from_json(&b)).transpose()
    }

    async fn update_domain(&self, domain: &PoolDomain) -> Result<bool> {
        let done = sqlx::query("UPDATE domains SET body = ? WHERE domain = ?")
            .bind(to_json(domain)?)
            .bind(&domain.domain)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_domain(&self, domain: &str, pool: &Pool) -> Result<bool> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let done = sqlx::query("DELETE FROM domains WHERE domain = ? AND pool_id = ?")
            .bind(domain)
            .bind(&pool.id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        save_pool(&mut tx, pool).await?;
        tx.commit().await.map_err(backend)?;
        self.pools.invalidate(&pool.id);
        Ok(true)
    }

    async fn insert_resource_server(&self, server: &ResourceServer) -> Result<()> {
        sqlx::query("INSERT INTO resource_servers (pool_id, identifier, body) VALUES (?, ?, ?)")
            .bind(&server.pool_id)
            .bind(&server.identifier)
            .bind(to_json(server)?)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        self.resource_servers.invalidate(&server.pool_id);
        Ok(())
    }

    async fn get_resource_server(&self, pool_id: &str, identifier: &str) -> Result<Option<ResourceServer>> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM resource_servers WHERE pool_id = ? AND identifier = ?")
                .bind(pool_id)
                .bind(identifier)
                .fetch_optional(&self.reader)
                .await
                .map_err(backend)?;
        body.map(|b| from_json(&b)).transpose()
    }

    async fn list_resource_servers(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ResourceServer>> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM resource_servers WHERE pool_id = ? AND identifier > ? ORDER BY identifier LIMIT ?",
        )
        .bind(pool_id)
        .bind(after.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        bodies.iter().map(|b| from_json(b)).collect()
    }

    async fn update_resource_server(&self, server: &ResourceServer) -> Result<bool> {
        let done = sqlx::query("UPDATE resource_servers SET body = ? WHERE pool_id = ? AND identifier = ?")
            .bind(to_json(server)?)
            .bind(&server.pool_id)
            .bind(&server.identifier)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        self.resource_servers.invalidate(&server.pool_id);
        Ok(done.rows_affected() == 1)
    }

    async fn delete_resource_server(&self, pool_id: &str, identifier: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM resource_servers WHERE pool_id = ? AND identifier = ?")
            .bind(pool_id)
            .bind(identifier)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        self.resource_servers.invalidate(pool_id);
        Ok(done.rows_affected() == 1)
    }

    async fn pool_resource_servers(&self, pool_id: &str) -> Result<Arc<Vec<ResourceServer>>> {
        let (cached, epoch) = self.resource_servers.get(pool_id);
        if let Some(servers) = cached {
            return Ok(servers);
        }
        let servers = Arc::new(self.list_resource_servers(pool_id, None, ALL_OF_A_POOL).await?);
        self.resource_servers.fill(pool_id, &servers, epoch);
        Ok(servers)
    }
}
