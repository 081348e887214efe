//! The signature on Cognate's webhook calls (the SMS webhook, triggers), so that a receiver can
//! tell a call came from this server and is fresh: `X-Cognate-Timestamp` is the Unix time of
//! the call and `X-Cognate-Signature` is `v1=` followed by the hex HMAC-SHA256, under the shared
//! secret, of `<timestamp>.<body>`.

use cognate_crypto::mac;
use cognate_domain::UnixTime;

/// The header that carries the call's Unix time.
pub const TIMESTAMP_HEADER: &str = "x-cognate-timestamp";
/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "x-cognate-signature";

/// `X-Cognate-Signature`'s value for a body sent at `timestamp`.
pub fn signature(secret: &[u8], timestamp: UnixTime, body: &[u8]) -> String {
    let timestamp = timestamp.to_string();
    format!("v1={}", hex::encode(mac::hmac_sha256(secret, &[timestamp.as_bytes(), b".", body])))
}

/// The two headers of a call made at `now`.
pub fn headers(secret: &[u8], now: UnixTime, body: &[u8]) -> [(&'static str, String); 2] {
    [(TIMESTAMP_HEADER, now.to_string()), (SIGNATURE_HEADER, signature(secret, now, body))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_the_timestamp_and_the_body() {
        let a = signature(b"k", 1, b"{}");
        assert!(a.starts_with("v1=") && a.len() == 67);
        assert_ne!(a, signature(b"k", 2, b"{}"));
        assert_ne!(a, signature(b"k", 1, b"{ }"));
    }
}
