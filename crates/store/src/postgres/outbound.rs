//! The delivery queue in PostgreSQL: a claim locks its rows and skips those another instance
//! holds, so that each message is sent by one instance.

use async_trait::async_trait;
use sqlx::Row;

use cognate_domain::model::QueuedMessage;
use cognate_domain::store::OutboundStore;
use cognate_domain::{StoreError, UnixTime};

use super::{backend, PostgresStore};

type Result<T> = std::result::Result<T, StoreError>;

/// Queues `messages` inside a caller's transaction.
pub(super) async fn enqueue(tx: &mut sqlx::Transaction<'_, sqlx::Postgres>, messages: &[QueuedMessage]) -> Result<()> {
    for m in messages {
        sqlx::query(
            "INSERT INTO outbound_messages (id, pool_id, created, due, attempts, body) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&m.id)
        .bind(&m.pool_id)
        .bind(m.created)
        .bind(m.due)
        .bind(i32::try_from(m.attempts).unwrap_or(i32::MAX))
        .bind(&m.sealed)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    }
    Ok(())
}

fn message_from_row(row: &sqlx::postgres::PgRow) -> Result<QueuedMessage> {
    let attempts: i32 = row.try_get("attempts").map_err(backend)?;
    Ok(QueuedMessage {
        id: row.try_get("id").map_err(backend)?,
        pool_id: row.try_get("pool_id").map_err(backend)?,
        created: row.try_get("created").map_err(backend)?,
        due: row.try_get("due").map_err(backend)?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        sealed: row.try_get("body").map_err(backend)?,
    })
}

#[async_trait]
impl OutboundStore for PostgresStore {
    async fn enqueue_messages(&self, messages: &[QueuedMessage]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        enqueue(&mut tx, messages).await?;
        tx.commit().await.map_err(backend)
    }

    async fn claim_messages(&self, now: UnixTime, lease_until: UnixTime, limit: u32) -> Result<Vec<QueuedMessage>> {
        let rows = sqlx::query(
            "UPDATE outbound_messages m SET due = $1, attempts = m.attempts + 1 FROM \
             (SELECT id FROM outbound_messages WHERE due <= $2 ORDER BY due, id LIMIT $3 FOR UPDATE SKIP LOCKED) taken \
             WHERE m.id = taken.id RETURNING m.id, m.pool_id, m.created, m.due, m.attempts, m.body",
        )
        .bind(lease_until)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        let mut messages = rows.iter().map(message_from_row).collect::<Result<Vec<_>>>()?;
        messages.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(messages)
    }

    async fn finish_messages(&self, ids: &[String]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        sqlx::query("DELETE FROM outbound_messages WHERE id = ANY($1)")
            .bind(ids)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn retry_message(&self, id: &str, due: UnixTime, error: &str) -> Result<()> {
        sqlx::query("UPDATE outbound_messages SET due = $1, last_error = $2 WHERE id = $3")
            .bind(due)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn queue_depth(&self) -> Result<(i64, Option<UnixTime>)> {
        let row = sqlx::query("SELECT COUNT(*) AS n, MIN(created) AS oldest FROM outbound_messages")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok((row.try_get("n").map_err(backend)?, row.try_get("oldest").map_err(backend)?))
    }
}
