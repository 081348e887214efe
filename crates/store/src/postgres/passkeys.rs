//! Users' passkeys in PostgreSQL.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::Row;

use cognate_domain::model::Passkey;
use cognate_domain::store::PasskeyStore;
use cognate_domain::{StoreError, UnixTime};

use super::{backend, PostgresStore};
use crate::codec::{from_json, to_json};

type Result<T> = std::result::Result<T, StoreError>;

const PASSKEY_COLUMNS: &str = "pool_id, credential_id, sub, relying_party_id, name, attachment, transports, \
                               credential, sign_count, created, last_used";

fn passkey_from_row(row: &PgRow) -> Result<Passkey> {
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
impl PasskeyStore for PostgresStore {
    async fn insert_passkey(&self, p: &Passkey, cap: u32) -> Result<bool> {
        // The user's row locked first: two registrations at once count one after the other.
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let count: Option<i64> = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM passkeys WHERE pool_id = $1 AND sub = $2) \
             FROM users WHERE pool_id = $1 AND sub = $2 FOR UPDATE",
        )
        .bind(&p.pool_id)
        .bind(&p.sub)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        if count.is_none_or(|n| n >= i64::from(cap)) {
            return Ok(false);
        }
        let sql =
            format!("INSERT INTO passkeys ({PASSKEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
        sqlx::query(&sql)
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
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn get_passkey(&self, pool_id: &str, sub: &str, credential_id: &str) -> Result<Option<Passkey>> {
        let sql =
            format!("SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE pool_id = $1 AND credential_id = $2 AND sub = $3");
        let row = sqlx::query(&sql)
            .bind(pool_id)
            .bind(credential_id)
            .bind(sub)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(passkey_from_row).transpose()
    }

    async fn list_passkeys(&self, pool_id: &str, sub: &str, after: Option<&str>, limit: u32) -> Result<Vec<Passkey>> {
        let sql = format!(
            "SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE pool_id = $1 AND sub = $2 AND credential_id > $3 \
             ORDER BY credential_id LIMIT $4"
        );
        let rows = sqlx::query(&sql)
            .bind(pool_id)
            .bind(sub)
            .bind(after.unwrap_or(""))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
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
            "UPDATE passkeys SET sign_count = $1, last_used = $2 \
             WHERE pool_id = $3 AND credential_id = $4 AND sub = $5 AND (sign_count < $1 OR (sign_count = 0 AND $1 = 0))",
        )
        .bind(i64::from(count))
        .bind(now)
        .bind(pool_id)
        .bind(credential_id)
        .bind(sub)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_passkey(&self, pool_id: &str, sub: &str, credential_id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM passkeys WHERE pool_id = $1 AND credential_id = $2 AND sub = $3")
            .bind(pool_id)
            .bind(credential_id)
            .bind(sub)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }
}
