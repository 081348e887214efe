//! Why a token was refused: one variant per reason, so that callers, logs and metrics can tell a
//! forged token from an expired one.

/// A refused token, or a verifier that could not get the keys to decide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Longer than [`crate::MAX_TOKEN_LEN`].
    #[error("the token is too large")]
    TooLarge,
    /// Not three base64url parts, or a header or payload that is not a JSON object.
    #[error("the token is not a well-formed JWT")]
    Malformed,
    /// `alg: none`: an unsigned token.
    #[error("unsigned tokens (alg none) are refused")]
    Unsigned,
    /// An HMAC algorithm: with a public key it would be the algorithm-confusion attack.
    #[error("HMAC-signed tokens are refused (algorithm confusion)")]
    HmacAlgorithm,
    /// An algorithm this library does not verify.
    #[error("unsupported signing algorithm {0}")]
    UnsupportedAlgorithm(String),
    /// The header has no `kid`.
    #[error("the token has no key id")]
    MissingKid,
    /// No key with the token's `kid` in the issuer's JWKS, even after a refetch.
    #[error("no key with the token's key id")]
    UnknownKid,
    /// The key exists but is of another type or announces another algorithm than the header.
    #[error("the token's algorithm does not match its key")]
    AlgorithmMismatch,
    /// The signature does not match the header and payload.
    #[error("the token's signature does not verify")]
    BadSignature,
    /// `exp` (plus the allowed skew) has passed, or is missing.
    #[error("the token has expired")]
    Expired,
    /// `nbf` or `iat` lies in the future (beyond the allowed skew).
    #[error("the token is not valid yet")]
    NotYetValid,
    /// `iss` is not the expected issuer.
    #[error("the token was issued by another issuer")]
    WrongIssuer,
    /// Neither `client_id` (access token) nor `aud` (id token) is an accepted client.
    #[error("the token was issued to another client")]
    WrongClient,
    /// `token_use` is not the expected one.
    #[error("the token is of the wrong use (id or access)")]
    WrongTokenUse,
    /// A required scope is missing from `scope`.
    #[error("the token lacks a required scope")]
    MissingScope,
    /// The user is in none of the required groups.
    #[error("the token's user is not in a required group")]
    MissingGroup,
    /// A custom claim check refused the token.
    #[error("claim check failed: {0}")]
    ClaimRejected(String),
    /// The token's session was revoked (GlobalSignOut, RevokeToken, disabled or deleted user).
    #[error("the token has been revoked")]
    Revoked,
    /// The JWKS could not be fetched or parsed.
    #[error("the issuer's keys are unavailable: {0}")]
    JwksUnavailable(String),
}

impl VerifyError {
    /// A short stable name, for metrics labels and logs.
    pub fn reason(&self) -> &'static str {
        match self {
            VerifyError::TooLarge => "too_large",
            VerifyError::Malformed => "malformed",
            VerifyError::Unsigned => "alg_none",
            VerifyError::HmacAlgorithm => "alg_hmac",
            VerifyError::UnsupportedAlgorithm(_) => "alg_unsupported",
            VerifyError::MissingKid => "missing_kid",
            VerifyError::UnknownKid => "unknown_kid",
            VerifyError::AlgorithmMismatch => "alg_mismatch",
            VerifyError::BadSignature => "bad_signature",
            VerifyError::Expired => "expired",
            VerifyError::NotYetValid => "not_yet_valid",
            VerifyError::WrongIssuer => "wrong_issuer",
            VerifyError::WrongClient => "wrong_client",
            VerifyError::WrongTokenUse => "wrong_token_use",
            VerifyError::MissingScope => "missing_scope",
            VerifyError::MissingGroup => "missing_group",
            VerifyError::ClaimRejected(_) => "claim_rejected",
            VerifyError::Revoked => "revoked",
            VerifyError::JwksUnavailable(_) => "jwks_unavailable",
        }
    }

    /// Whether the token itself is at fault (401) rather than the verifier's access to keys.
    pub fn is_token_fault(&self) -> bool {
        !matches!(self, VerifyError::JwksUnavailable(_))
    }

    /// Whether the token is genuine and current but lacks a permission (403 rather than 401).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, VerifyError::MissingScope | VerifyError::MissingGroup | VerifyError::ClaimRejected(_))
    }
}
