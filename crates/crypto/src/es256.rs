//! ES256 (ECDSA P-256, SHA-256) JWTs signed with a key given as PEM PKCS#8 — the form Apple
//! hands out its `.p8` keys in — for the client secret Sign in with Apple requires.

use aws_lc_rs::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use base64::Engine;
use serde::Serialize;

use crate::jwt::JwtError;

/// A P-256 private key, parsed once, that signs ES256 tokens under a fixed `kid`.
pub struct Es256Key {
    pair: EcdsaKeyPair,
    /// `base64url({"alg":"ES256","kid":...})`, computed once.
    encoded_header: String,
}

impl std::fmt::Debug for Es256Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Es256Key").finish_non_exhaustive()
    }
}

/// The DER inside a PEM block (`-----BEGIN PRIVATE KEY-----`); also takes the bare base64, as
/// keys pasted into a form often lose their armour lines.
fn pem_body(pem: &str) -> Result<Vec<u8>, JwtError> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("-----"))
        .flat_map(|line| line.split_whitespace())
        .collect();
    B64.decode(body).map_err(|_| JwtError::BadKey)
}

impl Es256Key {
    /// Loads a PEM (or bare base64) PKCS#8 P-256 key; `kid` goes in every token's header.
    pub fn from_pem(pem: &str, kid: &str) -> Result<Self, JwtError> {
        let der = pem_body(pem)?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der).map_err(|_| JwtError::BadKey)?;
        let header = serde_json::json!({ "alg": "ES256", "kid": kid });
        Ok(Self { pair, encoded_header: B64URL.encode(header.to_string()) })
    }

    /// The public key as an uncompressed SEC1 point (`04 || x || y`), for checks.
    pub fn public_key(&self) -> Vec<u8> {
        use aws_lc_rs::signature::KeyPair;
        self.pair.public_key().as_ref().to_vec()
    }

    /// Signs `claims` into a compact JWT (the signature is the 64-byte `r || s` JOSE wants).
    pub fn sign(&self, claims: &impl Serialize) -> Result<String, JwtError> {
        let payload = serde_json::to_vec(claims).map_err(|_| JwtError::Malformed)?;
        let mut token = format!("{}.{}", self.encoded_header, B64URL.encode(payload));
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let signature = self.pair.sign(&rng, token.as_bytes()).map_err(|_| JwtError::BadKey)?;
        token.push('.');
        B64URL.encode_string(signature.as_ref(), &mut token);
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};

    fn fresh_pem() -> String {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let der = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let base64 = B64.encode(der.as_ref());
        let lines: Vec<&str> = base64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
        format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n"))
    }

    #[test]
    fn signs_tokens_that_verify_under_its_public_key() {
        let key = Es256Key::from_pem(&fresh_pem(), "KEY123").unwrap();
        let token = key.sign(&serde_json::json!({ "iss": "TEAM", "sub": "com.example" })).unwrap();
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let header: serde_json::Value =
            serde_json::from_slice(&B64URL.decode(signed.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(header, serde_json::json!({ "alg": "ES256", "kid": "KEY123" }));
        let signature = B64URL.decode(signature).unwrap();
        assert_eq!(signature.len(), 64);
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.public_key())
            .verify(signed.as_bytes(), &signature)
            .unwrap();
    }

    #[test]
    fn refuses_what_is_not_a_p256_key() {
        assert_eq!(Es256Key::from_pem("not a key", "k").unwrap_err(), JwtError::BadKey);
        let rsa = crate::jwt::SigningKey::generate_pkcs8().unwrap();
        assert_eq!(Es256Key::from_pem(&B64.encode(rsa), "k").unwrap_err(), JwtError::BadKey);
        let bare = fresh_pem().lines().filter(|l| !l.starts_with("-----")).collect::<String>();
        assert!(Es256Key::from_pem(&bare, "k").is_ok(), "the base64 without armour is taken too");
    }
}
