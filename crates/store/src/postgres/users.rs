//! Users, their sign-in names and one-time codes in PostgreSQL. A code is redeemed under a row
//! lock, so two instances trying the same code at once give exactly one success.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Row, Transaction};

use cognate_domain::model::{CodeOutcome, QueuedMessage, SrpVerifier, StoredCode, User, UserStatus};
use cognate_domain::store::UserStore;
use cognate_domain::{StoreError, UnixTime};

use super::outbound::enqueue;
use super::{backend, corrupt, PostgresStore};

use crate::codec::{digests_equal, from_json, to_json};

type Result<T> = std::result::Result<T, StoreError>;

pub(crate) const USER_COLUMNS: &str =
    "u.pool_id, u.sub, u.username, u.status, u.enabled, u.password_hash, u.attributes, \
     u.created, u.modified, u.temp_expires, u.failed_sign_ins, u.locked_until, u.pending, u.srp_salt, u.srp_verifier, u.mfa";

pub(crate) fn user_from_row(row: &PgRow) -> Result<User> {
    let status: String = row.try_get("status").map_err(backend)?;
    let attributes: String = row.try_get("attributes").map_err(backend)?;
    let pending: String = row.try_get("pending").map_err(backend)?;
    let failures: i64 = row.try_get("failed_sign_ins").map_err(backend)?;
    Ok(User {
        pool_id: row.try_get("pool_id").map_err(backend)?,
        sub: row.try_get("sub").map_err(backend)?,
        username: row.try_get("username").map_err(backend)?,
        status: UserStatus::parse(&status).ok_or_else(|| corrupt(format!("unknown status {status}")))?,
        enabled: row.try_get("enabled").map_err(backend)?,
        password_hash: row.try_get("password_hash").map_err(backend)?,
        attributes: serde_json::from_str(&attributes).map_err(corrupt)?,
        created: row.try_get("created").map_err(backend)?,
        modified: row.try_get("modified").map_err(backend)?,
        temporary_password_expires: row.try_get("temp_expires").map_err(backend)?,
        failed_sign_ins: u32::try_from(failures).unwrap_or(u32::MAX),
        locked_until: row.try_get("locked_until").map_err(backend)?,
        pending: serde_json::from_str(&pending).map_err(corrupt)?,
        srp: match (row.try_get("srp_salt").map_err(backend)?, row.try_get("srp_verifier").map_err(backend)?) {
            (Some(salt), Some(sealed)) => Some(SrpVerifier { salt, sealed }),
            _ => None,
        },
        mfa: from_json(&row.try_get::<String, _>("mfa").map_err(backend)?)?,
    })
}

/// The user of a row that LEFT JOINs `users u` and selects `u.sub IS NOT NULL AS user_found`
/// beside [`USER_COLUMNS`]: `None` when there was no such user.
pub(crate) fn joined_user_from_row(row: &PgRow) -> Result<Option<User>> {
    let found: bool = row.try_get("user_found").map_err(backend)?;
    if found {
        user_from_row(row).map(Some)
    } else {
        Ok(None)
    }
}

