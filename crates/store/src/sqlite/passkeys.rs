//! Users' passkeys in SQLite.

use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use cognate_domain::model::Passkey;
use cognate_domain::store::PasskeyStore;
use cognate_domain::{StoreError, UnixTime};

use super::{backend, SqliteStore};
use crate::codec::{from_json, to_json};

type Result<T> = std::result::Result<T, StoreError>;

const PASSKEY_COLUMNS: &str = "pool_id, credential_id, sub, relying_party_id, name, attachment, transports, \
                               credential, sign_count, created, last_used";

fn passkey_from_row(row: &SqliteRow) -> Result<Passkey> {
    let transports: String = row.try_get("transports").map_err(backend)?;
    let sign_count: i64 = row.try_get("sign_count").map_err(backend)?;
    Ok(Passkey {
        pool_id: row.try_get("pool_id").map_err(backend)?,
        credential_id: row.try_get("credential_id").map_err(backend)?,
        sub: row.try_get("sub").map_err(backend)?,
        relying_party_id: row.try_get("relying_party_id").map_err(backend)?,
        name: row.try_get("name").map_err(backend)?,
        attachment: row.try_get("attachment").map_err(backend)?,
        transports: from_json(&transports)?,
        credential: row.try_get("credential").map_err(backend)?,
        sign_count: u32::try_from(sign_count).map_err(|e| StoreError::Backend(e.to_string()))?,
        created: row.try_get("created").map_err(backend)?,
        last_used: row.try_get("last_used").map_err(backend)?,
    })
}

#[async_trait]
impl PasskeyStore for SqliteStore {
    async fn insert_passkey(&self, p: &Passkey, cap: u32) -> Result<bool> {
        // One statement: the count and the insert cannot be split by another writer.
        let sql = format!(
            "INSERT INTO passkeys ({PASSKEY_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? \
             WHERE (SELECT COUNT(*) FROM passkeys WHERE pool_id = ? AND sub = ?) < ?"
        );
        let done = sqlx::query(&sql)
            .bind(&p.pool_id)
            .bind(&p.credential_id)
            .bind(&p.sub)
            .bind(&p.relying_party_id)
            .bind(&p.name)
            .bind(&p.attachment)
            .bind(to_json(&p.transports)?)
            .bind(&p.credential)
            .bind(i64::from(p.sign_count))
            .bind(p.created)
            .bind(p.last_used)
            .bind(&p.pool_id)
            .bind(&p.sub)
            .bind(i64::from(cap))
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn get_passkey(&self, pool_id: &str, sub: &str, credential_id: &str) -> Result<Option<Passkey>> {
        let sql = format!("SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE pool_id = ? AND credential_id = ? AND sub = ?");
        let row = sqlx::query(&sql)
            .bind(pool_id)
            .bind(credential_id)
            .bind(sub)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(passkey_from_row).transpose()
    }

    async fn list_passkeys(&self, pool_id: &str, sub: &str, after: Option<&str>, limit: u32) -> Result<Vec<Passkey>> {
        let sql = format!(
            "SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE pool_id = ? AND sub = ? AND credential_id > ? \
             ORDER BY credential_id LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(pool_id)
            .bind(sub)
            .bind(after.unwrap_or(""))
            .bind(limit)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(passkey_from_row).collect()
    }

    async fn passkey_used(
        &self,
        pool_id: &str,
        sub: &str,
        credential_id: &str,
        count: u32,
        now: UnixTime,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE passkeys SET sign_count = ?, last_used = ? \
             WHERE pool_id = ? AND credential_id = ? AND sub = ? AND (sign_count < ? OR (sign_count = 0 AND ? = 0))",
        )
        .bind(i64::from(count))
        .bind(now)
        .bind(pool_id)
        .bind(credential_id)
        .bind(sub)
        .bind(i64::from(count))
        .bind(i64::from(count))
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_passkey(&self, pool_id: &str, sub: &str, credential_id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM passkeys WHERE pool_id = ? AND credential_id = ? AND sub = ?")
            .bind(pool_id)
            .bind(credential_id)
            .bind(sub)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }
}
