//! The one mapping from the domain's [`OAuthError`] to the wire: HTTP 400 (500 for our own
//! faults) with `{"error", "error_description"}`, never cached.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cognate_domain::oauth::OAuthError;

/// Which endpoint answers: they differ in one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Token,
    Revoke,
}

/// An OAuth error on its way to the client.
#[derive(Debug)]
pub struct OAuthErrorResponse(pub OAuthError, pub Endpoint);

impl IntoResponse for OAuthErrorResponse {
    fn into_response(self) -> Response {
        let (status, description) = match &self.0 {
            OAuthError::Server(cause) => {
                tracing::error!(%cause, "token endpoint: internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "An internal error occurred.".to_owned())
            }
            // Cognito's token endpoint answers a failed client authentication with 400 (RFC 6749
            // would allow 401); its revocation endpoint with 401.
            OAuthError::InvalidClient(m) if self.1 == Endpoint::Revoke => (StatusCode::UNAUTHORIZED, m.clone()),
            OAuthError::InvalidRequest(m)
            | OAuthError::InvalidClient(m)
            | OAuthError::InvalidGrant(m)
            | OAuthError::UnauthorizedClient(m)
            | OAuthError::UnsupportedGrantType(m)
            | OAuthError::InvalidScope(m)
            | OAuthError::UnsupportedTokenType(m) => (StatusCode::BAD_REQUEST, m.clone()),
        };
        let body = serde_json::json!({ "error": self.0.code(), "error_description": description }).to_string();
        let mut response = (status, body).into_response();
        no_store(&mut response);
        response
    }
}

/// Token responses and their errors must not be cached (RFC 6749 section 5.1).
pub(crate) fn no_store(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json;charset=UTF-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}
