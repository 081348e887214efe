//! What both backends do alike to rows: JSON bodies in and out, and the comparison of code
//! digests.

use cognate_domain::StoreError;

/// A value as the JSON text a column holds.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(e.to_string()))
}

/// A JSON column read back.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Backend(format!("corrupt row: {e}")))
}

/// Digest comparison that does not stop at the first differing byte.
pub(crate) fn digests_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The spend-cap buckets a text message sent at `now` counts in: the pool's UTC day and the
/// destination's hour, each with when it expires and its limit (only those with a limit).
pub(crate) fn sms_buckets(destination: &str, now: i64, limits: cognate_domain::SmsLimits) -> Vec<(String, i64, u32)> {
    let (day, hour) = (now.div_euclid(86_400), now.div_euclid(3600));
    let mut buckets = Vec::new();
    if let Some(limit) = limits.daily_per_pool {
        buckets.push((format!("day:{day}"), (day + 1) * 86_400, limit));
    }
    if let Some(limit) = limits.hourly_per_destination {
        buckets.push((format!("to:{destination}:{hour}"), (hour + 1) * 3600, limit));
    }
    buckets
}
