//! The storage contract. Each method is one atomic, intention-named operation; the backend owns
//! the transaction. Uniqueness is a database constraint, reported as [`StoreError::Conflict`].

use async_trait::async_trait;

use crate::clock::UnixTime;
use crate::error::StoreError;
use crate::model::*;
use crate::SmsLimits;

type Result<T> = std::result::Result<T, StoreError>;

/// Pools and their signing keys.
#[async_trait]
pub trait PoolStore: Send + Sync {
    /// Inserts a pool together with its first signing keys.
    async fn insert_pool(&self, pool: &Pool, keys: &[StoredKey]) -> Result<()>;
    async fn get_pool(&self, id: &str) -> Result<Option<Pool>>;
    /// Pools ordered by id, starting after `after`.
    async fn list_pools(&self, after: Option<&str>, limit: u32) -> Result<Vec<Pool>>;
    /// Saves changed settings; false if the pool is gone.
    async fn update_pool(&self, pool: &Pool) -> Result<bool>;
    /// Deletes a pool and everything in it; false if it did not exist.
    async fn delete_pool(&self, id: &str) -> Result<bool>;
    /// The number of users in a pool (DescribeUserPool's estimate).
    async fn count_users(&self, pool_id: &str) -> Result<i64>;
    /// All signing keys of a pool.
    async fn pool_keys(&self, pool_id: &str) -> Result<Vec<StoredKey>>;
    /// The key with this id, whichever pool owns it.
    async fn key_by_kid(&self, kid: &str) -> Result<Option<StoredKey>>;
    /// Adds keys to an existing pool (key rotation); the old keys stay published.
    async fn add_pool_keys(&self, keys: &[StoredKey]) -> Result<()>;
}

/// App clients.
#[async_trait]
pub trait ClientStore: Send + Sync {
    async fn insert_client(&self, client: &AppClient) -> Result<()>;
    async fn get_client(&self, id: &str) -> Result<Option<AppClient>>;
    /// A pool's clients ordered by id, starting after `after`.
    async fn list_clients(&self, pool_id: &str, after: Option<&str>, limit: u32) -> Result<Vec<AppClient>>;
    async fn update_client(&self, client: &AppClient) -> Result<bool>;
    async fn delete_client(&self, pool_id: &str, id: &str) -> Result<bool>;
}

/// Users, the names they sign in with, and their one-time codes.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Inserts a user with the sign-in names (`logins`, already normalised) that must be unique
    /// in the pool, optionally a first code, and the messages that announce the user (an
    /// invitation), queued in the same transaction. A taken name is a `Conflict`.
    async fn insert_user(
        &self,
        user: &User,
        logins: &[String],
        code: Option<&StoredCode>,
        outgoing: &[QueuedMessage],
    ) -> Result<()>;
    /// The user a normalised sign-in name belongs to.
    async fn find_user_by_login(&self, pool_id: &str, login: &str) -> Result<Option<User>>;
    async fn get_user(&self, pool_id: &str, sub: &str) -> Result<Option<User>>;
    /// Saves a user's status, password and attributes, replacing its extra sign-in names with
    /// `logins` when given; false if the user is gone.
    async fn update_user(&self, user: &User, logins: Option<&[String]>) -> Result<bool>;
    /// Deletes a user and everything bound to it; false if it did not exist.
    /// Deletes a user and appends a user-wide event (`reason`) to the revocation feed, naming the
    /// sessions that were still live, in the same transaction.
    async fn delete_user(&self, pool_id: &str, sub: &str, reason: &str, now: UnixTime) -> Result<bool>;
    /// Stores a code, replacing any outstanding one in the same slot (user, purpose, target).
    /// Refuses (returns false) when `cap` codes were already sent for that slot since
    /// `window_start`; a code sent after the window restarts the count. `outgoing`, the message
    /// that carries the code, is queued in the same transaction (nothing is queued on a refusal).
    async fn put_code(
        &self,
        code: &StoredCode,
        now: UnixTime,
        window_start: UnixTime,
        cap: u32,
        outgoing: Option<&QueuedMessage>,
    ) -> Result<bool>;
    /// Checks a presented code. On a match the code is deleted and `on_success` saved (with its
    /// sign-in names replaced by `logins` when given) in the same transaction; a mismatch counts
    /// an attempt; `max_attempts` mismatches void the code.
    async fn redeem_code(
        &self,
        presented: &StoredCode,
        now: UnixTime,
        max_attempts: u32,
        on_success: &User,
        logins: Option<&[String]>,
    ) -> Result<CodeOutcome>;
}

