//! Random identifiers and secrets, from the operating system's CSPRNG.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use rand::distributions::{Distribution, Uniform};
use rand::rngs::OsRng;
use rand::RngCore;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

fn pick(alphabet: &[u8], len: usize) -> String {
    let dist = Uniform::from(0..alphabet.len());
    (0..len).map(|_| alphabet[dist.sample(&mut OsRng)] as char).collect()
}

/// The random part of a pool id (`us-east-1_` + 9 alphanumerics).
pub fn pool_id_suffix() -> String {
    pick(ALNUM, 9)
}

/// An app client id: 26 lowercase alphanumerics.
pub fn client_id() -> String {
    pick(LOWER_ALNUM, 26)
}

/// An app client secret: 51 lowercase alphanumerics, as Cognito's.
pub fn client_secret() -> String {
    pick(LOWER_ALNUM, 51)
}

/// A six-digit one-time code.
pub fn six_digit_code() -> String {
    format!("{:06}", Uniform::from(0..1_000_000u32).sample(&mut OsRng))
}

/// 256 random bits, base64url: refresh tokens, sessions, AWS secret keys.
pub fn opaque_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    B64URL.encode(bytes)
}

/// Random bytes for server-side keys.
pub fn key_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// An AWS-style access key id (`AKIA` + 16 upper-case alphanumerics).
pub fn access_key_id() -> String {
    format!("AKIA{}", pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16))
}

/// A random UUID v4 string (token `jti`, event ids).
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A UUID v7 string (time-ordered, 74 random bits): a user's `sub`. New users' rows then land at
/// the end of the B-trees keyed by `sub` instead of at random pages, which keeps sign-up cost flat
/// as a pool grows. It reveals the second the user was created, as `UserCreateDate` does.
pub fn time_ordered_uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A temporary password that satisfies any policy: upper, lower, digit and symbol, `len` long.
pub fn temporary_password(len: usize) -> String {
    let len = len.max(8);
    let mut password = pick(b"ABCDEFGHJKLMNPQRSTUVWXYZ", 1);
    password.push_str(&pick(b"abcdefghijkmnopqrstuvwxyz", 1));
    password.push_str(&pick(b"23456789", 1));
    password.push_str(&pick(b"^$*.!@#%&", 1));
    password.push_str(&pick(ALNUM, len - 4));
    password
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(pool_id_suffix().len(), 9);
        let id = client_id();
        assert!(id.len() == 26 && id.bytes().all(|b| LOWER_ALNUM.contains(&b)));
        let code = six_digit_code();
        assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()));
        assert_ne!(opaque_token(), opaque_token());
        assert_eq!(uuid().len(), 36);
        let temp = temporary_password(8);
        assert_eq!(temp.len(), 8);
        assert!(temp.bytes().any(|b| b.is_ascii_uppercase()) && temp.bytes().any(|b| b.is_ascii_digit()));
    }
}
