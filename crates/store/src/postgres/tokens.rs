//! Refresh tokens, challenge sessions and the revocation feed in PostgreSQL. Revocation is checked
//! with one indexed lookup (no in-process set: another instance may revoke at any time).

use async_trait::async_trait;
use sqlx::{Postgres, Row, Transaction};

use cognate_domain::model::{AuthEvent, AuthSession, Group, QueuedMessage, RefreshTokenRecord, RevocationEvent, User};
use cognate_domain::store::TokenStore;
use cognate_domain::{StoreError, UnixTime};

use super::groups::{group_from_row, GROUP_COLUMNS};
use super::outbound::enqueue;
use super::users::{joined_user_from_row, USER_COLUMNS};
use super::{backend, corrupt, PostgresStore};

type Result<T> = std::result::Result<T, StoreError>;

/// A session `t` joined to its user `u`: with [`USER_COLUMNS`], what
/// [`session_with_user_from_row`] reads.
pub(super) const SESSION_JOINED_COLUMNS: &str = "t.digest AS s_digest, t.pool_id AS s_pool_id, \
    t.client_id AS s_client_id, t.sub AS s_sub, t.challenge AS s_challenge, t.expires AS s_expires, \
    t.data AS s_data, u.sub IS NOT NULL AS user_found";

pub(super) fn session_with_user_from_row(row: &sqlx::postgres::PgRow) -> Result<(AuthSession, Option<User>)> {
    let session = AuthSession {
        digest: row.try_get("s_digest").map_err(backend)?,
        pool_id: row.try_get("s_pool_id").map_err(backend)?,
        client_id: row.try_get("s_client_id").map_err(backend)?,
        sub: row.try_get("s_sub").map_err(backend)?,
        challenge: row.try_get("s_challenge").map_err(backend)?,
        expires: row.try_get("s_expires").map_err(backend)?,
        data: row.try_get("s_data").map_err(backend)?,
    };
    Ok((session, joined_user_from_row(row)?))
}

/// The columns of a new refresh token, bound as `$1`..`$10` by [`bind_refresh_token`].
pub(super) const REFRESH_TOKEN_COLUMNS: &str =
    "digest, pool_id, client_id, sub, origin_jti, auth_time, expires, revoked, scopes, device_key";
pub(super) const REFRESH_TOKEN_VALUES: &str = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10";

/// Binds a new refresh token's [`REFRESH_TOKEN_COLUMNS`] as the statement's first parameters.
pub(super) fn bind_refresh_token<'q>(
    query: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    r: &'q RefreshTokenRecord,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    query
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
}

/// The advisory lock that orders feed appends: held to commit, so `seq` order is commit order
/// and a reader at a cursor never misses an event that commits later with a smaller `seq`.
const FEED_LOCK: i64 = 0x636f_676e_6174_6501;

