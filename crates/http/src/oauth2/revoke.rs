//! `POST /oauth2/revoke`: a client revokes a refresh token (`token` in the form), authenticated
//! as at the token endpoint. Success is 200 with an empty body, for unknown tokens too.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cognate_domain::oauth::OAuthError;

use super::error::{Endpoint, OAuthErrorResponse};
use super::{client_auth, form};
use crate::AppState;

/// The handler of `POST /oauth2/revoke`.
pub async fn revoke(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let outcome = async {
        let form = form::read(&state, &parts, body).await?;
        let token = form.get("token").ok_or_else(|| OAuthError::InvalidRequest("token is required.".into()))?;
        let auth = client_auth::from_request(&parts.headers, &form, crate::served::of(&parts))?;
        state.cognate.revoke_grant(&auth, token).await
    }
    .await;
    match outcome {
        Ok(()) => StatusCode::OK.into_response(),
        Err(err) => OAuthErrorResponse(err, Endpoint::Revoke).into_response(),
    }
}
