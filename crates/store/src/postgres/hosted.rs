//! The hosted pages' single-sign-on sessions in PostgreSQL (rows of `sessions`, beside
//! challenges and authorization codes).

use async_trait::async_trait;

use sqlx::Row;

use cognate_domain::model::{
    AuthEvent, AuthSession, Group, RefreshTokenRecord, User, AUTHORIZATION_CODE, SPENT_AUTHORIZATION_CODE,
};
use cognate_domain::store::HostedStore;
use cognate_domain::StoreError;

use super::groups::{group_from_row, GROUP_COLUMNS};
use super::tokens::{
    bind_refresh_token, session_with_user_from_row, REFRESH_TOKEN_COLUMNS, REFRESH_TOKEN_VALUES, SESSION_JOINED_COLUMNS,
};
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

    async fn redeem_authorization_code(&self, code_digest: &str, r: &RefreshTokenRecord) -> Result<Option<Vec<Group>>> {
        // One statement: the code is spent only if it is still unspent (of two exchanges, the
        // second waits for the first's row lock and then finds it spent), the refresh token is
        // stored only if it was, and the groups come back on one row at least (a LEFT JOIN from
        // a single row says whether the code was spent even for a user in no group).
        let sql = format!(
            "WITH spent AS (UPDATE sessions SET challenge = $12 WHERE digest = $11 AND challenge = $13 RETURNING digest), \
                  token AS (INSERT INTO refresh_tokens ({REFRESH_TOKEN_COLUMNS}) SELECT {REFRESH_TOKEN_VALUES} FROM spent) \
             SELECT EXISTS (SELECT 1 FROM spent) AS code_spent, {GROUP_COLUMNS} \
             FROM (SELECT 1) AS one \
             LEFT JOIN (user_groups m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name) \
                    ON m.pool_id = $2 AND m.sub = $4 \
             ORDER BY g.precedence IS NULL, g.precedence, g.name"
        );
        let rows = bind_refresh_token(sqlx::query(&sql), r)
            .bind(code_digest)
            .bind(SPENT_AUTHORIZATION_CODE)
            .bind(AUTHORIZATION_CODE)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        let spent = match rows.first() {
            Some(row) => row.try_get::<bool, _>("code_spent").map_err(backend)?,
            None => false,
        };
        if !spent {
            return Ok(None);
        }
        let mut groups = Vec::with_capacity(rows.len());
        for row in &rows {
            if row.try_get::<Option<String>, _>("name").map_err(backend)?.is_some() {
                groups.push(group_from_row(row)?);
            }
        }
        Ok(Some(groups))
    }
}
