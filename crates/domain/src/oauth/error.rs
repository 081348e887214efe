//! The token and revocation endpoints' failures, as RFC 6749 (section 5.2) and RFC 7009 name them. The HTTP layer maps them
//! once to a status and a JSON body.

use crate::error::DomainError;

/// Why a token request was refused. The message is the `error_description`.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("{0}")]
    InvalidRequest(String),
    /// Client authentication failed (unknown client, wrong or missing secret).
    #[error("{0}")]
    InvalidClient(String),
    #[error("{0}")]
    InvalidGrant(String),
    /// The client may not use this grant.
    #[error("{0}")]
    UnauthorizedClient(String),
    #[error("{0}")]
    UnsupportedGrantType(String),
    #[error("{0}")]
    InvalidScope(String),
    /// Revocation of a token that is not a refresh token (RFC 7009 section 2.2.1).
    #[error("{0}")]
    UnsupportedTokenType(String),
    /// Our own fault; logged, never shown.
    #[error(transparent)]
    Server(#[from] DomainError),
}

impl OAuthError {
    /// The RFC 6749 error code.
    pub fn code(&self) -> &'static str {
        match self {
            OAuthError::InvalidRequest(_) => "invalid_request",
            OAuthError::InvalidClient(_) => "invalid_client",
            OAuthError::InvalidGrant(_) => "invalid_grant",
            OAuthError::UnauthorizedClient(_) => "unauthorized_client",
            OAuthError::UnsupportedGrantType(_) => "unsupported_grant_type",
            OAuthError::InvalidScope(_) => "invalid_scope",
            OAuthError::UnsupportedTokenType(_) => "unsupported_token_type",
            OAuthError::Server(_) => "server_error",
        }
    }
}

impl From<crate::StoreError> for OAuthError {
    fn from(err: crate::StoreError) -> Self {
        OAuthError::Server(err.into())
    }
}