/// Appends a feed event inside the revoking transaction.
pub(super) async fn append_event(
    tx: &mut Transaction<'_, Postgres>,
    pool_id: &str,
    sub: &str,
    reason: &str,
    origins: &[String],
    whole_user: bool,
    now: UnixTime,
) -> Result<()> {
    let origins = serde_json::to_string(origins).map_err(|e| StoreError::Backend(e.to_string()))?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(FEED_LOCK).execute(&mut **tx).await.map_err(backend)?;
    sqlx::query(
        "INSERT INTO revocations (pool_id, sub, reason, origin_jtis, whole_user, at) VALUES ($1, $2, $3, $4, $5, $6)",
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

#[async_trait]
impl TokenStore for PostgresStore {
    async fn start_session(&self, r: &RefreshTokenRecord, event: Option<&AuthEvent>) -> Result<Vec<Group>> {
        // One statement, one round trip: both inserts run as data-modifying CTEs, in the
        // statement's own transaction, and the groups come back as its result.
        let body = event.map(serde_json::to_string).transpose().map_err(|e| StoreError::Backend(e.to_string()))?;
        let sql = format!(
            "WITH token AS (INSERT INTO refresh_tokens ({REFRESH_TOKEN_COLUMNS}) VALUES ({REFRESH_TOKEN_VALUES})), \
                  event AS (INSERT INTO auth_events (pool_id, sub, event_id, created, body) \
                            SELECT $2, $4, $11, $12, $13 WHERE $13::text IS NOT NULL) \
             SELECT {GROUP_COLUMNS} FROM user_groups m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name \
             WHERE m.pool_id = $2 AND m.sub = $4 ORDER BY g.precedence IS NULL, g.precedence, g.name"
        );
        let rows = bind_refresh_token(sqlx::query(&sql), r)
            .bind(event.map(|e| e.event_id.as_str()))
            .bind(event.map(|e| e.created))
            .bind(body)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(group_from_row).collect()
    }

    async fn rotate_refresh_token(
        &self,
        r: &RefreshTokenRecord,
        replaced: &str,
        rotated_until: UnixTime,
    ) -> Result<Vec<Group>> {
        // One statement, one round trip, as a new sign-in: the new token, the old one's deadline
        // (a retry within the grace period keeps the first), and the groups.
        let sql = format!(
            "WITH token AS (INSERT INTO refresh_tokens ({REFRESH_TOKEN_COLUMNS}) VALUES ({REFRESH_TOKEN_VALUES})), \
                  replaced AS (UPDATE refresh_tokens SET rotated_until = COALESCE(rotated_until, $11) WHERE digest = $12) \
             SELECT {GROUP_COLUMNS} FROM user_groups m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name \
             WHERE m.pool_id = $2 AND m.sub = $4 ORDER BY g.precedence IS NULL, g.precedence, g.name"
        );
        let rows = bind_refresh_token(sqlx::query(&sql), r)
            .bind(rotated_until)
            .bind(replaced)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter().map(group_from_row).collect()
    }

    async fn find_refresh_token(&self, digest: &str) -> Result<Option<(RefreshTokenRecord, Option<User>)>> {
        let sql = format!(
            "SELECT t.digest AS t_digest, t.pool_id AS t_pool_id, t.client_id AS t_client_id, t.sub AS t_sub, \
               t.origin_jti, t.auth_time, t.expires AS t_expires, t.revoked, t.scopes AS t_scopes, t.rotated_until, t.device_key AS t_device_key, \
               u.sub IS NOT NULL AS user_found, \
               {USER_COLUMNS} \
             FROM refresh_tokens t LEFT JOIN users u ON u.pool_id = t.pool_id AND u.sub = t.sub WHERE t.digest = $1"
        );
        let row = sqlx::query(&sql).bind(digest).fetch_optional(&self.pool).await.map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let record = RefreshTokenRecord {
            digest: row.try_get("t_digest").map_err(backend)?,
            pool_id: row.try_get("t_pool_id").map_err(backend)?,
            client_id: row.try_get("t_client_id").map_err(backend)?,
            sub: row.try_get("t_sub").map_err(backend)?,
            origin_jti: row.try_get("origin_jti").map_err(backend)?,
            auth_time: row.try_get("auth_time").map_err(backend)?,
            expires: row.try_get("t_expires").map_err(backend)?,
            revoked: row.try_get("revoked").map_err(backend)?,
            scopes: row.try_get("t_scopes").map_err(backend)?,
            rotated_until: row.try_get("rotated_until").map_err(backend)?,
            device_key: row.try_get("t_device_key").map_err(backend)?,
        };
        let user = joined_user_from_row(&row)?;
        Ok(Some((record, user)))
    }

    async fn insert_session(&self, s: &AuthSession, outgoing: Option<&QueuedMessage>) -> Result<()> {
        // One statement: abandoned challenges are swept (through the expiry index) as new ones
        // arrive. Both parts see the same snapshot, and the new row is never among the swept.
        let insert = sqlx::query(
            "WITH swept AS (DELETE FROM sessions WHERE expires < $8) \
             INSERT INTO sessions (digest, pool_id, client_id, sub, challenge, expires, data) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&s.digest)
        .bind(&s.pool_id)
        .bind(&s.client_id)
        .bind(&s.sub)
        .bind(&s.challenge)
        .bind(s.expires)
        .bind(&s.data)
        .bind(s.expires - 3600);
        match outgoing {
            None => insert.execute(&self.pool).await.map(drop).map_err(backend),
            Some(message) => {
                let mut tx = self.pool.begin().await.map_err(backend)?;
                insert.execute(&mut *tx).await.map_err(backend)?;
                enqueue(&mut tx, std::slice::from_ref(message)).await?;
                tx.commit().await.map_err(backend)
            }
        }
    }

    async fn take_session(&self, digest: &str) -> Result<Option<(AuthSession, Option<User>)>> {
        // One statement: of two instances answering the same challenge, one gets the session;
        // the user comes back with it instead of in a second round trip.
        let sql = format!(
            "WITH taken AS (DELETE FROM sessions WHERE digest = $1 \
               RETURNING digest, pool_id, client_id, sub, challenge, expires, data) \
             SELECT {SESSION_JOINED_COLUMNS}, {USER_COLUMNS} FROM taken t LEFT JOIN users u ON u.pool_id = t.pool_id AND u.sub = t.sub"
        );
        let row = sqlx::query(&sql).bind(digest).fetch_optional(&self.pool).await.map_err(backend)?;
        row.as_ref().map(session_with_user_from_row).transpose()
    }

    async fn revoke_refresh_token(&self, digest: &str, now: UnixTime) -> Result<Option<String>> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // The whole family: a rotating client's tokens share the sign-in's origin_jti.
        let revoked: Vec<(String, String, String)> = sqlx::query_as(
            "UPDATE refresh_tokens SET revoked = TRUE, revoked_at = $1 \
             WHERE origin_jti = (SELECT origin_jti FROM refresh_tokens WHERE digest = $2) AND NOT revoked \
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
                append_event(&mut tx, &pool_id, &sub, "RevokeToken", std::slice::from_ref(&origin), false, now).await?;
                Some(origin)
            }
            None => sqlx::query_scalar("SELECT origin_jti FROM refresh_tokens WHERE digest = $1")
                .bind(digest)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?,
        };
        tx.commit().await.map_err(backend)?;
        Ok(origin)
    }

    async fn revoke_origin(&self, origin_jti: &str, now: UnixTime) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let revoked: Vec<(String, String)> = sqlx::query_as(
            "UPDATE refresh_tokens SET revoked = TRUE, revoked_at = $1 WHERE origin_jti = $2 AND NOT revoked \
             RETURNING pool_id, sub",
        )
        .bind(now)
        .bind(origin_jti)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let any = revoked.first().cloned();
        if let Some((pool_id, sub)) = &any {
            let origins = [origin_jti.to_owned()];
            append_event(&mut tx, pool_id, sub, "RevokeToken", &origins, false, now).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(any.is_some())
    }

    async fn revoke_user_tokens(&self, pool_id: &str, sub: &str, reason: &str, now: UnixTime) -> Result<Vec<String>> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let origins: Vec<String> = sqlx::query_scalar(
            "UPDATE refresh_tokens SET revoked = TRUE, revoked_at = $1 WHERE pool_id = $2 AND sub = $3 AND NOT revoked \
             RETURNING origin_jti",
        )
        .bind(now)
        .bind(pool_id)
        .bind(sub)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        append_event(&mut tx, pool_id, sub, reason, &origins, true, now).await?;
        tx.commit().await.map_err(backend)?;
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
             WHERE pool_id = $1 AND seq > $2 AND at >= $3 ORDER BY seq LIMIT $4",
        )
        .bind(pool_id)
        .bind(after)
        .bind(since)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.into_iter()
            .map(|(seq, sub, reason, origins, whole_user, at)| {
                let origin_jtis = serde_json::from_str(&origins).map_err(corrupt)?;
                Ok(RevocationEvent { seq, reason, sub, origin_jtis, whole_user, at })
            })
            .collect()
    }

    async fn is_origin_revoked(&self, origin_jti: &str) -> Result<bool> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE origin_jti = $1 AND revoked)")
            .bind(origin_jti)
            .fetch_one(&self.pool)
            .await
            .map_err(backend)
    }
}
