//! Documents served per pool: the JWKS and OpenID discovery; and the health probe.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::AppState;

fn json(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "public, max-age=300")], body).into_response()
}

fn not_found(pool_id: &str) -> Response {
    let body = serde_json::json!({ "message": format!("User pool {pool_id} does not exist.") }).to_string();
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `GET /<poolId>/.well-known/jwks.json`: the public keys of the pool, rendered once per load.
pub async fn jwks(State(state): State<AppState>, Path(pool_id): Path<String>) -> Response {
    match state.cognate.jwks(&pool_id).await {
        Ok(Some(jwks)) => json(jwks.to_string()),
        Ok(None) => not_found(&pool_id),
        Err(err) => crate::ApiError::from(err).into_response(),
    }
}

/// `GET /<poolId>/.well-known/openid-configuration`: issuer, JWKS and what tokens look like.
/// Only endpoints that exist are advertised.
pub async fn openid_configuration(State(state): State<AppState>, Path(pool_id): Path<String>) -> Response {
    match state.cognate.jwks(&pool_id).await {
        Ok(Some(_)) => {
            let issuer = state.cognate.issuer(&pool_id);
            let hosted = match state.cognate.hosted_base_url(&pool_id).await {
                Ok(hosted) => hosted,
                Err(err) => return crate::ApiError::from(err).into_response(),
            };
            let mut body = serde_json::json!({
                "issuer": issuer,
                "jwks_uri": state.cognate.jwks_uri(&pool_id),
                "id_token_signing_alg_values_supported": ["RS256"],
                "subject_types_supported": ["public"],
                "response_types_supported": ["code", "token"],
                "scopes_supported": ["openid", "email", "phone", "profile"],
                "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "token_use",
                    "cognito:username", "cognito:groups", "email", "email_verified", "phone_number",
                    "phone_number_verified", "name", "preferred_username"],
            });
            // The OAuth endpoints exist once the pool has a domain.
            if let Some(base) = hosted {
                body["authorization_endpoint"] = format!("{base}/oauth2/authorize").into();
                body["userinfo_endpoint"] = format!("{base}/oauth2/userInfo").into();
                body["end_session_endpoint"] = format!("{base}/logout").into();
                // Cognito does not publish it; standard clients read it to decide on PKCE.
                body["code_challenge_methods_supported"] = serde_json::json!(["S256"]);
                body["token_endpoint"] = format!("{base}/oauth2/token").into();
                body["revocation_endpoint"] = format!("{base}/oauth2/revoke").into();
                body["token_endpoint_auth_methods_supported"] =
                    serde_json::json!(["client_secret_basic", "client_secret_post"]);
            }
            json(body.to_string())
        }
        Ok(None) => not_found(&pool_id),
        Err(err) => crate::ApiError::from(err).into_response(),
    }
}

/// `GET /health`: 200 when the database answers, 503 otherwise.
pub async fn health(State(state): State<AppState>) -> Response {
    match state.cognate.health().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
