//! `POST /oauth2/token`: the `authorization_code`, `client_credentials` and `refresh_token` grants, for clients of
//! pools with a domain, authenticated by `client_secret_basic` or `client_secret_post`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cognate_domain::oauth::OAuthError;
use serde::Serialize;

use super::error::{no_store, Endpoint, OAuthErrorResponse};
use super::{client_auth, form};
use crate::AppState;

/// The token endpoint's answer (RFC 6749 section 5.1, with Cognito's `id_token`).
#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    token_type: &'static str,
    expires_in: i64,
}

/// The handler of `POST /oauth2/token`.
pub async fn token(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    match grant(&state, &parts, body).await {
        Ok(answer) => {
            let mut response = (StatusCode::OK, serde_json::to_string(&answer).unwrap_or_default()).into_response();
            no_store(&mut response);
            response
        }
        Err(err) => OAuthErrorResponse(err, Endpoint::Token).into_response(),
    }
}

async fn grant(state: &AppState, parts: &Parts, body: Body) -> Result<TokenResponse, OAuthError> {
    let form = form::read(state, parts, body).await?;
    let grant_type =
        form.get("grant_type").ok_or_else(|| OAuthError::InvalidRequest("grant_type is required.".into()))?;
    let auth = client_auth::from_request(&parts.headers, &form, crate::served::of(parts))?;
    let cognate = &state.cognate;
    match grant_type.as_str() {
        "client_credentials" => {
            let token = cognate.client_credentials_token(&auth, form.get("scope").map(String::as_str)).await?;
            Ok(TokenResponse {
                access_token: token.access_token,
                id_token: None,
                refresh_token: None,
                token_type: "Bearer",
                expires_in: token.expires_in,
            })
        }
        "refresh_token" => {
            let refresh_token = form
                .get("refresh_token")
                .ok_or_else(|| OAuthError::InvalidRequest("refresh_token is required.".into()))?;
            let tokens = cognate.refresh_token_grant(&auth, refresh_token).await?;
            Ok(TokenResponse {
                access_token: tokens.access_token,
                id_token: tokens.id_token,
                refresh_token: tokens.refresh_token,
                token_type: "Bearer",
                expires_in: tokens.expires_in,
            })
        }
        "authorization_code" => {
            let code = form.get("code").ok_or_else(|| OAuthError::InvalidRequest("code is required.".into()))?;
            let field = |name: &str| form.get(name).map(String::as_str);
            let tokens =
                cognate.authorization_code_grant(&auth, code, field("redirect_uri"), field("code_verifier")).await?;
            Ok(TokenResponse {
                access_token: tokens.access_token,
                id_token: tokens.id_token,
                refresh_token: tokens.refresh_token,
                token_type: "Bearer",
                expires_in: tokens.expires_in,
            })
        }
        other => Err(OAuthError::UnsupportedGrantType(format!("{other} is not a grant type of this endpoint."))),
    }
}
