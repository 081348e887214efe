//! Groups and group membership in PostgreSQL.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::Row;

use cognate_domain::model::{Group, User};
use cognate_domain::store::GroupStore;
use cognate_domain::StoreError;

use super::users::{user_from_row, USER_COLUMNS};
use super::{backend, PostgresStore};

type Result<T> = std::result::Result<T, StoreError>;

pub(super) const GROUP_COLUMNS: &str =
    "g.pool_id, g.name, g.description, g.precedence, g.role_arn, g.created, g.modified";

pub(super) fn group_from_row(row: &PgRow) -> Result<Group> {
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
impl GroupStore for PostgresStore {
    async fn insert_group(&self, g: &Group) -> Result<()> {
        sqlx::query(
            "INSERT INTO groups (pool_id, name, description, precedence, role_arn, created, modified) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&g.pool_id)
        .bind(&g.name)
        .bind(&g.description)
        .bind(g.precedence)
        .bind(&g.role_arn)
        .bind(g.created)
        .bind(g.modified)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn get_group(&self, pool_id: &str, name: &str) -> Result<Option<Group>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.pool_id = $1 AND g.name = $2");
        let row = sqlx::query(&sql).bind(pool_id).bind(name).fetch_optional(&self.pool).await.map_err(backend)?;
        row.as_ref().map(group_from_row).transpose()
    }

    async fn update_group(&self, g: &Group) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE groups SET description = $1, precedence = $2, role_arn = $3, modified = $4 WHERE pool_id = $5 AND name = $6",
        )
        .bind(&g.description)
        .bind(g.precedence)
        .bind(&g.role_arn)
        .bind(g.modified)
        .bind(&g.pool_id)
        .bind(&g.name)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_group(&self, pool_id: &str, name: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM groups WHERE pool_id = $1 AND name = $2")
            .bind(pool_id)
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_groups(&self, pool_id: &str, after: Option<&str>, limit: u32) -> Result<Vec<Group>> {
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM groups g WHERE g.pool_id = $1 AND g.name > $2 ORDER BY g.name LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(pool_id)
            .bind(after.unwrap_or(""))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(group_from_row).collect()
    }

    async fn add_user_to_group(&self, pool_id: &str, group: &str, sub: &str) -> Result<()> {
        sqlx::query("INSERT INTO user_groups (pool_id, group_name, sub) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(pool_id)
            .bind(group)
            .bind(sub)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn remove_user_from_group(&self, pool_id: &str, group: &str, sub: &str) -> Result<()> {
        sqlx::query("DELETE FROM user_groups WHERE pool_id = $1 AND group_name = $2 AND sub = $3")
            .bind(pool_id)
            .bind(group)
            .bind(sub)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn groups_for_user(&self, pool_id: &str, sub: &str) -> Result<Vec<Group>> {
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM user_groups m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name \
             WHERE m.pool_id = $1 AND m.sub = $2 ORDER BY g.precedence IS NULL, g.precedence, g.name"
        );
        let rows = sqlx::query(&sql).bind(pool_id).bind(sub).fetch_all(&self.pool).await.map_err(backend)?;
        rows.iter().map(group_from_row).collect()
    }

    async fn users_in_group(&self, pool_id: &str, group: &str, after: Option<&str>, limit: u32) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM user_groups m JOIN users u ON u.pool_id = m.pool_id AND u.sub = m.sub \
             WHERE m.pool_id = $1 AND m.group_name = $2 AND m.sub > $3 ORDER BY m.sub LIMIT $4"
        );
        let rows = sqlx::query(&sql)
            .bind(pool_id)
            .bind(group)
            .bind(after.unwrap_or(""))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(user_from_row).collect()
    }
}
