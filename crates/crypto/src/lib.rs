//! Cognate's cryptography: RS256 signing keys and their JWKs, ES256 client secrets, password hashing, one-time codes, TOTP,
//! HMAC helpers (SECRET_HASH, hashed storage of codes and tokens), AWS Signature V4, and Ethereum signatures (EIP-191, EIP-55).
//!
//! Pure functions and key types only: no I/O, no clock (times are passed in).

pub mod certificate;
pub mod es256;
pub mod esdk;
pub mod ethereum;
pub mod jwt;
pub mod mac;
pub mod password;
pub mod random;
pub mod seal;
pub mod sigv4;
pub mod srp;
pub mod totp;

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a, b).is_ok()
}
