//! Refresh tokens and challenge sessions in SQLite.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use sqlx::{Row, SqlitePool};

use cognate_domain::model::{AuthEvent, AuthSession, Group, QueuedMessage, RefreshTokenRecord, RevocationEvent, User};
use cognate_domain::store::{TokenStore, UserStore};
use cognate_domain::{StoreError, UnixTime};

use super::outbound::enqueue;
use super::{backend, SqliteStore};

/// How long a revocation is remembered in memory: longer than any access token lives (1 day).
const REMEMBER_REVOCATIONS: i64 = 2 * 86_400;

/// The set of revoked `origin_jti`s, so that checking an access token costs no query.
pub(crate) struct RevokedOrigins(Mutex<HashMap<String, UnixTime>>);

impl RevokedOrigins {
    pub(crate) async fn load(reader: &SqlitePool) -> Result<Self> {
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT origin_jti, revoked_at FROM refresh_tokens WHERE revoked_at > ?")
                .bind(now - REMEMBER_REVOCATIONS)
                .fetch_all(reader)
                .await
                .map_err(backend)?;
        Ok(Self(Mutex::new(rows.into_iter().collect())))
    }

    fn add(&self, origins: &[String], now: UnixTime) {
        if let Ok(mut set) = self.0.lock() {
            set.retain(|_, at| *at > now - REMEMBER_REVOCATIONS);
            for origin in origins {
                set.insert(origin.clone(), now);
            }
        }
    }

    fn contains(&self, origin: &str) -> bool {
        self.0.lock().map(|set| set.contains_key(origin)).unwrap_or(true)
    }
}

type Result<T> = std::result::Result<T, StoreError>;

#[async_trait]
impl TokenStore for SqliteStore {
    async fn start_session(&self, r: &RefreshTokenRecord, event: Option<&AuthEvent>) -> Result<Vec<Group>> {
        // Embedded: statements cost no network round trip; one transaction keeps the writes together.
        let mut tx = self.writer.begin().await.map_err(backend)?;
        insert_refresh_token(&mut tx, r).await?;
        if let Some(event) = event {
            super::activity::insert_event(&mut tx, &r.pool_id, &r.sub, event).await?;
        }
        let groups = super::groups::user_groups(&mut tx, &r.pool_id, &r.sub).await?;
        tx.commit().await.map_err(backend)?;
        Ok(groups)
    }

