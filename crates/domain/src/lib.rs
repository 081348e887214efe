//! Cognate's model and use cases: pools, app clients, users, the authentication state machine
//! and token issuing. Storage, clock and message delivery come in through traits; nothing here
//! knows about HTTP or SQL.

mod account;
pub mod attributes;
mod certificate;
mod client_secrets;
mod clients;
pub mod clock;
mod codes;
pub mod delivery;
pub mod devices;
pub mod error;
pub mod federation;
pub mod feed;
#[cfg(test)]
mod fixtures;
mod groups;
mod hashing;
pub mod keys;
pub mod kms;
mod listing;
pub mod mfa;
pub mod model;
pub mod oauth;
pub mod passkeys;
pub mod policy;
mod pools;
mod profile;
mod recovery;
mod risk;
mod signin;
pub mod store;
mod tags;
pub mod tokens;
pub mod triggers;
mod users;
pub mod wallet;

use std::sync::Arc;

use cognate_crypto::password::PasswordHasher;

pub use account::lockout_seconds;
pub use clients::{ClientInput, NewClientSecret};
pub use clock::{Clock, ManualClock, SystemClock, UnixTime};
pub use delivery::{Channel, Delivery, DeliveryError, LogDelivery, Message, OutboxDelivery, Transports};
pub use error::{DomainError, Result, StoreError};
pub use groups::GroupInput;
pub use pools::NewPool;
pub use risk::RiskParts;
pub use signin::{AuthOutcome, AuthRequest, ChallengeRequest};
pub use store::Store;
pub use users::{visible_attributes, CodeDelivery, NewUserByAdmin, SignUpInput, SignUpOutcome};

/// Settings the use cases need, fixed at start-up.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Base URL that prefixes the issuer: `<public_url>/<poolId>`.
    pub public_url: String,
    /// Region used in new pool ids and ARNs.
    pub region: String,
    /// Account id used in ARNs.
    pub account_id: String,
    /// Server secret that keys the digests of one-time codes.
    pub code_key: [u8; 32],
    /// Wrong codes tolerated before a code is voided.
    pub max_code_attempts: u32,
    /// Whether tokens carry Amazon Cognito's issuer (`https://cognito-idp.<region>.amazonaws.com/<poolId>`)
    /// instead of `<public_url>/<poolId>`, for verifiers hard-wired to AWS.
    pub aws_issuer: bool,
    /// The spend cap on text messages, so that a bug or an attacker cannot run up a bill.
    pub sms_limits: SmsLimits,
}

/// How many text messages may go out: per pool per UTC day, and per phone number per hour.
/// `None` is no limit. The counts are kept in the database: a restart does not reset them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SmsLimits {
    pub daily_per_pool: Option<u32>,
    pub hourly_per_destination: Option<u32>,
}

/// The use cases, with everything they depend on. Cheap to share behind an `Arc`.
pub struct Cognate {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    /// The local delivery (log or outbox), for channels with no transport.
    pub(crate) delivery: Arc<dyn Delivery>,
    /// The real transports the worker sends queued messages through.
    pub(crate) transports: Transports,
    /// Wakes the delivery worker when a request queues a message.
    pub(crate) delivery_wake: tokio::sync::Notify,
    pub(crate) queue_seal_key: [u8; 32],
    /// The root of the keys that wrap the data keys of custom senders' codes.
    pub(crate) kms_root: [u8; 32],
    pub(crate) hashing: hashing::HashPool,
    pub(crate) keys: keys::KeyRing,
    pub(crate) provider_cache: federation::ProviderCache,
    /// Where the pools' triggers run.
    pub(crate) triggers: triggers::Triggers,
    pub(crate) config: ServiceConfig,
}

impl Cognate {
    /// Wires the use cases to their dependencies.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        delivery: Arc<dyn Delivery>,
        hasher: PasswordHasher,
        config: ServiceConfig,
    ) -> Self {
        let seal_key = cognate_crypto::mac::hmac_sha256(&config.code_key, &[b"srp-verifier-seal"]);
        let hashing = hashing::HashPool::start(hasher, seal_key);
        Self {
            store,
            clock,
            delivery,
            transports: Transports::default(),
            delivery_wake: tokio::sync::Notify::new(),
            queue_seal_key: delivery::queue::queue_seal_key(&config.code_key),
            kms_root: kms::wrapping_root(&config.code_key),
            hashing,
            keys: keys::KeyRing::default(),
            provider_cache: federation::ProviderCache::default(),
            triggers: triggers::Triggers::default(),
            config,
        }
    }

    /// The same use cases with real transports: messages of their channels are queued and sent
    /// by [`Cognate::run_delivery_worker`], which the caller spawns.
    pub fn with_transports(self, transports: Transports) -> Self {
        Self { transports, ..self }
    }

    /// The same use cases with triggers: pools may name the functions `triggers` can call.
    pub fn with_triggers(self, triggers: triggers::Triggers) -> Self {
        Self { triggers, ..self }
    }

    /// The settings the use cases were built with.
    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    /// The current time, from the injected clock.
    pub fn now(&self) -> UnixTime {
        self.clock.now()
    }

    /// Whether the database answers (for `/health`).
    pub async fn health(&self) -> Result<()> {
        self.store.ping().await.map_err(Into::into)
    }

    /// The JWKS document of a pool, or `None` if the pool does not exist.
    pub async fn jwks(&self, pool_id: &str) -> Result<Option<Arc<str>>> {
        if self.store.get_pool(pool_id).await?.is_none() {
            return Ok(None);
        }
        Ok(Some(self.keys.for_pool(self.store.as_ref(), pool_id, self.clock.now()).await?.jwks_json.clone()))
    }

    /// Sets `user`'s password: its argon2id hash and SRP verifier, made on the hashing threads.
    pub(crate) async fn set_password(&self, user: &mut model::User, password: &str) -> Result<()> {
        let owner = hashing::Owner {
            pool_name: srp_pool_name(&user.pool_id).to_owned(),
            user_id: user.username.clone(),
            context: format!("{}/{}", user.pool_id, user.sub),
        };
        let stored = self.hashing.hash(password, owner).await?;
        user.password_hash = Some(stored.phc);
        user.srp = Some(stored.srp);
        Ok(())
    }

    /// Checks a password on the hashing threads; with no stored hash, spends the same time.
    pub(crate) async fn verify_password(&self, password: &str, phc: Option<&str>) -> Result<bool> {
        self.hashing.verify(password, phc).await
    }
}

/// The pool name SRP hashes: the part of the pool id after the underscore.
pub(crate) fn srp_pool_name(pool_id: &str) -> &str {
    pool_id.split_once('_').map_or(pool_id, |(_, name)| name)
}
