//! `/forgotPassword` and `/confirmforgotPassword`: a recovery code sent to the user's verified
//! email or phone, then the code and a new password; the user signs in with it afterwards.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use cognate_domain::policy::password_rules;

use super::form::{self, PageRequest, Posted};
use super::pages::{ConfirmForgotPasswordPage, ForgotPasswordPage};
use super::{csrf, login, sent_to};
use crate::AppState;

/// The handler of `GET /forgotPassword`.
pub async fn page(State(state): State<AppState>, page: PageRequest) -> Response {
    let username = page.authorization.params.login_hint.clone().unwrap_or_default();
    forgot_form(&state, &page, &username, None, StatusCode::OK)
}

/// The handler of `POST /forgotPassword`.
pub async fn submit(State(state): State<AppState>, posted: Posted) -> Response {
    let (page, username) = (&posted.page, posted.field("username"));
    if !posted.csrf_ok {
        return forgot_form(&state, page, username, Some(form::EXPIRED), StatusCode::FORBIDDEN);
    }
    match state.cognate.hosted_forgot_password(&page.authorization, username).await {
        Ok(delivery) => confirm_form(&state, page, username, Some(&sent_to(&delivery)), None, StatusCode::OK),
        Err(err) => {
            form::refused(&err, |message| forgot_form(&state, page, username, Some(message), StatusCode::BAD_REQUEST))
        }
    }
}

/// The handler of `GET /confirmforgotPassword`.
pub async fn confirm_page(State(state): State<AppState>, page: PageRequest) -> Response {
    let username = page.query_param("username").unwrap_or_default();
    confirm_form(&state, &page, &username, None, None, StatusCode::OK)
}

/// The handler of `POST /confirmforgotPassword`.
pub async fn confirm_submit(State(state): State<AppState>, posted: Posted) -> Response {
    let (page, username) = (&posted.page, posted.field("username"));
    if !posted.csrf_ok {
        return confirm_form(&state, page, username, None, Some(form::EXPIRED), StatusCode::FORBIDDEN);
    }
    let password = posted.field("password");
    if password != posted.field("confirm_password") {
        let mismatch = "The passwords do not match.";
        return confirm_form(&state, page, username, None, Some(mismatch), StatusCode::BAD_REQUEST);
    }
    let code = posted.field("code");
    match state.cognate.hosted_confirm_forgot_password(&page.authorization, username, code, password).await {
        Ok(()) => {
            let notice = "Your password has been reset. Sign in with your new password.";
            login::login_form(&state, page, username, None, Some(notice), StatusCode::OK)
        }
        Err(err) => form::refused(&err, |message| {
            confirm_form(&state, page, username, None, Some(message), StatusCode::BAD_REQUEST)
        }),
    }
}

fn forgot_form(
    state: &AppState,
    page: &PageRequest,
    username: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let token = csrf::new_token();
    let view = ForgotPasswordPage { frame: page.frame(&token, error, None), username };
    page.serve(state, status, &view, &token)
}

/// The form that takes the recovery code and the new password.
pub(super) fn confirm_form(
    state: &AppState,
    page: &PageRequest,
    username: &str,
    sent_to: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let rules = password_rules(&page.authorization.pool.settings.password_policy);
    let token = csrf::new_token();
    let view =
        ConfirmForgotPasswordPage { frame: page.frame(&token, error, None), username, sent_to, password_rules: &rules };
    page.serve(state, status, &view, &token)
}
