//! `/login`: the sign-in form (GET) and its submission (POST, to the same URL with the authorize
//! parameters), including the new-password step for users an administrator created. Success is
//! a 302 to the client's redirect URI with a code (or tokens) and the pool's session cookie.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use cognate_domain::oauth::{Authorization, HostedSignIn, HOSTED_SESSION_SECONDS};
use cognate_domain::DomainError;

use super::pages::{self, LoginPage, NewPasswordPage};
use super::{authorize_failure, cookies, csrf, params_of, query_of, redirect};
use crate::AppState;

/// Where a page's form posts: `/login` with the authorize parameters.
fn action(authorization: &Authorization) -> String {
    format!("/login?{}", query_of(&authorization.params))
}

/// The handler of `GET /login`.
pub async fn page(State(state): State<AppState>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    let authorization = match checked(&state, query.as_deref()).await {
        Ok(authorization) => authorization,
        Err(response) => return response,
    };
    let username = authorization.params.login_hint.clone().unwrap_or_default();
    login_form(&state, &headers, &authorization, &username, None, StatusCode::OK)
}

/// The handler of `POST /login`.
pub async fn submit(State(state): State<AppState>, RawQuery(query): RawQuery, request: Request) -> Response {
    let authorization = match checked(&state, query.as_deref()).await {
        Ok(authorization) => authorization,
        Err(response) => return response,
    };
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    let form = match crate::oauth2::form::read(&state, &parts, body).await {
        Ok(form) => form,
        Err(err) => return pages::error(StatusCode::BAD_REQUEST, "invalid_request", &err.to_string()),
    };
    let field = |name: &str| form.get(name).map(String::as_str);
    let username = field("username").unwrap_or_default();
    if !csrf::matches(headers, field("_csrf")) {
        let expired = "Your sign-in page expired. Please try again.";
        return login_form(&state, headers, &authorization, username, Some(expired), StatusCode::FORBIDDEN);
    }
    let outcome = match field("session") {
        Some(session) => new_password(&state, &authorization, session, &form).await,
        None => {
            let password = field("password").unwrap_or_default();
            state.cognate.hosted_sign_in(&authorization, username, password).await
        }
    };
    match outcome {
        Ok(HostedSignIn::Done { location, session }) => {
            let secure = cookies::secure(headers, &state.cognate.config().public_url);
            let name = cookies::session_name(&authorization.pool.id);
            redirect(&location, &[cookies::set(&name, &session, HOSTED_SESSION_SECONDS, secure)])
        }
        Ok(HostedSignIn::NewPasswordRequired { session, required_attributes }) => {
            let step = NewPasswordStep { username, session: &session, required_attributes: &required_attributes };
            new_password_form(&state, headers, &authorization, &step, None, StatusCode::OK)
        }
        Err(DomainError::Internal(cause)) => {
            tracing::error!(%cause, "hosted sign-in: internal error");
            pages::error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "An internal error occurred.")
        }
        Err(err) => {
            let message = err.to_string();
            match field("session") {
                // A wrong new password: the same step again (its session was not taken by a
                // refused password); a spent session sends the user back to sign in.
                Some(session) if !matches!(err, DomainError::NotAuthorized(_)) => {
                    let required: Vec<String> = form
                        .keys()
                        .filter_map(|k| k.strip_prefix("requiredAttributes[")?.strip_suffix(']').map(str::to_owned))
                        .collect();
                    let step = NewPasswordStep { username, session, required_attributes: &required };
                    new_password_form(&state, headers, &authorization, &step, Some(&message), StatusCode::BAD_REQUEST)
                }
                _ => login_form(&state, headers, &authorization, username, Some(&message), StatusCode::BAD_REQUEST),
            }
        }
    }
}

/// The authorize parameters of the page's query, checked; a failure is the whole answer.
async fn checked(state: &AppState, query: Option<&str>) -> Result<Authorization, Response> {
    let params = params_of(query).map_err(authorize_failure)?;
    state.cognate.check_authorize(&params).await.map_err(authorize_failure)
}

async fn new_password(
    state: &AppState,
    authorization: &Authorization,
    session: &str,
    form: &HashMap<String, String>,
) -> Result<HostedSignIn, DomainError> {
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    if field("new_password") != field("confirm_password") {
        return Err(DomainError::InvalidParameter("The passwords do not match.".into()));
    }
    let attributes: BTreeMap<String, String> = form
        .iter()
        .filter_map(|(k, v)| {
            let name = k.strip_prefix("requiredAttributes[")?.strip_suffix(']')?;
            Some((name.to_owned(), v.clone()))
        })
        .collect();
    state
        .cognate
        .hosted_new_password(authorization, session, field("username"), field("new_password"), attributes)
        .await
}

/// The sign-in form with a fresh CSRF token (and its cookie).
fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    authorization: &Authorization,
    username: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let token = csrf::new_token();
    let action = action(authorization);
    let page = LoginPage {
        pool_name: &authorization.pool.name,
        client_name: &authorization.client.settings.name,
        action: &action,
        csrf: &token,
        username,
        error,
    };
    with_csrf_cookie(state, headers, pages::render(status, &page), &token)
}

/// What the new-password step shows besides the common fields.
struct NewPasswordStep<'a> {
    username: &'a str,
    session: &'a str,
    required_attributes: &'a [String],
}

fn new_password_form(
    state: &AppState,
    headers: &HeaderMap,
    authorization: &Authorization,
    step: &NewPasswordStep<'_>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let token = csrf::new_token();
    let action = action(authorization);
    let page = NewPasswordPage {
        pool_name: &authorization.pool.name,
        client_name: &authorization.client.settings.name,
        action: &action,
        csrf: &token,
        username: step.username,
        session: step.session,
        required_attributes: step.required_attributes,
        error,
    };
    with_csrf_cookie(state, headers, pages::render(status, &page), &token)
}

fn with_csrf_cookie(state: &AppState, headers: &HeaderMap, mut response: Response, token: &str) -> Response {
    let secure = cookies::secure(headers, &state.cognate.config().public_url);
    // The page's lifetime: long enough to type a password, short enough not to linger.
    let cookie = cookies::set(cookies::CSRF, token, HOSTED_SESSION_SECONDS, secure);
    response.headers_mut().append(axum::http::header::SET_COOKIE, cookie);
    response
}
