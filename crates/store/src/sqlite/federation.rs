//! External identity providers in SQLite: the provider as a JSON body, its IdpIdentifiers
//! in their own table so that a lookup by identifier is one indexed read.

use async_trait::async_trait;
use sqlx::{Sqlite, Transaction};

use cognate_domain::model::IdentityProvider;
use cognate_domain::store::FederationStore;
use cognate_domain::StoreError;

use super::{backend, SqliteStore};
use crate::codec::{from_json, to_json};

type Result<T> = std::result::Result<T, StoreError>;

/// A unique violation as the conflict the trait names (`what`), anything else as it is.
fn taken(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |err| match backend(err) {
        StoreError::Conflict(_) => StoreError::Conflict(what.into()),
        other => other,
    }
}

async fn insert_identifiers(tx: &mut Transaction<'_, Sqlite>, provider: &IdentityProvider) -> Result<()> {
    for identifier in &provider.idp_identifiers {
        sqlx::query("INSERT INTO idp_identifiers (pool_id, identifier, name) VALUES (?, ?, ?)")
            .bind(&provider.pool_id)
            .bind(identifier)
            .bind(&provider.name)
            .execute(&mut **tx)
            .await
            .map_err(taken("identifier"))?;
    }
    Ok(())
}

#[async_trait]
impl FederationStore for SqliteStore {
    async fn insert_identity_provider(&self, provider: &IdentityProvider) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        sqlx::query("INSERT INTO identity_providers (pool_id, name, body) VALUES (?, ?, ?)")
            .bind(&provider.pool_id)
            .bind(&provider.name)
            .bind(to_json(provider)?)
            .execute(&mut *tx)
            .await
            .map_err(taken("name"))?;
        insert_identifiers(&mut tx, provider).await?;
        tx.commit().await.map_err(backend)
    }

    async fn get_identity_provider(&self, pool_id: &str, name: &str) -> Result<Option<IdentityProvider>> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM identity_providers WHERE pool_id = ? AND name = ?")
                .bind(pool_id)
                .bind(name)
                .fetch_optional(&self.reader)
                .await
                .map_err(backend)?;
        body.map(|b| from_json(&b)).transpose()
    }

    async fn identity_provider_by_identifier(
        &self,
        pool_id: &str,
        identifier: &str,
    ) -> Result<Option<IdentityProvider>> {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT p.body FROM idp_identifiers i JOIN identity_providers p ON p.pool_id = i.pool_id AND p.name = i.name \
             WHERE i.pool_id = ? AND i.identifier = ?",
        )
        .bind(pool_id)
        .bind(identifier)
        .fetch_optional(&self.reader)
        .await
        .map_err(backend)?;
        body.map(|b| from_json(&b)).transpose()
    }

    async fn list_identity_providers(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<IdentityProvider>> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM identity_providers WHERE pool_id = ? AND name > ? ORDER BY name LIMIT ?",
        )
        .bind(pool_id)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        bodies.iter().map(|b| from_json(b)).collect()
    }

    async fn update_identity_provider(&self, provider: &IdentityProvider) -> Result<bool> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let done = sqlx::query("UPDATE identity_providers SET body = ? WHERE pool_id = ? AND name = ?")
            .bind(to_json(provider)?)
            .bind(&provider.pool_id)
            .bind(&provider.name)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM idp_identifiers WHERE pool_id = ? AND name = ?")
            .bind(&provider.pool_id)
            .bind(&provider.name)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        insert_identifiers(&mut tx, provider).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn delete_identity_provider(&self, pool_id: &str, name: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM identity_providers WHERE pool_id = ? AND name = ?")
            .bind(pool_id)
            .bind(name)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }
}
