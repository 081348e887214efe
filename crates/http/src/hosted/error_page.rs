//! `GET /error`: the page a browser lands on when a request cannot be sent back to the client.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::pages;

/// The parameters the page shows.
#[derive(Deserialize)]
pub struct ErrorParams {
    error: Option<String>,
    error_description: Option<String>,
}

/// The handler of `GET /error` (status 400, as Cognito's).
pub async fn page(Query(params): Query<ErrorParams>) -> Response {
    let error = params.error.as_deref().unwrap_or("invalid_request");
    pages::error(StatusCode::BAD_REQUEST, error, params.error_description.as_deref().unwrap_or_default())
}