    async fn rotate_refresh_token(
        &self,
        r: &RefreshTokenRecord,
        replaced: &str,
        rotated_until: UnixTime,
    ) -> Result<Vec<Group>> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        // A retry within the grace period rotates again but keeps the first deadline.
        sqlx::query("UPDATE refresh_tokens SET rotated_until = COALESCE(rotated_until, ?) WHERE digest = ?")
            .bind(rotated_until)
            .bind(replaced)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        insert_refresh_token(&mut tx, r).await?;
        let groups = super::groups::user_groups(&mut tx, &r.pool_id, &r.sub).await?;
        tx.commit().await.map_err(backend)?;
        Ok(groups)
    }

    async fn find_refresh_token(&self, digest: &str) -> Result<Option<(RefreshTokenRecord, Option<User>)>> {
        let row = sqlx::query(
            "SELECT digest, pool_id, client_id, sub, origin_jti, auth_time, expires, revoked, scopes, rotated_until, \
             device_key FROM refresh_tokens WHERE digest = ?",
        )
        .bind(digest)
        .fetch_optional(&self.reader)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let record = RefreshTokenRecord {
            digest: row.try_get("digest").map_err(backend)?,
            pool_id: row.try_get("pool_id").map_err(backend)?,
            client_id: row.try_get("client_id").map_err(backend)?,
            sub: row.try_get("sub").map_err(backend)?,
            origin_jti: row.try_get("origin_jti").map_err(backend)?,
            auth_time: row.try_get("auth_time").map_err(backend)?,
            expires: row.try_get("expires").map_err(backend)?,
            revoked: row.try_get("revoked").map_err(backend)?,
            scopes: row.try_get("scopes").map_err(backend)?,
            rotated_until: row.try_get("rotated_until").map_err(backend)?,
            device_key: row.try_get("device_key").map_err(backend)?,
        };
        let user = self.get_user(&record.pool_id, &record.sub).await?;
        Ok(Some((record, user)))
    }

    async fn insert_session(&self, s: &AuthSession, outgoing: Option<&QueuedMessage>) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        insert_session_row(&mut tx, s).await?;
        enqueue(&mut tx, outgoing.map(std::slice::from_ref).unwrap_or_default()).await?;
        tx.commit().await.map_err(backend)
    }

    async fn take_session(&self, digest: &str) -> Result<Option<(AuthSession, Option<User>)>> {
        let row = sqlx::query(&format!("DELETE FROM sessions WHERE digest = ? RETURNING {SESSION_COLUMNS}"))
            .bind(digest)
            .fetch_optional(&self.writer)
            .await
            .map_err(backend)?;
        self.with_user(row.as_ref()).await
    }

    async fn revoke_refresh_token(&self, digest: &str, now: UnixTime) -> Result<Option<String>> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        // The whole family: a rotating client's tokens share the sign-in's origin_jti.
        let revoked: Vec<(String, String, String)> = sqlx::query_as(
            "UPDATE refresh_tokens SET revoked = 1, revoked_at = ? \
             WHERE origin_jti = (SELECT origin_jti FROM refresh_tokens WHERE digest = ?) AND revoked = 0 \
             RETURNING origin_jti, pool_id, sub",
        )
        .bind(now)
        .bind(digest)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let first = revoked.into_iter().next();
        let origin = match first {
            Some((origin, pool_id, sub)) => {
                let origins = std::slice::from_ref(&origin);
                append_event(&mut tx, &pool_id, &sub, "RevokeToken", origins, false, now).await?;
                Some(origin)
            }
            None => sqlx::query_scalar("SELECT origin_jti FROM refresh_tokens WHERE digest = ?")
                .bind(digest)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?,
        };
        tx.commit().await.map_err(backend)?;
        if let Some(origin) = &origin {
            self.revoked.add(std::slice::from_ref(origin), now);
        }
        Ok(origin)
    }

    async fn revoke_origin(&self, origin_jti: &str, now: UnixTime) -> Result<bool> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let revoked: Vec<(String, String)> = sqlx::query_as(
            "UPDATE refresh_tokens SET revoked = 1, revoked_at = ? WHERE origin_jti = ? AND revoked = 0 RETURNING pool_id, sub",
        )
        .bind(now)
        .bind(origin_jti)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let any = revoked.first().cloned();
        let origins = [origin_jti.to_owned()];
        if let Some((pool_id, sub)) = &any {
            append_event(&mut tx, pool_id, sub, "RevokeToken", &origins, false, now).await?;
        }
        tx.commit().await.map_err(backend)?;
        if any.is_some() {
            self.revoked.add(&origins, now);
        }
        Ok(any.is_some())
    }

    async fn revoke_user_tokens(&self, pool_id: &str, sub: &str, reason: &str, now: UnixTime) -> Result<Vec<String>> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let origins: Vec<String> = sqlx::query_scalar(
            "UPDATE refresh_tokens SET revoked = 1, revoked_at = ? WHERE pool_id = ? AND sub = ? AND revoked = 0 RETURNING origin_jti",
        )
        .bind(now)
        .bind(pool_id)
        .bind(sub)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        append_event(&mut tx, pool_id, sub, reason, &origins, true, now).await?;
        tx.commit().await.map_err(backend)?;
        self.revoked.add(&origins, now);
        Ok(origins)
    }

    async fn revocations_after(
        &self,
        pool_id: &str,
        after: i64,
        since: UnixTime,
        limit: u32,
    ) -> Result<Vec<RevocationEvent>> {
        let rows: Vec<(i64, String, String, String, bool, i64)> = sqlx::query_as(
            "SELECT seq, sub, reason, origin_jtis, whole_user, at FROM revocations \
             WHERE pool_id = ? AND seq > ? AND at >= ? ORDER BY seq LIMIT ?",
        )
        .bind(pool_id)
        .bind(after)
        .bind(since)
        .bind(limit)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.into_iter()
            .map(|(seq, sub, reason, origins, whole_user, at)| {
                let origin_jtis = serde_json::from_str(&origins).map_err(|e| StoreError::Backend(e.to_string()))?;
                Ok(RevocationEvent { seq, reason, sub, origin_jtis, whole_user, at })
            })
            .collect()
    }

    async fn is_origin_revoked(&self, origin_jti: &str) -> Result<bool> {
        Ok(self.revoked.contains(origin_jti))
    }
}

