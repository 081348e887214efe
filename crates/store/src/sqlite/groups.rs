//! Groups and group membership in SQLite.

use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use cognate_domain::model::{Group, User};
use cognate_domain::store::GroupStore;
use cognate_domain::StoreError;

use super::users::{user_from_row, USER_COLUMNS};
use super::{backend, SqliteStore};

type Result<T> = std::result::Result<T, StoreError>;

const GROUP_COLUMNS: &str = "g.pool_id, g.name, g.description, g.precedence, g.role_arn, g.created, g.modified";

fn group_from_row(row: &SqliteRow) -> Result<Group> {
    Ok(Group {
        pool_id: row.try_get("pool_id").map_err(backend)?,
        name: row.try_get("name").map_err(backend)?,
        description: row.try_get("description").map_err(backend)?,
        precedence: row.try_get("precedence").map_err(backend)?,
        role_arn: row.try_get("role_arn").map_err(backend)?,
        created: row.try_get("created").map_err(backend)?,
        modified: row.try_get("modified").map_err(backend)?,
    })
}

#[async_trait]
impl GroupStore for SqliteStore {
    async fn insert_group(&self, g: &Group) -> Result<()> {
        sqlx::query(
            "INSERT INTO groups (pool_id, name, description, precedence, role_arn, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&g.pool_id)
        .bind(&g.name)
        .bind(&g.description)
        .bind(g.precedence)
        .bind(&g.role_arn)
        .bind(g.created)
        .bind(g.modified)
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn get_group(&self, pool_id: &str, name: &str) -> Result<Option<Group>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.pool_id = ? AND g.name = ?");
        let row = sqlx::query(&sql).bind(pool_id).bind(name).fetch_optional(&self.reader).await.map_err(backend)?;
        row.as_ref().map(group_from_row).transpose()
    }

    async fn update_group(&self, g: &Group) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE groups SET description = ?, precedence = ?, role_arn = ?, modified = ? WHERE pool_id = ? AND name = ?",
        )
        .bind(&g.description)
        .bind(g.precedence)
        .bind(&g.role_arn)
        .bind(g.modified)
        .bind(&g.pool_id)
        .bind(&g.name)
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_group(&self, pool_id: &str, name: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM groups WHERE pool_id = ? AND name = ?")
            .bind(pool_id)
            .bind(name)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_groups(&self, pool_id: &str, after: Option<&str>, limit: u32) -> Result<Vec<Group>> {
        let sql =
            format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.pool_id = ? AND g.name > ? ORDER BY g.name LIMIT ?");
        let rows = sqlx::query(&sql)
            .bind(pool_id)
            .bind(after.unwrap_or(""))
            .bind(limit)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(group_from_row).collect()
    }

    async fn add_user_to_group(&self, pool_id: &str, group: &str, sub: &str) -> Result<()> {
        sqlx::query("INSERT INTO user_groups (pool_id, group_name, sub) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            .bind(pool_id)
            .bind(group)
            .bind(sub)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn remove_user_from_group(&self, pool_id: &str, group: &str, sub: &str) -> Result<()> {
        sqlx::query("DELETE FROM user_groups WHERE pool_id = ? AND group_name = ? AND sub = ?")
            .bind(pool_id)
            .bind(group)
            .bind(sub)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn groups_for_user(&self, pool_id: &str, sub: &str) -> Result<Vec<Group>> {
        let mut conn = self.reader.acquire().await.map_err(backend)?;
        user_groups(&mut conn, pool_id, sub).await
    }

    async fn users_in_group(&self, pool_id: &str, group: &str, after: Option<&str>, limit: u32) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM user_groups m JOIN users u ON u.pool_id = m.pool_id AND u.sub = m.sub \
             WHERE m.pool_id = ? AND m.group_name = ? AND m.sub > ? ORDER BY m.sub LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(pool_id)
            .bind(group)
            .bind(after.unwrap_or(""))
            .bind(limit)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(user_from_row).collect()
    }
}

/// A user's groups, by precedence (lowest first, groups without one last), then name.
pub(super) async fn user_groups(conn: &mut sqlx::SqliteConnection, pool_id: &str, sub: &str) -> Result<Vec<Group>> {
    let sql = format!(
        "SELECT {GROUP_COLUMNS} FROM user_groups m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name \
         WHERE m.pool_id = ? AND m.sub = ? ORDER BY g.precedence IS NULL, g.precedence, g.name"
    );
    let rows = sqlx::query(&sql).bind(pool_id).bind(sub).fetch_all(conn).await.map_err(backend)?;
    rows.iter().map(group_from_row).collect()
}
