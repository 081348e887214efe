//! Revocation awareness: the set of revoked sessions (`origin_jti`) and signed-out users that
//! Cognate's revocation feed reports, applied to tokens that are otherwise valid. Offline
//! verification cannot see a GlobalSignOut; a verifier following the feed refuses the signed-out
//! token within one poll interval, without a call per request.
//!
//! The feed's contract (`GET <issuer>/revocations?after=<cursor>`, HTTP Basic with a confidential
//! app client of the pool) is documented in the README; [`FeedPage`] is its response.

use std::collections::HashMap;
use std::sync::RwLock;

use serde::Deserialize;

use crate::claims::CognitoClaims;

/// One revocation event of the feed.
#[derive(Debug, Clone, Deserialize)]
pub struct FeedEvent {
    /// Position in the feed.
    pub seq: i64,
    /// What caused it: `GlobalSignOut`, `AdminUserGlobalSignOut`, `RevokeToken`, `AdminDisableUser`,
    /// `DeleteUser`, `AdminDeleteUser`.
    pub reason: String,
    /// The user.
    pub sub: String,
    /// Sessions revoked: every token carrying one of these `origin_jti`s is refused.
    #[serde(default)]
    pub origin_jtis: Vec<String>,
    /// Whether every token of the user issued before `at` is refused (sign-out, disable, delete),
    /// or only the listed sessions (RevokeToken).
    pub whole_user: bool,
    /// When, in Unix seconds.
    pub at: i64,
}

/// One page of the feed.
#[derive(Debug, Clone, Deserialize)]
pub struct FeedPage {
    pub events: Vec<FeedEvent>,
    /// Pass as `after` to get what follows.
    pub cursor: String,
    /// Whether more events wait right now.
    #[serde(default)]
    pub more: bool,
    /// How long the server keeps events (the longest access token lifetime).
    pub retention_seconds: i64,
}

#[derive(Debug, Default)]
struct Revoked {
    origins: HashMap<String, i64>,
    users: HashMap<String, i64>,
    retention: i64,
}

/// The revocations a verifier knows of. Shared between verifiers and the task that follows the feed.
#[derive(Debug, Default)]
pub struct RevocationList {
    revoked: RwLock<Revoked>,
    cursor: RwLock<String>,
}

impl RevocationList {
    /// An empty list, at the start of the feed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a token with these claims belongs to a revoked session or a signed-out user.
    /// A user-wide event refuses tokens issued before it (`iat < at`), so that a sign-in after a
    /// sign-out works.
    pub fn is_revoked(&self, claims: &CognitoClaims) -> bool {
        let revoked = self.revoked.read().unwrap_or_else(|p| p.into_inner());
        if revoked.origins.is_empty() && revoked.users.is_empty() {
            return false;
        }
        if claims.origin_jti.as_ref().is_some_and(|o| revoked.origins.contains_key(o)) {
            return true;
        }
        let issued = claims.iat.or(claims.auth_time).unwrap_or(i64::MIN);
        revoked.users.get(&claims.sub).is_some_and(|&at| issued < at)
    }

    /// The cursor to ask the feed with next.
    pub fn cursor(&self) -> String {
        self.cursor.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Takes in a page of the feed and forgets events older than the retention, as of `now`.
    pub fn apply(&self, page: &FeedPage, now: i64) {
        let mut revoked = self.revoked.write().unwrap_or_else(|p| p.into_inner());
        revoked.retention = page.retention_seconds;
        for event in &page.events {
            for origin in &event.origin_jtis {
                revoked.origins.insert(origin.clone(), event.at);
            }
            if event.whole_user {
                let at = revoked.users.entry(event.sub.clone()).or_insert(event.at);
                *at = (*at).max(event.at);
            }
        }
        let horizon = now - revoked.retention.max(0);
        revoked.origins.retain(|_, at| *at >= horizon);
        revoked.users.retain(|_, at| *at >= horizon);
        drop(revoked);
        *self.cursor.write().unwrap_or_else(|p| p.into_inner()) = page.cursor.clone();
    }

    /// How many sessions and users are held.
    pub fn len(&self) -> (usize, usize) {
        let revoked = self.revoked.read().unwrap_or_else(|p| p.into_inner());
        (revoked.origins.len(), revoked.users.len())
    }
}
