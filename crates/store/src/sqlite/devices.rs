//! Users' confirmed devices in SQLite.

use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use cognate_domain::model::Device;
use cognate_domain::store::DeviceStore;
use cognate_domain::{StoreError, UnixTime};

use super::{backend, SqliteStore};

type Result<T> = std::result::Result<T, StoreError>;

const DEVICE_COLUMNS: &str =
    "pool_id, device_key, sub, group_key, name, salt, verifier, remembered, created, modified, last_authenticated";

fn device_from_row(row: &SqliteRow) -> Result<Device> {
    Ok(Device {
        pool_id: row.try_get("pool_id").map_err(backend)?,
        key: row.try_get("device_key").map_err(backend)?,
        sub: row.try_get("sub").map_err(backend)?,
        group_key: row.try_get("group_key").map_err(backend)?,
        name: row.try_get("name").map_err(backend)?,
        salt: row.try_get("salt").map_err(backend)?,
        verifier: row.try_get("verifier").map_err(backend)?,
        remembered: row.try_get("remembered").map_err(backend)?,
        created: row.try_get("created").map_err(backend)?,
        modified: row.try_get("modified").map_err(backend)?,
        last_authenticated: row.try_get("last_authenticated").map_err(backend)?,
    })
}

#[async_trait]
impl DeviceStore for SqliteStore {
    async fn insert_device(&self, d: &Device) -> Result<()> {
        let sql = format!("INSERT INTO devices ({DEVICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        sqlx::query(&sql)
            .bind(&d.pool_id)
            .bind(&d.key)
            .bind(&d.sub)
            .bind(&d.group_key)
            .bind(&d.name)
            .bind(&d.salt)
            .bind(&d.verifier)
            .bind(d.remembered)
            .bind(d.created)
            .bind(d.modified)
            .bind(d.last_authenticated)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn get_device(&self, pool_id: &str, key: &str) -> Result<Option<Device>> {
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE pool_id = ? AND device_key = ?");
        let row = sqlx::query(&sql).bind(pool_id).bind(key).fetch_optional(&self.reader).await.map_err(backend)?;
        row.as_ref().map(device_from_row).transpose()
    }

    async fn list_devices(&self, pool_id: &str, sub: &str, after: Option<&str>, limit: u32) -> Result<Vec<Device>> {
        let sql = format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE pool_id = ? AND sub = ? AND device_key > ? \
             ORDER BY device_key LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(pool_id)
            .bind(sub)
            .bind(after.unwrap_or(""))
            .bind(limit)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(device_from_row).collect()
    }

    async fn set_device_remembered(
        &self,
        pool_id: &str,
        sub: &str,
        key: &str,
        remembered: bool,
        now: UnixTime,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE devices SET remembered = ?, modified = ? WHERE pool_id = ? AND device_key = ? AND sub = ?",
        )
        .bind(remembered)
        .bind(now)
        .bind(pool_id)
        .bind(key)
        .bind(sub)
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn device_authenticated(&self, pool_id: &str, key: &str, now: UnixTime) -> Result<()> {
        sqlx::query("UPDATE devices SET last_authenticated = ? WHERE pool_id = ? AND device_key = ?")
            .bind(now)
            .bind(pool_id)
            .bind(key)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn delete_device(&self, pool_id: &str, sub: &str, key: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM devices WHERE pool_id = ? AND device_key = ? AND sub = ?")
            .bind(pool_id)
            .bind(key)
            .bind(sub)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }
}