/// Rewrites the rows ListUsers filters this user by, in one statement.
async fn write_index(tx: &mut Transaction<'_, Postgres>, user: &User, replace: bool) -> Result<()> {
    if replace {
        sqlx::query("DELETE FROM user_index WHERE pool_id = $1 AND sub = $2")
            .bind(&user.pool_id)
            .bind(&user.sub)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    let (attrs, values): (Vec<String>, Vec<String>) =
        user.index_entries().into_iter().map(|(a, v)| (a.to_string(), v.to_string())).unzip();
    sqlx::query("INSERT INTO user_index (pool_id, attr, value, sub) SELECT $1, a, v, $2 FROM UNNEST($3::text[], $4::text[]) AS t(a, v)")
        .bind(&user.pool_id)
        .bind(&user.sub)
        .bind(attrs)
        .bind(values)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    Ok(())
}

async fn write_logins(tx: &mut Transaction<'_, Postgres>, user: &User, logins: &[String]) -> Result<()> {
    sqlx::query("INSERT INTO logins (pool_id, login, sub) SELECT $1, l, $2 FROM UNNEST($3::text[]) AS t(l)")
        .bind(&user.pool_id)
        .bind(&user.sub)
        .bind(logins)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    Ok(())
}

async fn save_user(tx: &mut Transaction<'_, Postgres>, user: &User, logins: Option<&[String]>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET username = $1, status = $2, enabled = $3, password_hash = $4, attributes = $5, modified = $6, \
         temp_expires = $7, failed_sign_ins = $8, locked_until = $9, pending = $10, srp_salt = $11, srp_verifier = $12, \
         mfa = $13 WHERE pool_id = $14 AND sub = $15",
    )
    .bind(&user.username)
    .bind(user.status.name())
    .bind(user.enabled)
    .bind(&user.password_hash)
    .bind(to_json(&user.attributes)?)
    .bind(user.modified)
    .bind(user.temporary_password_expires)
    .bind(i64::from(user.failed_sign_ins))
    .bind(user.locked_until)
    .bind(to_json(&user.pending)?)
    .bind(user.srp.as_ref().map(|s| s.salt.clone()))
    .bind(user.srp.as_ref().map(|s| s.sealed.clone()))
    .bind(to_json(&user.mfa)?)
    .bind(&user.pool_id)
    .bind(&user.sub)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    write_index(tx, user, true).await?;
    if let Some(logins) = logins {
        sqlx::query("DELETE FROM logins WHERE pool_id = $1 AND sub = $2")
            .bind(&user.pool_id)
            .bind(&user.sub)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        write_logins(tx, user, logins).await?;
    }
    Ok(true)
}

/// Stores a code unless its slot already had `cap` codes since `window_start`. The slot's row is
/// locked while deciding, so concurrent requests count correctly.
async fn upsert_code(
    tx: &mut Transaction<'_, Postgres>,
    code: &StoredCode,
    now: i64,
    window_start: i64,
    cap: u32,
) -> Result<bool> {
    let slot = code.slot();
    let current: Option<(i64, i64)> = sqlx::query_as(
        "SELECT sent_in_window, window_start FROM codes WHERE pool_id = $1 AND sub = $2 AND purpose = $3 FOR UPDATE",
    )
    .bind(&code.pool_id)
    .bind(&code.sub)
    .bind(&slot)
    .fetch_optional(&mut **tx)
    .await
    .map_err(backend)?;
    let (sent, started) = match current {
        Some((sent, started)) if started > window_start => (sent, started),
        _ => (0, now),
    };
    if sent >= i64::from(cap) {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO codes (pool_id, sub, purpose, digest, expires, attempts, sent_in_window, window_start) \
         VALUES ($1, $2, $3, $4, $5, 0, $6, $7) \
         ON CONFLICT (pool_id, sub, purpose) DO UPDATE SET digest = excluded.digest, expires = excluded.expires, \
         attempts = 0, sent_in_window = excluded.sent_in_window, window_start = excluded.window_start",
    )
    .bind(&code.pool_id)
    .bind(&code.sub)
    .bind(&slot)
    .bind(&code.digest)
    .bind(code.expires)
    .bind(sent + 1)
    .bind(started)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(true)
}

