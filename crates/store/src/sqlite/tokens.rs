//! Refresh tokens and challenge sessions in SQLite.

use async_trait::async_trait;
use sqlx::Row;

use cognate_domain::model::{AuthSession, RefreshTokenRecord};
use cognate_domain::store::TokenStore;
use cognate_domain::StoreError;

use super::{backend, SqliteStore};

type Result<T> = std::result::Result<T, StoreError>;

#[async_trait]
impl TokenStore for SqliteStore {
    async fn insert_refresh_token(&self, r: &RefreshTokenRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO refresh_tokens (digest, pool_id, client_id, sub, origin_jti, auth_time, expires, revoked) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&r.digest)
        .bind(&r.pool_id)
        .bind(&r.client_id)
        .bind(&r.sub)
        .bind(&r.origin_jti)
        .bind(r.auth_time)
        .bind(r.expires)
        .bind(r.revoked)
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn find_refresh_token(&self, digest: &str) -> Result<Option<RefreshTokenRecord>> {
        let row = sqlx::query(
            "SELECT digest, pool_id, client_id, sub, origin_jti, auth_time, expires, revoked FROM refresh_tokens WHERE digest = ?",
        )
        .bind(digest)
        .fetch_optional(&self.reader)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(RefreshTokenRecord {
            digest: row.try_get("digest").map_err(backend)?,
            pool_id: row.try_get("pool_id").map_err(backend)?,
            client_id: row.try_get("client_id").map_err(backend)?,
            sub: row.try_get("sub").map_err(backend)?,
            origin_jti: row.try_get("origin_jti").map_err(backend)?,
            auth_time: row.try_get("auth_time").map_err(backend)?,
            expires: row.try_get("expires").map_err(backend)?,
            revoked: row.try_get("revoked").map_err(backend)?,
        }))
    }

    async fn insert_session(&self, s: &AuthSession) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        // Abandoned challenges are swept as new ones arrive; the index keeps this cheap.
        sqlx::query("DELETE FROM sessions WHERE expires < ?")
            .bind(s.expires - 3600)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        sqlx::query(
            "INSERT INTO sessions (digest, pool_id, client_id, sub, challenge, expires) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&s.digest)
        .bind(&s.pool_id)
        .bind(&s.client_id)
        .bind(&s.sub)
        .bind(&s.challenge)
        .bind(s.expires)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn take_session(&self, digest: &str) -> Result<Option<AuthSession>> {
        let row = sqlx::query(
            "DELETE FROM sessions WHERE digest = ? RETURNING digest, pool_id, client_id, sub, challenge, expires",
        )
        .bind(digest)
        .fetch_optional(&self.writer)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(AuthSession {
            digest: row.try_get("digest").map_err(backend)?,
            pool_id: row.try_get("pool_id").map_err(backend)?,
            client_id: row.try_get("client_id").map_err(backend)?,
            sub: row.try_get("sub").map_err(backend)?,
            challenge: row.try_get("challenge").map_err(backend)?,
            expires: row.try_get("expires").map_err(backend)?,
        }))
    }
}
