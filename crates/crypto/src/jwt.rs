//! RS256 JSON Web Tokens: a signing key held in memory, its public JWK, and verification of
//! tokens this server signed.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A failure to create, load or use a key, or to accept a token.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    #[error("the key could not be generated or parsed")]
    BadKey,
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("the token's key id is not known")]
    UnknownKey,
    #[error("the token's signature does not verify")]
    BadSignature,
}

/// A public key in JWK form, as `/.well-known/jwks.json` publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub alg: String,
    pub e: String,
    pub kid: String,
    pub kty: String,
    pub n: String,
    #[serde(rename = "use")]
    pub use_: String,
}

/// An RSA-2048 key that signs RS256 tokens. Parsed once; signing needs no further parsing.
pub struct SigningKey {
    kid: String,
    pair: KeyPair,
    verifier: ParsedPublicKey,
    /// `base64url({"alg":"RS256","kid":...})`, computed once.
    encoded_header: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Generates a fresh RSA-2048 key and returns its PKCS#8 DER encoding, for storage.
    pub fn generate_pkcs8() -> Result<Vec<u8>, JwtError> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| JwtError::BadKey)?;
        let der = pair.as_der().map_err(|_| JwtError::BadKey)?;
        Ok(der.as_ref().to_vec())
    }

    /// Loads a key from PKCS#8 DER. The key id is derived from the public key (a SHA-256
    /// thumbprint), so the same key always has the same `kid`.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, JwtError> {
        let pair = KeyPair::from_pkcs8(pkcs8).map_err(|_| JwtError::BadKey)?;
        let public_der = pair.public_key().as_ref().to_vec();
        let kid = B64URL.encode(Sha256::digest(&public_der));
        let verifier = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &public_der).map_err(|_| JwtError::BadKey)?;
        let header = serde_json::json!({ "kid": kid, "alg": "RS256" });
        let encoded_header = B64URL.encode(header.to_string());
        Ok(Self { kid, pair, verifier, encoded_header })
    }

    /// The key id carried in the `kid` header of every token this key signs.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half as a JWK.
    pub fn jwk(&self) -> Jwk {
        let public = self.pair.public_key();
        Jwk {
            alg: "RS256".into(),
            e: B64URL.encode(public.exponent().big_endian_without_leading_zero()),
            kid: self.kid.clone(),
            kty: "RSA".into(),
            n: B64URL.encode(public.modulus().big_endian_without_leading_zero()),
            use_: "sig".into(),
        }
    }

    /// Signs `claims` (already a JSON object) into a compact JWT.
    pub fn sign(&self, claims: &impl Serialize) -> Result<String, JwtError> {
        let payload = serde_json::to_vec(claims).map_err(|_| JwtError::Malformed)?;
        let mut token = String::with_capacity(self.encoded_header.len() + payload.len() * 4 / 3 + 350);
        token.push_str(&self.encoded_header);
        token.push('.');
        B64URL.encode_string(&payload, &mut token);
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        self.pair.sign(&RSA_PKCS1_SHA256, &rng, token.as_bytes(), &mut signature).map_err(|_| JwtError::BadKey)?;
        token.push('.');
        B64URL.encode_string(&signature, &mut token);
        Ok(token)
    }

    /// Checks the signature of a token split by [`split_token`] against this key.
    pub fn verify(&self, token: &SplitToken<'_>) -> Result<(), JwtError> {
        self.verifier.verify_sig(token.signed_part.as_bytes(), &token.signature).map_err(|_| JwtError::BadSignature)
    }
}

/// The parts of a compact JWT, decoded but not yet verified.
#[derive(Debug)]
pub struct SplitToken<'a> {
    /// `header.payload`, the bytes the signature covers.
    pub signed_part: &'a str,
    pub kid: String,
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

/// Longest token accepted; Cognito's own are under 2 KiB even with many groups.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// Splits and decodes a compact RS256 JWT. Refuses anything but `alg: RS256` with a `kid`.
pub fn split_token(token: &str) -> Result<SplitToken<'_>, JwtError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwtError::Malformed);
    }
    let mut parts = token.splitn(4, '.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwtError::Malformed);
    };
    let header_bytes = B64URL.decode(h).map_err(|_| JwtError::Malformed)?;
    let header: Header = serde_json::from_slice(&header_bytes).map_err(|_| JwtError::Malformed)?;
    if header.alg != "RS256" {
        return Err(JwtError::Malformed);
    }
    let kid = header.kid.ok_or(JwtError::UnknownKey)?;
    let payload = B64URL.decode(p).map_err(|_| JwtError::Malformed)?;
    let signature = B64URL.decode(s).map_err(|_| JwtError::Malformed)?;
    Ok(SplitToken { signed_part: &token[..h.len() + 1 + p.len()], kid, payload, signature })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_pkcs8(&SigningKey::generate_pkcs8().unwrap()).unwrap()
    }

    #[test]
    fn signed_token_verifies_and_tampering_is_caught() {
        let key = key();
        let token = key.sign(&serde_json::json!({"sub": "abc", "token_use": "access"})).unwrap();
        let split = split_token(&token).unwrap();
        assert_eq!(split.kid, key.kid());
        key.verify(&split).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&split.payload).unwrap();
        assert_eq!(claims["sub"], "abc");

        // Change one payload character: the signature must no longer match.
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let forged = B64URL.encode(br#"{"sub":"xyz","token_use":"access"}"#);
        parts[1] = forged;
        let forged = parts.join(".");
        assert_eq!(key.verify(&split_token(&forged).unwrap()), Err(JwtError::BadSignature));
    }

    #[test]
    fn other_keys_and_algorithms_are_refused() {
        let (a, b) = (key(), key());
        assert_ne!(a.kid(), b.kid());
        let token = a.sign(&serde_json::json!({})).unwrap();
        assert_eq!(b.verify(&split_token(&token).unwrap()), Err(JwtError::BadSignature));
        let none = format!("{}.{}.", B64URL.encode(r#"{"alg":"none","kid":"x"}"#), B64URL.encode("{}"));
        assert_eq!(split_token(&none).unwrap_err(), JwtError::Malformed);
        assert_eq!(split_token("a.b").unwrap_err(), JwtError::Malformed);
        assert_eq!(split_token("a.b.c.d").unwrap_err(), JwtError::Malformed);
        assert_eq!(split_token(&"x".repeat(MAX_TOKEN_LEN + 1)).unwrap_err(), JwtError::Malformed);
    }

    #[test]
    fn jwk_has_the_published_shape() {
        let key = key();
        let jwk = key.jwk();
        assert_eq!((jwk.kty.as_str(), jwk.alg.as_str(), jwk.use_.as_str()), ("RSA", "RS256", "sig"));
        assert_eq!(jwk.e, "AQAB");
        assert_eq!(B64URL.decode(&jwk.n).unwrap().len(), 256);
    }
}