/// Sign-in failures (lockout), spent TOTP steps, ListUsers, and auth events.
#[async_trait]
pub trait UserActivityStore: Send + Sync {
    /// Counts a wrong password and sets `locked_until` to `lockout(failures)` seconds from
    /// `now` (none when it gives `None`), atomically. Returns the new lock, if any.
    async fn record_sign_in_failure(
        &self,
        pool_id: &str,
        sub: &str,
        now: UnixTime,
        lockout: &(dyn Fn(u32) -> Option<i64> + Send + Sync),
    ) -> Result<Option<UnixTime>>;
    /// Clears the failure count after a successful sign-in.
    async fn reset_sign_in_failures(&self, pool_id: &str, sub: &str) -> Result<()>;
    /// Records that a TOTP code of `step` was accepted, if no code of that step or a later one
    /// was: true when this call is the first, so that each code works once.
    async fn claim_totp_step(&self, pool_id: &str, sub: &str, step: i64) -> Result<bool>;
    /// Counts one text message to `destination` against the pool's day and the destination's
    /// hour (the windows `now` falls in), unless that would pass a limit: then nothing is counted
    /// and the answer is false. Atomic; expired counts are removed on the way.
    async fn spend_sms(&self, pool_id: &str, destination: &str, now: UnixTime, limits: SmsLimits) -> Result<bool>;
    /// Users of a pool in index order: by `sub` without a filter, by (value, sub) with one.
    /// `after` is the (value, sub) of the last user of the previous page.
    async fn list_users(
        &self,
        pool_id: &str,
        filter: Option<&UserFilter>,
        after: Option<(&str, &str)>,
        limit: u32,
    ) -> Result<Vec<(String, User)>>;
    async fn record_auth_event(&self, pool_id: &str, sub: &str, event: &AuthEvent) -> Result<()>;
    /// A user's events, newest first, starting after the (created, seq) cursor `before`.
    async fn list_auth_events(
        &self,
        pool_id: &str,
        sub: &str,
        before: Option<(UnixTime, i64)>,
        limit: u32,
    ) -> Result<Vec<(i64, AuthEvent)>>;
}

/// Groups and membership.
#[async_trait]
pub trait GroupStore: Send + Sync {
    /// A taken name is a `Conflict`.
    async fn insert_group(&self, group: &Group) -> Result<()>;
    async fn get_group(&self, pool_id: &str, name: &str) -> Result<Option<Group>>;
    async fn update_group(&self, group: &Group) -> Result<bool>;
    async fn delete_group(&self, pool_id: &str, name: &str) -> Result<bool>;
    /// Groups by name, starting after `after`.
    async fn list_groups(&self, pool_id: &str, after: Option<&str>, limit: u32) -> Result<Vec<Group>>;
    /// Idempotent: adding a member twice is not an error.
    async fn add_user_to_group(&self, pool_id: &str, group: &str, sub: &str) -> Result<()>;
    async fn remove_user_from_group(&self, pool_id: &str, group: &str, sub: &str) -> Result<()>;
    /// A user's groups, by precedence (lowest first, unset last), then name.
    async fn groups_for_user(&self, pool_id: &str, sub: &str) -> Result<Vec<Group>>;
    /// A group's members by sub, starting after `after`.
    async fn users_in_group(&self, pool_id: &str, group: &str, after: Option<&str>, limit: u32) -> Result<Vec<User>>;
}

