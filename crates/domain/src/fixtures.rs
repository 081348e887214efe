//! Fixtures of the unit tests: a pool and a user as small as the model allows.

use crate::model::{Pool, PoolSettings, User, UserStatus};

/// A pool with default settings.
pub(crate) fn pool() -> Pool {
    serde_json::from_value(serde_json::json!({
        "id": "us-east-1_test", "name": "t", "created": 0, "modified": 0, "username_attributes": [],
        "alias_attributes": [], "case_sensitive": false, "schema": [],
        "settings": serde_json::to_value(PoolSettings::default()).expect("default settings serialize")
    }))
    .expect("a pool from its fields")
}

/// A confirmed, enabled user of that pool with these attributes and no password.
pub(crate) fn user(attributes: &[(&str, &str)]) -> User {
    let attributes = attributes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    User::new("us-east-1_test", "s".into(), "u".into(), UserStatus::Confirmed, attributes, 0)
}
