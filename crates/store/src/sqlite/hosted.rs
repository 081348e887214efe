//! The hosted pages' single-sign-on sessions in SQLite (rows of `sessions`, beside challenges
//! and authorization codes).

use async_trait::async_trait;

use cognate_domain::model::{
    AuthEvent, AuthSession, Group, RefreshTokenRecord, User, AUTHORIZATION_CODE, SPENT_AUTHORIZATION_CODE,
};
use cognate_domain::store::HostedStore;
use cognate_domain::StoreError;

use super::tokens::{insert_refresh_token, insert_session_row, SESSION_COLUMNS};
use super::{backend, SqliteStore};

type Result<T> = std::result::Result<T, StoreError>;

#[async_trait]
impl HostedStore for SqliteStore {
    async fn start_hosted_session(
        &self,
        session: &AuthSession,
        code: Option<&AuthSession>,
        event: Option<&AuthEvent>,
    ) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        insert_session_row(&mut tx, session).await?;
        if let Some(code) = code {
            insert_session_row(&mut tx, code).await?;
        }
        if let Some(event) = event {
            super::activity::insert_event(&mut tx, &session.pool_id, &session.sub, event).await?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn find_session(&self, digest: &str) -> Result<Option<(AuthSession, Option<User>)>> {
        let row = sqlx::query(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE digest = ?"))
            .bind(digest)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        self.with_user(row.as_ref()).await
    }

    async fn delete_session(&self, digest: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE digest = ?")
            .bind(digest)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn redeem_authorization_code(&self, code_digest: &str, r: &RefreshTokenRecord) -> Result<Option<Vec<Group>>> {
        // One writer: the code's update and the token's insert commit together or not at all.
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let spent = sqlx::query("UPDATE sessions SET challenge = ? WHERE digest = ? AND challenge = ?")
            .bind(SPENT_AUTHORIZATION_CODE)
            .bind(code_digest)
            .bind(AUTHORIZATION_CODE)
            .execute(&mut *tx)
            .await
            .map_err(backend)?
            .rows_affected();
        if spent == 0 {
            return Ok(None);
        }
        insert_refresh_token(&mut tx, r).await?;
        let groups = super::groups::user_groups(&mut tx, &r.pool_id, &r.sub).await?;
        tx.commit().await.map_err(backend)?;
        Ok(Some(groups))
    }
}
