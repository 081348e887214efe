//! `GET /confirmUser`: the link in a sign-up email of a pool that confirms by link
//! (VerificationMessageTemplate's CONFIRM_WITH_LINK). Opening it confirms the account, as
//! Cognito's link does, and the page says so; a spent, wrong or expired code says why.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use cognate_domain::DomainError;
use serde::Deserialize;

use super::pages::{self, ConfirmUserPage};
use crate::served::ServedPool;
use crate::AppState;

/// The link's parameters, as Cognito names them.
#[derive(Deserialize)]
pub struct ConfirmUserParams {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    confirmation_code: String,
}

/// The handler of `GET /confirmUser`.
pub async fn confirm_user(
    State(state): State<AppState>,
    Extension(served): Extension<ServedPool>,
    Query(params): Query<ConfirmUserParams>,
) -> Response {
    let ConfirmUserParams { client_id, user_name, confirmation_code } = &params;
    if client_id.is_empty() || user_name.is_empty() || confirmation_code.is_empty() {
        let missing = "The link needs client_id, user_name and confirmation_code.";
        return pages::error(StatusCode::BAD_REQUEST, "invalid_request", missing);
    }
    let outcome = state.cognate.confirm_user_by_link(client_id, user_name, confirmation_code, served.0.as_deref());
    match outcome.await {
        Ok(()) => pages::render(StatusCode::OK, &ConfirmUserPage { error: None }),
        Err(DomainError::ResourceNotFound(message)) => {
            pages::error(StatusCode::BAD_REQUEST, "invalid_request", &message)
        }
        Err(DomainError::Internal(cause)) => {
            tracing::error!(%cause, "confirmUser: internal error");
            pages::error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "An internal error occurred.")
        }
        Err(other) => pages::render(StatusCode::BAD_REQUEST, &ConfirmUserPage { error: Some(&other.to_string()) }),
    }
}
