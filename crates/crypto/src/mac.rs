//! Keyed hashes: Cognito's SECRET_HASH, and the digests under which codes and tokens are stored.

use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of `parts`, concatenated, under `key`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else { unreachable!("HMAC takes any key length") };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Cognito's SECRET_HASH: `base64(HMAC-SHA256(client_secret, username + client_id))`.
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    B64.encode(hmac_sha256(client_secret.as_bytes(), &[username.as_bytes(), client_id.as_bytes()]))
}

/// Whether a presented SECRET_HASH is right, compared in constant time.
pub fn secret_hash_matches(client_secret: &str, username: &str, client_id: &str, presented: &str) -> bool {
    crate::constant_time_eq(secret_hash(client_secret, username, client_id).as_bytes(), presented.as_bytes())
}

/// SHA-256 hex of a high-entropy secret (refresh token, session), the form it is stored in.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The stored form of a low-entropy one-time code: keyed with a server secret so that a leaked
/// database does not let six digits be found by trying all million, and bound to what it is for.
pub fn code_digest(server_key: &[u8], context: &str, code: &str) -> String {
    hex::encode(hmac_sha256(server_key, &[context.as_bytes(), b"\0", code.as_bytes()]))
}

/// PKCE's S256 transform (RFC 7636 section 4.2): `base64url(SHA-256(verifier))`, unpadded.
pub fn pkce_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// OpenID Connect's `at_hash` for an RS256 id token: the left half of the access token's SHA-256,
/// base64url without padding.
pub fn at_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_hash_matches_a_known_value() {
        // Computed independently with Python: base64(hmac.new(b"secret", b"alice" + b"client", sha256)).
        assert_eq!(secret_hash("secret", "alice", "client"), "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0=");
        assert!(secret_hash_matches("secret", "alice", "client", &secret_hash("secret", "alice", "client")));
        assert!(!secret_hash_matches("secret", "alice", "client", "nope"));
    }

    #[test]
    fn code_digests_depend_on_key_context_and_code() {
        let a = code_digest(b"k1", "pool/sub/SIGN_UP", "123456");
        assert_eq!(a, code_digest(b"k1", "pool/sub/SIGN_UP", "123456"));
        assert_ne!(a, code_digest(b"k2", "pool/sub/SIGN_UP", "123456"));
        assert_ne!(a, code_digest(b"k1", "pool/sub/FORGOT_PASSWORD", "123456"));
        assert_ne!(a, code_digest(b"k1", "pool/sub/SIGN_UP", "123457"));
    }

    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
