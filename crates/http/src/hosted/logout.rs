//! `GET /logout`: ends the pool's single-sign-on session (the cookie is cleared) and sends the
//! browser to a registered sign-out URL, or back to `/login` with the authorize parameters.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use cognate_domain::oauth::LogoutTarget;

use super::{authorize_failure, cookies, params_of, query_of, redirect};
use crate::served::ServedPool;
use crate::AppState;

/// The handler of `GET /logout`.
pub async fn logout(
    State(state): State<AppState>,
    Extension(served): Extension<ServedPool>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = match params_of(query.as_deref(), &served) {
        Ok(params) => params,
        Err(err) => return authorize_failure(err),
    };
    let logout_uri = url::form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "logout_uri")
        .map(|(_, value)| value.into_owned());
    let (pool_id, target) = match state.cognate.logout(&params, logout_uri.as_deref()).await {
        Ok(answer) => answer,
        Err(err) => return authorize_failure(err),
    };
    let name = cookies::session_name(&pool_id);
    if let Some(cookie) = cookies::get(&headers, &name) {
        if let Err(cause) = state.cognate.end_hosted_session(&pool_id, cookie).await {
            return authorize_failure(cause.into());
        }
    }
    let secure = cookies::secure(&headers, &state.cognate.config().public_url);
    let cleared = cookies::set(&name, "", 0, secure);
    match target {
        LogoutTarget::SignedOut(uri) => redirect(&uri, &[cleared]),
        LogoutTarget::SignInAgain(params) => redirect(&format!("/login?{}", query_of(&params)), &[cleared]),
    }
}
