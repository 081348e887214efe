//! The hosted pages' single-sign-on sessions in PostgreSQL (rows of `sessions`, beside
//! challenges and authorization codes).

use async_trait::async_trait;

use cognate_domain::model::{AuthEvent, AuthSession, User};
use cognate_domain::store::HostedStore;
use cognate_domain::StoreError;

use super::tokens::{session_with_user_from_row, SESSION_JOINED_COLUMNS};
use super::users::USER_COLUMNS;
use super::{backend, PostgresStore};

type Result<T> = std::result::Result<T, StoreError>;

#[async_trait]
impl HostedStore for PostgresStore {
    async fn start_hosted_session(
        &self,
        session: &AuthSession,
        code: Option<&AuthSession>,
        event: Option<&AuthEvent>,
    ) -> Result<()> {
        // One statement, one round trip: the session, the code and the event are inserted by
        // data-modifying CTEs in the statement's own transaction; expired sessions are swept.
        let body = event.map(serde_json::to_string).transpose().map_err(|e| StoreError::Backend(e.to_string()))?;
        sqlx::query(
            "WITH swept AS (DELETE FROM sessions WHERE expires < $8), \
                  sso AS (INSERT INTO sessions (digest, pool_id, client_id, sub, challenge, expires, data) \
                          VALUES ($1, $2, $3, $4, $5, $6, $7)), \
                  code AS (INSERT INTO sessions (digest, pool_id, client_id, sub, challenge, expires, data) \
                           SELECT $9, $2, $10, $4, $11, $12, $13 WHERE $9::text IS NOT NULL), \
                  event AS (INSERT INTO auth_events (pool_id, sub, event_id, created, body) \
                            SELECT $2, $4, $14, $15, $16 WHERE $16::text IS NOT NULL) \
             SELECT 1",
        )
        .bind(&session.digest)
        .bind(&session.pool_id)
        .bind(&session.client_id)
        .bind(&session.sub)
        .bind(&session.challenge)
        .bind(session.expires)
        .bind(&session.data)
        .bind(session.expires - 3600)
        .bind(code.map(|c| c.digest.as_str()))
        .bind(code.map(|c| c.client_id.as_str()))
        .bind(code.map(|c| c.challenge.as_str()))
        .bind(code.map(|c| c.expires))
        .bind(code.map(|c| c.data.as_str()))
        .bind(event.map(|e| e.event_id.as_str()))
        .bind(event.map(|e| e.created))
        .bind(body)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn find_session(&self, digest: &str) -> Result<Option<(AuthSession, Option<User>)>> {
        // One round trip: the session with its user.
        let sql = format!(
            "SELECT {SESSION_JOINED_COLUMNS}, {USER_COLUMNS} \
             FROM sessions t LEFT JOIN users u ON u.pool_id = t.pool_id AND u.sub = t.sub WHERE t.digest = $1"
        );
        let row = sqlx::query(&sql).bind(digest).fetch_optional(&self.pool).await.map_err(backend)?;
        row.as_ref().map(session_with_user_from_row).transpose()
    }

    async fn delete_session(&self, digest: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE digest = $1")
            .bind(digest)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
