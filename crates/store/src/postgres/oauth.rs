//! Pool domains and resource servers in PostgreSQL.

use std::sync::Arc;

use async_trait::async_trait;

use cognate_domain::model::{Pool, PoolDomain, ResourceServer};
use cognate_domain::store::OAuthStore;
use cognate_domain::StoreError;

use super::{backend, PostgresStore};
use crate::codec::{from_json, to_json};

type Result<T> = std::result::Result<T, StoreError>;

/// More than any pool has (Cognito's quota is 25).
const ALL_OF_A_POOL: u32 = 1000;

/// Saves the pool that names (or no longer names) a domain, in the domain's transaction.
async fn save_pool(tx: &mut sqlx::Transaction<'_, sqlx::Postgres>, pool: &Pool) -> Result<()> {
    sqlx::query("UPDATE pools SET body = $1 WHERE id = $2")
        .bind(to_json(pool)?)
        .bind(&pool.id)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    Ok(())
}

#[async_trait]
impl OAuthStore for PostgresStore {
    async fn insert_domain(&self, domain: &PoolDomain, pool: &Pool) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("INSERT INTO domains (domain, pool_id, body) VALUES ($1, $2, $3)")
            .bind(&domain.domain)
            .bind(&domain.pool_id)
            .bind(to_json(domain)?)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        save_pool(&mut tx, pool).await?;
        tx.commit().await.map_err(backend)?;
        self.pools.invalidate(&pool.id);
        self.domains.invalidate(&domain.domain);
        Ok(())
    }

    async fn get_domain(&self, domain: &str) -> Result<Option<PoolDomain>> {
        if let Some(known) = self.domains.get(domain) {
            return Ok(known);
        }
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM domains WHERE domain = $1")
            .bind(domain)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        let found: Option<PoolDomain> = body.map(|b| from_json(&b)).transpose()?;
        self.domains.put(domain, &found);
        Ok(found)
    }

    async fn update_domain(&self, domain: &PoolDomain) -> Result<bool> {
        let done = sqlx::query("UPDATE domains SET body = $1 WHERE domain = $2")
            .bind(to_json(domain)?)
            .bind(&domain.domain)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        self.domains.invalidate(&domain.domain);
        Ok(done.rows_affected() == 1)
    }

    async fn delete_domain(&self, domain: &str, pool: &Pool) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let done = sqlx::query("DELETE FROM domains WHERE domain = $1 AND pool_id = $2")
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
        self.domains.invalidate(domain);
        Ok(true)
    }

    async fn insert_resource_server(&self, server: &ResourceServer) -> Result<()> {
        sqlx::query("INSERT INTO resource_servers (pool_id, identifier, body) VALUES ($1, $2, $3)")
            .bind(&server.pool_id)
            .bind(&server.identifier)
            .bind(to_json(server)?)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        self.resource_servers.invalidate(&server.pool_id);
        Ok(())
    }

    async fn get_resource_server(&self, pool_id: &str, identifier: &str) -> Result<Option<ResourceServer>> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM resource_servers WHERE pool_id = $1 AND identifier = $2")
                .bind(pool_id)
                .bind(identifier)
                .fetch_optional(&self.pool)
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
            "SELECT body FROM resource_servers WHERE pool_id = $1 AND identifier > $2 ORDER BY identifier LIMIT $3",
        )
        .bind(pool_id)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        bodies.iter().map(|b| from_json(b)).collect()
    }

    async fn update_resource_server(&self, server: &ResourceServer) -> Result<bool> {
        let done = sqlx::query("UPDATE resource_servers SET body = $1 WHERE pool_id = $2 AND identifier = $3")
            .bind(to_json(server)?)
            .bind(&server.pool_id)
            .bind(&server.identifier)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        self.resource_servers.invalidate(&server.pool_id);
        Ok(done.rows_affected() == 1)
    }

    async fn delete_resource_server(&self, pool_id: &str, identifier: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM resource_servers WHERE pool_id = $1 AND identifier = $2")
            .bind(pool_id)
            .bind(identifier)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        self.resource_servers.invalidate(pool_id);
        Ok(done.rows_affected() == 1)
    }

    async fn pool_resource_servers(&self, pool_id: &str) -> Result<Arc<Vec<ResourceServer>>> {
        if let Some(servers) = self.resource_servers.get(pool_id) {
            return Ok(servers);
        }
        let servers = Arc::new(self.list_resource_servers(pool_id, None, ALL_OF_A_POOL).await?);
        self.resource_servers.put(pool_id, &servers);
        Ok(servers)
    }
}