impl SqliteStore {
    /// A session row with the user it was started for. In process, the second read is cheap
    /// (and usually served by the user cache).
    pub(super) async fn with_user(
        &self,
        row: Option<&sqlx::sqlite::SqliteRow>,
    ) -> Result<Option<(AuthSession, Option<User>)>> {
        let Some(row) = row else { return Ok(None) };
        let session = session_from_row(row)?;
        let user = self.get_user(&session.pool_id, &session.sub).await?;
        Ok(Some((session, user)))
    }
}

/// The columns [`session_from_row`] reads.
pub(super) const SESSION_COLUMNS: &str = "digest, pool_id, client_id, sub, challenge, expires, data";

pub(super) fn session_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<AuthSession> {
    Ok(AuthSession {
        digest: row.try_get("digest").map_err(backend)?,
        pool_id: row.try_get("pool_id").map_err(backend)?,
        client_id: row.try_get("client_id").map_err(backend)?,
        sub: row.try_get("sub").map_err(backend)?,
        challenge: row.try_get("challenge").map_err(backend)?,
        expires: row.try_get("expires").map_err(backend)?,
        data: row.try_get("data").map_err(backend)?,
    })
}

/// Inserts a session inside `tx`, sweeping the sessions that expired an hour before it will:
/// abandoned challenges go as new ones arrive, and the expiry index keeps this cheap.
pub(super) async fn insert_session_row(tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>, s: &AuthSession) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE expires < ?")
        .bind(s.expires - 3600)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    sqlx::query(
        "INSERT INTO sessions (digest, pool_id, client_id, sub, challenge, expires, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&s.digest)
    .bind(&s.pool_id)
    .bind(&s.client_id)
    .bind(&s.sub)
    .bind(&s.challenge)
    .bind(s.expires)
    .bind(&s.data)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Appends a feed event inside the revoking transaction, so that the feed never misses a revocation.
pub(super) async fn append_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    pool_id: &str,
    sub: &str,
    reason: &str,
    origins: &[String],
    whole_user: bool,
    now: UnixTime,
) -> Result<()> {
    let origins = serde_json::to_string(origins).map_err(|e| StoreError::Backend(e.to_string()))?;
    sqlx::query(
        "INSERT INTO revocations (pool_id, sub, reason, origin_jtis, whole_user, at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(pool_id)
    .bind(sub)
    .bind(reason)
    .bind(origins)
    .bind(whole_user)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Inserts a new refresh token inside a transaction.
pub(super) async fn insert_refresh_token(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    r: &RefreshTokenRecord,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (digest, pool_id, client_id, sub, origin_jti, auth_time, expires, revoked, scopes, \
         device_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&r.digest)
    .bind(&r.pool_id)
    .bind(&r.client_id)
    .bind(&r.sub)
    .bind(&r.origin_jti)
    .bind(r.auth_time)
    .bind(r.expires)
    .bind(r.revoked)
    .bind(&r.scopes)
    .bind(&r.device_key)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(())
}
