//! `/passkeys/add`: the managed-login page where a user signed in on the hosted pages (its
//! single-sign-on cookie) adds a passkey, then goes back to the app. `client_id` and
//! `redirect_uri` (one of the client's callback URLs) are its parameters, as on Cognito. The
//! browser's ceremony is the pages' one script; the answer is checked as
//! CompleteWebAuthnRegistration checks it.

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use cognate_domain::model::User;

use super::form::{self, PageRequest, Posted};
use super::pages::{self, PasskeyAddPage};
use super::{cookies, redirect};
use crate::AppState;

/// The page takes no response_type; its parameters are checked as an authorize request's
/// (the client, its pool's domain, the redirect URI) with `code` standing in for it.
fn with_response_type(request: &mut Request) {
    let query = request.uri().query().unwrap_or_default();
    if query.split('&').any(|pair| pair.starts_with("response_type=")) {
        return;
    }
    let path_and_query = format!("{}?response_type=code&{query}", request.uri().path());
    if let Ok(uri) = path_and_query.parse::<Uri>() {
        *request.uri_mut() = uri;
    }
}

/// The user the page acts for: the pool's single-sign-on session.
async fn signed_in_user(state: &AppState, page: &PageRequest) -> Result<Option<User>, Response> {
    let name = cookies::session_name(&page.authorization.pool.id);
    let Some(cookie) = cookies::get(&page.headers, &name) else { return Ok(None) };
    state
        .cognate
        .hosted_session_user(&page.authorization.pool.id, cookie)
        .await
        .map_err(|err| form::refused(&err, |message| pages::error(StatusCode::BAD_REQUEST, "invalid_request", message)))
}

/// The handler of `GET /passkeys/add`.
pub async fn page(State(state): State<AppState>, mut request: Request) -> Response {
    with_response_type(&mut request);
    let (mut parts, _) = request.into_parts();
    let page = match PageRequest::from_request_parts(&mut parts, &state).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    match signed_in_user(&state, &page).await {
        Ok(Some(user)) => add_form(&state, &page, &user, None, StatusCode::OK).await,
        Ok(None) => sign_in_first(&state, &page),
        Err(response) => response,
    }
}

/// The handler of `POST /passkeys/add`: the browser's answer, then back to the app.
pub async fn submit(State(state): State<AppState>, mut request: Request) -> Response {
    with_response_type(&mut request);
    let posted = match Posted::from_request(request, &state).await {
        Ok(posted) => posted,
        Err(response) => return response,
    };
    let page = &posted.page;
    let user = match signed_in_user(&state, page).await {
        Ok(Some(user)) => user,
        Ok(None) => return sign_in_first(&state, page),
        Err(response) => return response,
    };
    if !posted.csrf_ok {
        return add_form(&state, page, &user, Some(form::EXPIRED), StatusCode::FORBIDDEN).await;
    }
    let credential: serde_json::Value = serde_json::from_str(posted.field("credential")).unwrap_or_default();
    let (pool, client) = (&page.authorization.pool, &page.authorization.client);
    match state.cognate.complete_passkey_registration(pool, &client.id, &user, &credential).await {
        Ok(()) => redirect(&page.authorization.redirect_uri, &[]),
        Err(cognate_domain::DomainError::Internal(cause)) => form::internal_error(&cause),
        Err(err) => add_form(&state, page, &user, Some(&err.to_string()), StatusCode::BAD_REQUEST).await,
    }
}

/// The page with new creation options for the user (or, when none can be made, why).
async fn add_form(
    state: &AppState,
    page: &PageRequest,
    user: &User,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let (pool, client) = (&page.authorization.pool, &page.authorization.client);
    let options = match state.cognate.start_passkey_registration(pool, &client.id, user).await {
        Ok(options) => options.to_string(),
        Err(err) => {
            return form::refused(&err, |message| pages::error(StatusCode::BAD_REQUEST, "invalid_request", message))
        }
    };
    let token = super::csrf::new_token();
    let view = PasskeyAddPage { frame: page.frame(&token, error, None), options: &options };
    page.serve(state, status, &view, &token)
}

/// Without a session: the sign-in page, which sets one (the user comes back here afterwards).
fn sign_in_first(state: &AppState, page: &PageRequest) -> Response {
    let message = Some("Sign in first, then add your passkey.");
    super::login::login_form(state, page, "", message, None, StatusCode::UNAUTHORIZED)
}