/// Refresh tokens and challenge sessions.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// A new sign-in's writes and reads at once: stores its refresh token and (if given) its auth
    /// event, and returns the user's groups, ordered as [`GroupStore::groups_for_user`] orders
    /// them. One round trip where the backend allows: with the user's lookup, a sign-in makes two.
    async fn start_session(&self, record: &RefreshTokenRecord, event: Option<&AuthEvent>) -> Result<Vec<Group>>;
    /// A rotating client's refresh: stores the new refresh token, marks the one it replaces as
    /// working until `rotated_until` (unless a retry marked it already), and reads the user's
    /// groups, as [`TokenStore::start_session`] does; one round trip where the backend allows.
    async fn rotate_refresh_token(
        &self,
        record: &RefreshTokenRecord,
        replaced: &str,
        rotated_until: UnixTime,
    ) -> Result<Vec<Group>>;
    /// A refresh token with its user (`None` if the user is gone); one round trip where the
    /// backend allows, so that a refresh makes two with the groups' read.
    async fn find_refresh_token(&self, digest: &str) -> Result<Option<(RefreshTokenRecord, Option<User>)>>;
    /// Stores a challenge session, with the message carrying its code (an MFA code) queued in
    /// the same transaction.
    async fn insert_session(&self, session: &AuthSession, outgoing: Option<&QueuedMessage>) -> Result<()>;
    /// Removes and returns a session with the user it was started for (`None` if that user is
    /// gone since): a session answers one challenge only. One round trip where the backend
    /// allows, so that answering a challenge and issuing tokens make two.
    async fn take_session(&self, digest: &str) -> Result<Option<(AuthSession, Option<User>)>>;
    /// Revokes a refresh token with every token rotated from the same sign-in (they share its
    /// `origin_jti`); returns that `origin_jti` if the token existed. A first revocation is
    /// appended to the revocation feed (`RevokeToken`) in the same transaction.
    async fn revoke_refresh_token(&self, digest: &str, now: UnixTime) -> Result<Option<String>>;
    /// Revokes every refresh token of one sign-in by its `origin_jti` (a replayed authorization
    /// code's); true if any was revoked now, which is appended to the feed as a `RevokeToken`.
    async fn revoke_origin(&self, origin_jti: &str, now: UnixTime) -> Result<bool>;
    /// Revokes every refresh token of a user (global sign-out, disable, delete); returns their
    /// `origin_jti`s. Appends one user-wide event with `reason` to the feed, in the same transaction.
    async fn revoke_user_tokens(&self, pool_id: &str, sub: &str, reason: &str, now: UnixTime) -> Result<Vec<String>>;
    /// The pool's feed events after `after` (a `seq`) and no older than `since`, oldest first.
    async fn revocations_after(
        &self,
        pool_id: &str,
        after: i64,
        since: UnixTime,
        limit: u32,
    ) -> Result<Vec<RevocationEvent>>;
    /// Whether the tokens minted from this origin were revoked. On the path of every call that
    /// presents an access token: one indexed lookup at most.
    async fn is_origin_revoked(&self, origin_jti: &str) -> Result<bool>;
}

