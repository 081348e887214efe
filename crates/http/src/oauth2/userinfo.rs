//! `GET` and `POST /oauth2/userInfo`: the bearer's attributes, by the scopes of its access token,
//! with RFC 6750's `WWW-Authenticate` errors in Cognito's words.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use cognate_domain::oauth::UserInfoError;

use crate::served::ServedPool;
use crate::AppState;

/// The handler of `/oauth2/userInfo`.
pub async fn user_info(
    State(state): State<AppState>,
    Extension(served): Extension<ServedPool>,
    headers: HeaderMap,
) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer") && !token.is_empty())
        .map(|(_, token)| token.trim().to_owned());
    let outcome = match bearer {
        Some(token) => state.cognate.user_info(&token, served.0.as_deref()).await,
        None => Err(UserInfoError::InvalidRequest),
    };
    let (status, error, description) = match outcome {
        Ok(claims) => {
            let mut response = (StatusCode::OK, serde_json::Value::Object(claims).to_string()).into_response();
            super::error::no_store(&mut response);
            return response;
        }
        Err(UserInfoError::Server(cause)) => {
            tracing::error!(%cause, "userInfo: internal error");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Err(err @ UserInfoError::InvalidRequest) => (StatusCode::BAD_REQUEST, "invalid_request", err.to_string()),
        Err(UserInfoError::InvalidToken(why)) => (StatusCode::UNAUTHORIZED, "invalid_token", why),
    };
    let challenge = format!("Bearer error=\"{error}\", error_description=\"{}\"", description.replace('"', "'"));
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