#[async_trait]
impl UserStore for PostgresStore {
    async fn insert_user(
        &self,
        user: &User,
        logins: &[String],
        code: Option<&StoredCode>,
        outgoing: &[QueuedMessage],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query(
            "INSERT INTO users (pool_id, sub, username, status, enabled, password_hash, attributes, created, modified, \
             temp_expires, srp_salt, srp_verifier, mfa) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&user.pool_id)
        .bind(&user.sub)
        .bind(&user.username)
        .bind(user.status.name())
        .bind(user.enabled)
        .bind(&user.password_hash)
        .bind(to_json(&user.attributes)?)
        .bind(user.created)
        .bind(user.modified)
        .bind(user.temporary_password_expires)
        .bind(user.srp.as_ref().map(|s| s.salt.clone()))
        .bind(user.srp.as_ref().map(|s| s.sealed.clone()))
        .bind(to_json(&user.mfa)?)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        write_logins(&mut tx, user, logins).await?;
        write_index(&mut tx, user, false).await?;
        if let Some(code) = code {
            upsert_code(&mut tx, code, user.created, user.created, u32::MAX).await?;
        }
        enqueue(&mut tx, outgoing).await?;
        tx.commit().await.map_err(backend)
    }

    async fn find_user_by_login(&self, pool_id: &str, login: &str) -> Result<Option<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM logins l JOIN users u ON u.pool_id = l.pool_id AND u.sub = l.sub \
             WHERE l.pool_id = $1 AND l.login = $2"
        );
        let row = sqlx::query(&sql).bind(pool_id).bind(login).fetch_optional(&self.pool).await.map_err(backend)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn get_user(&self, pool_id: &str, sub: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = $1 AND u.sub = $2");
        let row = sqlx::query(&sql).bind(pool_id).bind(sub).fetch_optional(&self.pool).await.map_err(backend)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn update_user(&self, user: &User, logins: Option<&[String]>) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let saved = save_user(&mut tx, user, logins).await?;
        tx.commit().await.map_err(backend)?;
        Ok(saved)
    }

    async fn delete_user(&self, pool_id: &str, sub: &str, reason: &str, now: UnixTime) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let live: Vec<String> =
            sqlx::query_scalar("SELECT origin_jti FROM refresh_tokens WHERE pool_id = $1 AND sub = $2 AND NOT revoked")
                .bind(pool_id)
                .bind(sub)
                .fetch_all(&mut *tx)
                .await
                .map_err(backend)?;
        let done = sqlx::query("DELETE FROM users WHERE pool_id = $1 AND sub = $2")
            .bind(pool_id)
            .bind(sub)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let deleted = done.rows_affected() == 1;
        if deleted {
            super::tokens::append_event(&mut tx, pool_id, sub, reason, &live, true, now).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(deleted)
    }

    async fn put_code(
        &self,
        code: &StoredCode,
        now: UnixTime,
        window_start: UnixTime,
        cap: u32,
        outgoing: Option<&QueuedMessage>,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let stored = upsert_code(&mut tx, code, now, window_start, cap).await?;
        if stored {
            enqueue(&mut tx, outgoing.map(std::slice::from_ref).unwrap_or_default()).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(stored)
    }

    async fn redeem_code(
        &self,
        presented: &StoredCode,
        now: UnixTime,
        max_attempts: u32,
        on_success: &User,
        logins: Option<&[String]>,
    ) -> Result<CodeOutcome> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let slot = presented.slot();
        let row = sqlx::query(
            "SELECT digest, expires, attempts FROM codes WHERE pool_id = $1 AND sub = $2 AND purpose = $3 FOR UPDATE",
        )
        .bind(&presented.pool_id)
        .bind(&presented.sub)
        .bind(&slot)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(CodeOutcome::Missing) };
        let digest: String = row.try_get("digest").map_err(backend)?;
        let expires: i64 = row.try_get("expires").map_err(backend)?;
        let attempts: i64 = row.try_get("attempts").map_err(backend)?;
        let outcome = if expires <= now {
            CodeOutcome::Expired
        } else if attempts >= i64::from(max_attempts) {
            CodeOutcome::TooManyAttempts
        } else if digests_equal(&digest, &presented.digest) {
            if !save_user(&mut tx, on_success, logins).await? {
                return Ok(CodeOutcome::Missing);
            }
            CodeOutcome::Redeemed
        } else {
            sqlx::query("UPDATE codes SET attempts = attempts + 1 WHERE pool_id = $1 AND sub = $2 AND purpose = $3")
                .bind(&presented.pool_id)
                .bind(&presented.sub)
                .bind(&slot)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            tx.commit().await.map_err(backend)?;
            return Ok(CodeOutcome::Mismatch);
        };
        // Redeemed, expired and exhausted codes are all gone afterwards.
        sqlx::query("DELETE FROM codes WHERE pool_id = $1 AND sub = $2 AND purpose = $3")
            .bind(&presented.pool_id)
            .bind(&presented.sub)
            .bind(&slot)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(outcome)
    }
}