/// User pool domains and resource servers: the OAuth side of a pool.
#[async_trait]
pub trait OAuthStore: Send + Sync {
    /// Registers a domain and saves `pool` (which names it) in one transaction; a domain that
    /// is taken (by any pool) is a `Conflict`.
    async fn insert_domain(&self, domain: &PoolDomain, pool: &Pool) -> Result<()>;
    async fn get_domain(&self, domain: &str) -> Result<Option<PoolDomain>>;
    /// Saves a domain's changed settings; false if it is gone.
    async fn update_domain(&self, domain: &PoolDomain) -> Result<bool>;
    /// Removes a domain and saves `pool` (which no longer names it) in one transaction; false if
    /// the domain did not exist.
    async fn delete_domain(&self, domain: &str, pool: &Pool) -> Result<bool>;
    /// A taken identifier in the pool is a `Conflict`.
    async fn insert_resource_server(&self, server: &ResourceServer) -> Result<()>;
    async fn get_resource_server(&self, pool_id: &str, identifier: &str) -> Result<Option<ResourceServer>>;
    /// A pool's resource servers by identifier, starting after `after`.
    async fn list_resource_servers(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ResourceServer>>;
    async fn update_resource_server(&self, server: &ResourceServer) -> Result<bool>;
    async fn delete_resource_server(&self, pool_id: &str, identifier: &str) -> Result<bool>;
    /// All of a pool's resource servers (Cognito allows 25), as the token endpoint reads them on
    /// every request: cached, so that a token costs no query for them.
    async fn pool_resource_servers(&self, pool_id: &str) -> Result<std::sync::Arc<Vec<ResourceServer>>>;
}

/// A pool's external identity providers, found by name or by one of their IdpIdentifiers
/// (each identifier names one provider of the pool).
#[async_trait]
pub trait FederationStore: Send + Sync {
    /// A taken name is `Conflict("name")`, a taken identifier `Conflict("identifier")`.
    async fn insert_identity_provider(&self, provider: &IdentityProvider) -> Result<()>;
    async fn get_identity_provider(&self, pool_id: &str, name: &str) -> Result<Option<IdentityProvider>>;
    async fn identity_provider_by_identifier(
        &self,
        pool_id: &str,
        identifier: &str,
    ) -> Result<Option<IdentityProvider>>;
    /// Providers by name, starting after `after`.
    async fn list_identity_providers(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<IdentityProvider>>;
    /// Replaces a provider (its identifiers too); false if there is none of that name. An
    /// identifier another provider has is `Conflict("identifier")`.
    async fn update_identity_provider(&self, provider: &IdentityProvider) -> Result<bool>;
    async fn delete_identity_provider(&self, pool_id: &str, name: &str) -> Result<bool>;
}

/// The hosted pages' single-sign-on sessions. They and the authorization codes live beside
/// the challenge sessions (an [`AuthSession`] whose `challenge` says which it is); a code is
/// taken with [`TokenStore::take_session`], once.
#[async_trait]
pub trait HostedStore: Send + Sync {
    /// A hosted sign-in's writes at once: its single-sign-on `session`, the authorization
    /// `code` it redirects with (none for the implicit flow) and its auth `event`.
    async fn start_hosted_session(
        &self,
        session: &AuthSession,
        code: Option<&AuthSession>,
        event: Option<&AuthEvent>,
    ) -> Result<()>;
    /// A session without taking it (the single-sign-on cookie is shown many times), with the
    /// user it was started for (`None` if that user is gone); one round trip where the backend
    /// allows.
    async fn find_session(&self, digest: &str) -> Result<Option<(AuthSession, Option<User>)>>;
    /// Ends a session (sign-out from the hosted pages); nothing happens if it is gone.
    async fn delete_session(&self, digest: &str) -> Result<()>;
    /// A code exchange's writes at once: marks the authorization code `code_digest`
    /// [`SPENT_AUTHORIZATION_CODE`](crate::model::SPENT_AUTHORIZATION_CODE) (its row stays until
    /// it expires) and stores the refresh token, reading the user's groups as
    /// [`TokenStore::start_session`] does; one round trip where the backend allows. `None`, and
    /// nothing stored, when the code is no longer unspent: another exchange spent it first.
    async fn redeem_authorization_code(
        &self,
        code_digest: &str,
        record: &RefreshTokenRecord,
    ) -> Result<Option<Vec<Group>>>;
}

/// The delivery queue: messages written with the state they announce (see `outgoing` above),
/// taken by one worker at a time, sent outside any transaction.
#[async_trait]
pub trait OutboundStore: Send + Sync {
    /// Queues messages on their own (when no other state changes with them).
    async fn enqueue_messages(&self, messages: &[QueuedMessage]) -> Result<()>;
    /// Takes up to `limit` messages due by `now`, oldest due first: each gets `lease_until` as its
    /// due time and one more attempt, so that no other worker takes it meanwhile (on PostgreSQL,
    /// concurrent workers skip each other's rows).
    async fn claim_messages(&self, now: UnixTime, lease_until: UnixTime, limit: u32) -> Result<Vec<QueuedMessage>>;
    /// Removes messages that were sent (or given up on), in one statement.
    async fn finish_messages(&self, ids: &[String]) -> Result<()>;
    /// Puts a message back for another try at `due`, noting why the last one failed.
    async fn retry_message(&self, id: &str, due: UnixTime, error: &str) -> Result<()>;
    /// How many messages wait, and the oldest one's creation time (for health and logs).
    async fn queue_depth(&self) -> Result<(i64, Option<UnixTime>)>;
}

/// Users' confirmed devices.
#[async_trait]
pub trait DeviceStore: Send + Sync {
    /// Adds a confirmed device; [`StoreError::Conflict`] if its key is taken.
    async fn insert_device(&self, device: &Device) -> Result<()>;
    async fn get_device(&self, pool_id: &str, key: &str) -> Result<Option<Device>>;
    /// A user's devices ordered by key, starting after `after`.
    async fn list_devices(&self, pool_id: &str, sub: &str, after: Option<&str>, limit: u32) -> Result<Vec<Device>>;
    /// Sets a device of this user remembered or not; false if the user has no such device.
    async fn set_device_remembered(
        &self,
        pool_id: &str,
        sub: &str,
        key: &str,
        remembered: bool,
        now: UnixTime,
    ) -> Result<bool>;
    /// Notes that a device proved itself at a sign-in.
    async fn device_authenticated(&self, pool_id: &str, key: &str, now: UnixTime) -> Result<()>;
    /// Forgets a device of this user; false if the user has no such device.
    async fn delete_device(&self, pool_id: &str, sub: &str, key: &str) -> Result<bool>;
}

/// Users' passkeys.
#[async_trait]
pub trait PasskeyStore: Send + Sync {
    /// Adds a passkey unless its user has `cap` of them already (then false, nothing stored). A
    /// credential id the pool knows already, this user's or another's, is a `Conflict`.
    async fn insert_passkey(&self, passkey: &Passkey, cap: u32) -> Result<bool>;
    /// A passkey of this user by its credential id.
    async fn get_passkey(&self, pool_id: &str, sub: &str, credential_id: &str) -> Result<Option<Passkey>>;
    /// A user's passkeys ordered by credential id, starting after `after`.
    async fn list_passkeys(&self, pool_id: &str, sub: &str, after: Option<&str>, limit: u32) -> Result<Vec<Passkey>>;
    /// Records a sign-in with a passkey: its counter becomes `count` and `last_used` `now`, only
    /// if `count` passes the stored counter (or both are 0: an authenticator without one).
    /// False, and nothing changed, otherwise: a cloned authenticator, or a concurrent use.
    async fn passkey_used(
        &self,
        pool_id: &str,
        sub: &str,
        credential_id: &str,
        count: u32,
        now: UnixTime,
    ) -> Result<bool>;
    /// Removes a passkey of this user; false if the user has no such passkey.
    async fn delete_passkey(&self, pool_id: &str, sub: &str, credential_id: &str) -> Result<bool>;
}

/// Everything Cognate keeps.
#[async_trait]
pub trait Store:
    PoolStore
    + ClientStore
    + UserStore
    + UserActivityStore
    + GroupStore
    + TokenStore
    + OAuthStore
    + HostedStore
    + FederationStore
    + OutboundStore
    + DeviceStore
    + PasskeyStore
{
    /// Whether the database answers.
    async fn ping(&self) -> Result<()>;
    /// The deployment's secret (it keys code digests and seals SRP verifiers): the stored one, or
    /// `candidate`, stored now, if there is none yet. Every instance on one database gets the same.
    async fn server_secret(&self, candidate: &[u8; 32]) -> Result<[u8; 32]>;
}
