//! The compact JWT form taken apart: size limit, three base64url parts, the header's `alg` and
//! `kid`, the payload bytes and the signature. Nothing here trusts the token yet.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use serde::Deserialize;

use crate::error::VerifyError;

/// Longest token accepted. Cognito's own stay under 2 KiB even with many groups.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The signing algorithms a JWKS may announce and this library verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    RS256,
    RS384,
    RS512,
    ES256,
    ES384,
    EdDSA,
}

impl Algorithm {
    /// Reads a JOSE `alg` name, telling the dangerous ones apart.
    pub fn from_name(name: &str) -> Result<Self, VerifyError> {
        Ok(match name {
            "RS256" => Algorithm::RS256,
            "RS384" => Algorithm::RS384,
            "RS512" => Algorithm::RS512,
            "ES256" => Algorithm::ES256,
            "ES384" => Algorithm::ES384,
            "EdDSA" => Algorithm::EdDSA,
            "none" | "None" | "NONE" | "" => return Err(VerifyError::Unsigned),
            "HS256" | "HS384" | "HS512" => return Err(VerifyError::HmacAlgorithm),
            other => return Err(VerifyError::UnsupportedAlgorithm(other.chars().take(16).collect())),
        })
    }

    /// The JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::EdDSA => "EdDSA",
        }
    }
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

/// A token split into its parts, decoded but not verified.
#[derive(Debug)]
pub struct DecodedToken<'a> {
    pub algorithm: Algorithm,
    pub kid: String,
    /// `header.payload`: the bytes the signature covers.
    pub signed_part: &'a [u8],
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
}

/// Splits and decodes a compact JWT. Refuses, before any key is looked at: oversized tokens,
/// anything but three parts, unsigned and HMAC tokens, and a missing `kid`.
pub fn decode(token: &str) -> Result<DecodedToken<'_>, VerifyError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(VerifyError::TooLarge);
    }
    let mut parts = token.splitn(4, '.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(VerifyError::Malformed);
    };
    let header_bytes = B64URL.decode(h).map_err(|_| VerifyError::Malformed)?;
    let header: Header = serde_json::from_slice(&header_bytes).map_err(|_| VerifyError::Malformed)?;
    let algorithm = Algorithm::from_name(&header.alg)?;
    let kid = header.kid.ok_or(VerifyError::MissingKid)?;
    let payload = B64URL.decode(p).map_err(|_| VerifyError::Malformed)?;
    if s.is_empty() {
        return Err(VerifyError::BadSignature);
    }
    let signature = B64URL.decode(s).map_err(|_| VerifyError::Malformed)?;
    let signed_part = &token.as_bytes()[..h.len() + 1 + p.len()];
    Ok(DecodedToken { algorithm, kid, signed_part, payload, signature })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(json: &str) -> String {
        B64URL.encode(json)
    }

    #[test]
    fn dangerous_and_broken_headers_are_refused_with_their_own_reason() {
        let body = part("{}");
        let token = |header: &str| format!("{}.{body}.c2ln", part(header));
        assert_eq!(decode(&token(r#"{"alg":"none","kid":"k"}"#)).unwrap_err(), VerifyError::Unsigned);
        assert_eq!(decode(&token(r#"{"alg":"HS256","kid":"k"}"#)).unwrap_err(), VerifyError::HmacAlgorithm);
        assert!(matches!(
            decode(&token(r#"{"alg":"PS256","kid":"k"}"#)).unwrap_err(),
            VerifyError::UnsupportedAlgorithm(_)
        ));
        assert_eq!(decode(&token(r#"{"alg":"RS256"}"#)).unwrap_err(), VerifyError::MissingKid);
        assert_eq!(decode(&token(r#"{"kid":"k"}"#)).unwrap_err(), VerifyError::Malformed);
        assert_eq!(decode(&token("[1]")).unwrap_err(), VerifyError::Malformed);
        assert_eq!(decode("a.b").unwrap_err(), VerifyError::Malformed);
        assert_eq!(decode("a.b.c.d").unwrap_err(), VerifyError::Malformed);
        assert_eq!(decode("").unwrap_err(), VerifyError::Malformed);
        assert_eq!(decode("!!!.@@@.###").unwrap_err(), VerifyError::Malformed);
        assert_eq!(decode(&"a".repeat(MAX_TOKEN_LEN + 1)).unwrap_err(), VerifyError::TooLarge);
        let unsigned = format!("{}.{body}.", part(r#"{"alg":"RS256","kid":"k"}"#));
        assert_eq!(decode(&unsigned).unwrap_err(), VerifyError::BadSignature);
    }

    #[test]
    fn a_well_formed_token_is_split() {
        let token = format!("{}.{}.c2ln", part(r#"{"alg":"ES256","kid":"k1","typ":"JWT"}"#), part(r#"{"a":1}"#));
        let decoded = decode(&token).unwrap();
        assert_eq!((decoded.algorithm, decoded.kid.as_str()), (Algorithm::ES256, "k1"));
        assert_eq!(decoded.payload, br#"{"a":1}"#);
        assert_eq!(decoded.signature, b"sig");
        assert!(token.as_bytes().starts_with(decoded.signed_part));
    }
}
