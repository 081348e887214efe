//! `cognate-verify`: verification of JSON Web Tokens issued by a Cognito-compatible user pool —
//! Cognate, or Amazon Cognito itself — what aws-jwt-verify is for JavaScript.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cognate_verify::VerifyError> {
//! use cognate_verify::{TokenUse, Verifier};
//! let verifier = Verifier::builder("http://127.0.0.1:9229/us-east-1_cruddur01")
//!     .client_id("cruddurwebclient0000000001")
//!     .token_use(TokenUse::Access)
//!     .with_token_cache()
//!     .build()?;
//! let claims = verifier.verify("eyJ...").await?;
//! println!("hello {}", claims.username().unwrap_or("?"));
//! # Ok(()) }
//! ```
//!
//! The core is framework-free; feature `fetch` (default) fetches JWKS documents and follows
//! Cognate's revocation feed over HTTP(S); feature `axum` adds a tower layer and an extractor.

mod cache;
mod claims;
mod error;
mod jwk;
mod jwks;
mod jwt;
mod revocation;
mod verifier;

#[cfg(feature = "fetch")]
mod fetch;

#[cfg(feature = "axum")]
pub mod axum;

pub use cache::{TokenCache, DEFAULT_CAPACITY};
pub use claims::{CognitoClaims, TokenUse};
pub use error::VerifyError;
pub use jwk::{KeySet, PublicKey, MAX_JWKS_BYTES};
pub use jwks::{BoxFuture, JwksCache, JwksFetcher, DEFAULT_REFETCH_PENALTY};
pub use jwt::{decode, Algorithm, DecodedToken, MAX_TOKEN_LEN};
pub use revocation::{FeedEvent, FeedPage, RevocationList};
pub use verifier::{unix_now, ClaimCheck, Requirements, Verifier, VerifierBuilder};

#[cfg(feature = "fetch")]
pub use fetch::{follow_revocations, poll_revocations, FeedSource, HttpFetcher};

/// The token of an `Authorization: Bearer <token>` header value (scheme matched case-insensitively).
pub fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests;
