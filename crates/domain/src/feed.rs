//! The revocation feed: what a verifier needs to refuse tokens that are genuine but revoked —
//! sessions ended by RevokeToken, users signed out, disabled or deleted — read by a confidential
//! app client of the pool, from a cursor, without a call per verified token.

use crate::clock::UnixTime;
use crate::error::{DomainError, Result};
use crate::model::RevocationEvent;
use crate::Cognate;

/// How long events are served: as long as the longest-lived access token (Cognito's maximum is one day).
pub const FEED_RETENTION_SECONDS: i64 = 86_400;
/// Most events in one page.
pub const FEED_PAGE_LIMIT: u32 = 1000;

/// One page of the feed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedPage {
    pub events: Vec<RevocationEvent>,
    /// The cursor to ask with next (the last event's `seq`, or the one asked with).
    pub cursor: String,
    /// Whether a full page was returned, so more may wait.
    pub more: bool,
    pub retention_seconds: i64,
}

impl Cognate {
    /// The pool's revocation events after `after`, for the app client `client_id` whose secret
    /// is `client_secret`. Only confidential clients of the pool may read it.
    pub async fn revocation_feed(
        &self,
        pool_id: &str,
        client_id: &str,
        client_secret: &str,
        after: Option<&str>,
    ) -> Result<FeedPage> {
        let refused = || DomainError::not_authorized("Invalid client credentials.");
        let (pool, client) = self.client(client_id).await.map_err(|_| refused())?;
        let secret_ok = client.secret_matches(client_secret);
        if pool.id != pool_id || !secret_ok {
            return Err(refused());
        }
        let after = match after.filter(|a| !a.is_empty()) {
            None => 0,
            Some(cursor) => cursor
                .parse::<i64>()
                .ok()
                .filter(|c| *c >= 0)
                .ok_or_else(|| DomainError::invalid("The cursor is not valid."))?,
        };
        let since = self.clock.now() - FEED_RETENTION_SECONDS;
        let events = self.store.revocations_after(pool_id, after, since, FEED_PAGE_LIMIT).await?;
        let cursor = events.last().map_or(after, |e| e.seq).to_string();
        let more = events.len() as u32 == FEED_PAGE_LIMIT;
        Ok(FeedPage { events, cursor, more, retention_seconds: FEED_RETENTION_SECONDS })
    }

    /// Adds a new id key and a new access key to the pool. They are in the JWKS at once and sign
    /// from `ROTATION_LEAD_SECONDS` on (returned), so that verifiers and other instances see them
    /// before any token does; the old keys stay published so that tokens already issued verify.
    pub async fn rotate_signing_keys(&self, pool_id: &str) -> Result<(Vec<String>, UnixTime)> {
        let pool = self.pool(pool_id).await?;
        let newest = self.store.pool_keys(&pool.id).await?.iter().map(|k| k.created).max().unwrap_or(0);
        let active_from = (self.clock.now() + crate::keys::ROTATION_LEAD_SECONDS).max(newest + 1);
        let keys = crate::pools::generate_keys(&pool.id, active_from).await?;
        self.store.add_pool_keys(&keys).await?;
        self.keys.forget(&pool.id);
        Ok((keys.into_iter().map(|k| k.kid).collect(), active_from))
    }
}
