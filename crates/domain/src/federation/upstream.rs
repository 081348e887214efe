//! The calls Cognate makes to identity providers, as the domain sees them: a GET (discovery,
//! JWKS, the attributes URL) and a form POST (the token endpoint), each bounded in time and
//! size and allowed only to the endpoints Cognito would call (https, or http on loopback). The
//! implementation lives with the other network code (`cognate-http`'s `upstream`), and is
//! handed to the server at start-up.

use async_trait::async_trait;

/// What an identity provider answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Why a call to an identity provider gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpstreamError {
    /// The URL is not one Cognate calls: not https, and not http to a loopback address.
    #[error("{0} is not an https URL (http only on a loopback address)")]
    Refused(String),
    #[error("{0} did not answer in time")]
    Timeout(String),
    #[error("{0} answered more than the limit")]
    TooLarge(String),
    #[error("{0}: {1}")]
    Unreachable(String, String),
}

/// The outbound client for identity providers.
#[async_trait]
pub trait UpstreamClient: Send + Sync {
    /// `GET url`, with `Authorization: Bearer <bearer>` when given.
    async fn get(&self, url: &str, bearer: Option<&str>) -> Result<UpstreamResponse, UpstreamError>;
    /// `POST url` with `form` as `application/x-www-form-urlencoded`, and `Authorization: Bearer
    /// <bearer>` when given.
    async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        bearer: Option<&str>,
    ) -> Result<UpstreamResponse, UpstreamError>;
}
