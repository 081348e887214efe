//! JSON Web Key sets parsed once into ready-to-use public keys (RSA, P-256, P-384, Ed25519),
//! found by `kid`. A key that cannot be parsed is skipped, not fatal: one odd key in a JWKS must
//! not stop the others from working.

use std::collections::HashMap;
use std::sync::Arc;

use aws_lc_rs::signature::{
    ParsedPublicKey, VerificationAlgorithm, ECDSA_P256_SHA256_FIXED, ECDSA_P384_SHA384_FIXED, ED25519,
    RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_2048_8192_SHA512,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use serde::Deserialize;

use crate::error::VerifyError;
use crate::jwt::{Algorithm, DecodedToken};

/// Largest JWKS document accepted.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;

#[derive(Deserialize)]
struct JwkSetDocument {
    keys: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct JwkFields {
    kty: String,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    n: Option<String>,
    e: Option<String>,
    crv: Option<String>,
    x: Option<String>,
    y: Option<String>,
}

/// One public key, parsed for every algorithm it may verify.
pub struct PublicKey {
    /// The algorithm the JWK announced, if it did.
    announced: Option<Algorithm>,
    /// Parsed keys by algorithm (an RSA key without `alg` verifies RS256, RS384 and RS512).
    parsed: Vec<(Algorithm, ParsedPublicKey)>,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let algorithms: Vec<&str> = self.parsed.iter().map(|(a, _)| a.name()).collect();
        f.debug_struct("PublicKey").field("algorithms", &algorithms).finish()
    }
}

impl PublicKey {
    /// Checks a decoded token's signature with this key.
    pub fn verify(&self, token: &DecodedToken<'_>) -> Result<(), VerifyError> {
        if self.announced.is_some_and(|a| a != token.algorithm) {
            return Err(VerifyError::AlgorithmMismatch);
        }
        let (_, key) = self.parsed.iter().find(|(a, _)| *a == token.algorithm).ok_or(VerifyError::AlgorithmMismatch)?;
        key.verify_sig(token.signed_part, &token.signature).map_err(|_| VerifyError::BadSignature)
    }
}

/// An issuer's keys by `kid`.
#[derive(Debug, Default)]
pub struct KeySet {
    keys: HashMap<String, Arc<PublicKey>>,
}

impl KeySet {
    /// Parses a JWKS document (`{"keys":[...]}`). Keys without a `kid`, with `use` other than
    /// `sig`, or of an unknown type are skipped.
    pub fn from_json(document: &[u8]) -> Result<Self, VerifyError> {
        if document.len() > MAX_JWKS_BYTES {
            return Err(VerifyError::JwksUnavailable("the JWKS document is too large".into()));
        }
        let set: JwkSetDocument = serde_json::from_slice(document)
            .map_err(|e| VerifyError::JwksUnavailable(format!("the JWKS document is not valid: {e}")))?;
        let mut keys = HashMap::new();
        for value in set.keys {
            let Ok(fields) = serde_json::from_value::<JwkFields>(value) else { continue };
            let Some(kid) = fields.kid.clone() else { continue };
            if fields.use_.as_deref().is_some_and(|u| u != "sig") {
                continue;
            }
            match parse_key(&fields) {
                Some(key) => {
                    keys.insert(kid, Arc::new(key));
                }
                None => tracing::warn!(kid = %kid, kty = %fields.kty, "skipping a JWK that cannot be used"),
            }
        }
        Ok(Self { keys })
    }

    /// The key with this `kid`.
    pub fn get(&self, kid: &str) -> Option<&Arc<PublicKey>> {
        self.keys.get(kid)
    }

    /// How many usable keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set holds no usable key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn b64(field: &Option<String>) -> Option<Vec<u8>> {
    B64URL.decode(field.as_deref()?).ok()
}

fn parse_key(jwk: &JwkFields) -> Option<PublicKey> {
    let announced = match jwk.alg.as_deref() {
        Some(name) => Some(Algorithm::from_name(name).ok()?),
        None => None,
    };
    let candidates: &[Algorithm] = match (jwk.kty.as_str(), jwk.crv.as_deref()) {
        ("RSA", _) => &[Algorithm::RS256, Algorithm::RS384, Algorithm::RS512],
        ("EC", Some("P-256")) => &[Algorithm::ES256],
        ("EC", Some("P-384")) => &[Algorithm::ES384],
        ("OKP", Some("Ed25519")) => &[Algorithm::EdDSA],
        _ => return None,
    };
    if announced.is_some_and(|a| !candidates.contains(&a)) {
        return None;
    }
    let bytes = match jwk.kty.as_str() {
        "RSA" => rsa_public_key_der(&b64(&jwk.n)?, &b64(&jwk.e)?),
        "EC" => {
            let (x, y) = (b64(&jwk.x)?, b64(&jwk.y)?);
            let size = if jwk.crv.as_deref() == Some("P-256") { 32 } else { 48 };
            if x.len() != size || y.len() != size {
                return None;
            }
            [&[4u8][..], &x, &y].concat()
        }
        _ => b64(&jwk.x).filter(|x| x.len() == 32)?,
    };
    let mut parsed = Vec::new();
    for &algorithm in candidates.iter().filter(|a| announced.is_none_or(|x| x == **a)) {
        parsed.push((algorithm, ParsedPublicKey::new(verification_algorithm(algorithm), &bytes).ok()?));
    }
    Some(PublicKey { announced, parsed })
}

fn verification_algorithm(algorithm: Algorithm) -> &'static dyn VerificationAlgorithm {
    match algorithm {
        Algorithm::RS256 => &RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RS384 => &RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RS512 => &RSA_PKCS1_2048_8192_SHA512,
        Algorithm::ES256 => &ECDSA_P256_SHA256_FIXED,
        Algorithm::ES384 => &ECDSA_P384_SHA384_FIXED,
        Algorithm::EdDSA => &ED25519,
    }
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` in DER (PKCS#1).
fn rsa_public_key_der(n: &[u8], e: &[u8]) -> Vec<u8> {
    let mut body = der_integer(n);
    body.extend(der_integer(e));
    let mut out = vec![0x30];
    der_length(&mut out, body.len());
    out.extend(body);
    out
}

fn der_integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed = match magnitude.iter().position(|&b| b != 0) {
        Some(first) => &magnitude[first..],
        None => &[0u8][..],
    };
    let pad = trimmed[0] & 0x80 != 0;
    let mut out = vec![0x02];
    der_length(&mut out, trimmed.len() + usize::from(pad));
    if pad {
        out.push(0);
    }
    out.extend_from_slice(trimmed);
    out
}

fn der_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - first) as u8);
        out.extend_from_slice(&bytes[first..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_keys_are_skipped_and_good_ones_kept() {
        let doc = br#"{"keys":[
            {"kty":"RSA","kid":"no-n","e":"AQAB"},
            {"kty":"oct","kid":"hmac","k":"c2VjcmV0"},
            {"kty":"EC","kid":"short","crv":"P-256","x":"AA","y":"AA"},
            {"kty":"RSA","kid":"enc","use":"enc","n":"AQAB","e":"AQAB"},
            {"kty":"OKP","kid":"ed","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
        ]}"#;
        let set = KeySet::from_json(doc).unwrap();
        assert_eq!(set.len(), 1);
        assert!(set.get("ed").is_some());
        assert!(KeySet::from_json(b"not json").is_err());
        assert!(KeySet::from_json(&vec![b' '; MAX_JWKS_BYTES + 1]).is_err());
    }

    #[test]
    fn der_lengths_and_integers() {
        assert_eq!(der_integer(&[0x00, 0x01]), vec![2, 1, 1]);
        assert_eq!(der_integer(&[0x80]), vec![2, 2, 0, 0x80]);
        let mut out = Vec::new();
        der_length(&mut out, 257);
        assert_eq!(out, vec![0x82, 1, 1]);
    }
}
