//! `GET /<poolId>/revocations?after=<cursor>`: the revocation feed that cognate-verify and
//! cognate-gate follow, read with HTTP Basic credentials of a confidential app client of the pool.
//! Errors keep Cognito's JSON shape; the status says what HTTP clients look at (401, 400).

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cognate_domain::DomainError;

use crate::{ApiError, AppState};

#[derive(serde::Deserialize)]
pub struct FeedQuery {
    after: Option<String>,
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(B64.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn unauthorized(message: &str) -> Response {
    let mut response = ApiError::from(DomainError::NotAuthorized(message.to_owned())).into_response();
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Basic realm=\"cognate\""));
    response
}

/// The feed page after the cursor.
pub async fn revocations(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    Query(query): Query<FeedQuery>,
    headers: HeaderMap,
) -> Response {
    let Some((client_id, secret)) = basic_credentials(&headers) else {
        return unauthorized("Client credentials are required (HTTP Basic).");
    };
    match state.cognate.revocation_feed(&pool_id, &client_id, &secret, query.after.as_deref()).await {
        Ok(page) => ([(header::CACHE_CONTROL, "no-store")], axum::Json(page)).into_response(),
        Err(DomainError::NotAuthorized(message)) => unauthorized(&message),
        Err(other) => ApiError::from(other).into_response(),
    }
}
