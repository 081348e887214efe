//! `GET /ui-assets/<pool>/<ALL or client>/<version>/logo`: the logo SetUICustomization gave,
//! cacheable for a year because each upload has its own version in the URL.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cognate_domain::oauth::UiTarget;

use crate::AppState;

/// The handler of the logo's URL.
pub async fn logo(
    State(state): State<AppState>,
    Path((pool_id, client_id, version)): Path<(String, String, i64)>,
) -> Response {
    let target = UiTarget::from_client_id(Some(&client_id));
    match state.cognate.ui_logo(&pool_id, target, version).await {
        Ok(Some((kind, bytes))) => {
            let mut response = (StatusCode::OK, bytes).into_response();
            let headers = response.headers_mut();
            let kind = HeaderValue::from_str(&kind).unwrap_or(HeaderValue::from_static("application/octet-stream"));
            headers.insert(header::CONTENT_TYPE, kind);
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
            headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'"));
            response
        }
        Ok(None)
        | Err(cognate_domain::DomainError::ResourceNotFound(_) | cognate_domain::DomainError::InvalidParameter(_)) => {
            StatusCode::NOT_FOUND.into_response()
        }
        Err(err) => {
            tracing::error!(%err, "cannot serve a logo");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
