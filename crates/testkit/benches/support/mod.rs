//! What the in-process benchmarks share: the use cases over a store, as the server builds them
//! (system clock, log delivery, the development password-hash cost).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use cognate_domain::{Cognate, LogDelivery, ServiceConfig, Store, SystemClock};

/// `Cognate` over `store`, its issuer under `public_url`.
pub fn in_process(store: Arc<dyn Store>, public_url: &str) -> Cognate {
    let config = ServiceConfig {
        public_url: public_url.into(),
        region: "us-east-1".into(),
        account_id: "000000000000".into(),
        code_key: [1; 32],
        max_code_attempts: 5,
        aws_issuer: false,
        sms_limits: Default::default(),
    };
    let hasher =
        cognate_crypto::password::PasswordHasher::new(cognate_crypto::password::HashCost::DEVELOPMENT).unwrap();
    Cognate::new(store, Arc::new(SystemClock), Arc::new(LogDelivery), hasher, config)
}
