//! The delivery queue in SQLite: one writer, so a claim is a single UPDATE … RETURNING.

use async_trait::async_trait;
use sqlx::Row;

use cognate_domain::model::QueuedMessage;
use cognate_domain::store::OutboundStore;
use cognate_domain::{StoreError, UnixTime};

use super::{backend, SqliteStore};

type Result<T> = std::result::Result<T, StoreError>;

const COLUMNS: &str = "id, pool_id, created, due, attempts, body";

/// Queues `messages` inside a caller's transaction.
pub(super) async fn enqueue(tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>, messages: &[QueuedMessage]) -> Result<()> {
    for m in messages {
        sqlx::query(
            "INSERT INTO outbound_messages (id, pool_id, created, due, attempts, body) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&m.id)
        .bind(&m.pool_id)
        .bind(m.created)
        .bind(m.due)
        .bind(i64::from(m.attempts))
        .bind(&m.sealed)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    }
    Ok(())
}

fn message_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<QueuedMessage> {
    let attempts: i64 = row.try_get("attempts").map_err(backend)?;
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
impl OutboundStore for SqliteStore {
    async fn enqueue_messages(&self, messages: &[QueuedMessage]) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        enqueue(&mut tx, messages).await?;
        tx.commit().await.map_err(backend)
    }

    async fn claim_messages(&self, now: UnixTime, lease_until: UnixTime, limit: u32) -> Result<Vec<QueuedMessage>> {
        let rows = sqlx::query(&format!(
            "UPDATE outbound_messages SET due = ?, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM outbound_messages WHERE due <= ? ORDER BY due, id LIMIT ?) RETURNING {COLUMNS}"
        ))
        .bind(lease_until)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.writer)
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
        let marks = vec!["?"; ids.len()].join(", ");
        let sql = format!("DELETE FROM outbound_messages WHERE id IN ({marks})");
        let mut delete = sqlx::query(&sql);
        for id in ids {
            delete = delete.bind(id);
        }
        delete.execute(&self.writer).await.map_err(backend)?;
        Ok(())
    }

    async fn retry_message(&self, id: &str, due: UnixTime, error: &str) -> Result<()> {
        sqlx::query("UPDATE outbound_messages SET due = ?, last_error = ? WHERE id = ?")
            .bind(due)
            .bind(error)
            .bind(id)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn queue_depth(&self) -> Result<(i64, Option<UnixTime>)> {
        let row = sqlx::query("SELECT COUNT(*) AS n, MIN(created) AS oldest FROM outbound_messages")
            .fetch_one(&self.reader)
            .await
            .map_err(backend)?;
        Ok((row.try_get("n").map_err(backend)?, row.try_get("oldest").map_err(backend)?))
    }
}
