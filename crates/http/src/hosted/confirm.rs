//! `/confirm` and `/resendcode`: the code that confirms a new account, and another one on
//! request. When the browser holds the pending cookie of that sign-up (or of a sign-in with the
//! right password), the right code signs the user in and goes on to the client.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::Response;
use cognate_domain::delivery::Channel;
use cognate_domain::oauth::HOSTED_SESSION_SECONDS;
use cognate_domain::CodeDelivery;

use super::form::{self, PageRequest, Posted};
use super::pages::ConfirmPage;
use super::{cookies, csrf, login, sent_to};
use crate::AppState;

/// The pending-confirmation cookie of a pool.
fn pending_name(pool_id: &str) -> String {
    format!("cognito-pending-{pool_id}")
}

/// Gives the browser the pending-confirmation cookie.
pub(super) fn set_pending(state: &AppState, page: &PageRequest, response: &mut Response, pending: &str) {
    let name = pending_name(&page.authorization.pool.id);
    let cookie = cookies::set(&name, pending, HOSTED_SESSION_SECONDS, page.secure(state));
    response.headers_mut().append(header::SET_COOKIE, cookie);
}

/// The answer once a confirmation went out: the code form (with the pending cookie that lets
/// the right code sign the user in), or for a pool that confirms by link in the email, the
/// sign-in form saying where the link went.
pub(super) fn code_sent(
    state: &AppState,
    page: &PageRequest,
    username: &str,
    delivery: &CodeDelivery,
    pending: &str,
) -> Response {
    let by_link = page.authorization.pool.settings.verification_link.by_default && delivery.channel == Channel::Email;
    if by_link {
        let notice = format!("We sent a confirmation link {}. Open it, then sign in.", sent_to(delivery));
        return login::login_form(state, page, username, None, Some(&notice), StatusCode::OK);
    }
    let mut response = form(state, page, username, Some(&sent_to(delivery)), None, StatusCode::OK);
    set_pending(state, page, &mut response, pending);
    response
}

/// The handler of `GET /confirm` (and of `GET /resendcode`, which shows the same form: a code is
/// sent only by the form's button, which carries the CSRF token).
pub async fn page(State(state): State<AppState>, page: PageRequest) -> Response {
    let username = page.query_param("username").unwrap_or_default();
    form(&state, &page, &username, None, None, StatusCode::OK)
}

/// The handler of `POST /confirm`.
pub async fn submit(State(state): State<AppState>, posted: Posted) -> Response {
    let (page, username) = (&posted.page, posted.field("username"));
    if !posted.csrf_ok {
        return form(&state, page, username, None, Some(form::EXPIRED), StatusCode::FORBIDDEN);
    }
    let pool_id = &page.authorization.pool.id;
    let pending = cookies::get(&page.headers, &pending_name(pool_id));
    let outcome = state.cognate.hosted_confirm_sign_up(&page.authorization, username, posted.field("code"), pending);
    match outcome.await {
        Ok(Some(signed_in)) => {
            let mut response = login::signed_in_or_next_step(&state, page, username, signed_in).await;
            let spent = cookies::set(&pending_name(pool_id), "", 0, page.secure(&state));
            response.headers_mut().append(header::SET_COOKIE, spent);
            response
        }
        Ok(None) => {
            let notice = "Your account is confirmed. Sign in to continue.";
            login::login_form(&state, page, username, None, Some(notice), StatusCode::OK)
        }
        Err(err) => {
            form::refused(&err, |message| form(&state, page, username, None, Some(message), StatusCode::BAD_REQUEST))
        }
    }
}

/// The handler of `POST /resendcode`.
pub async fn resend(State(state): State<AppState>, posted: Posted) -> Response {
    let (page, username) = (&posted.page, posted.field("username"));
    if !posted.csrf_ok {
        return form(&state, page, username, None, Some(form::EXPIRED), StatusCode::FORBIDDEN);
    }
    match state.cognate.hosted_resend_code(&page.authorization, username).await {
        Ok(delivery) => {
            let sent = delivery.as_ref().map(sent_to);
            form(&state, page, username, sent.as_deref(), None, StatusCode::OK)
        }
        Err(err) => {
            form::refused(&err, |message| form(&state, page, username, None, Some(message), StatusCode::BAD_REQUEST))
        }
    }
}

/// The confirmation form.
pub(super) fn form(
    state: &AppState,
    page: &PageRequest,
    username: &str,
    sent_to: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let token = csrf::new_token();
    let view = ConfirmPage { frame: page.frame(&token, error, None), username, sent_to };
    page.serve(state, status, &view, &token)
}
