//! The hosted pages' templates (beside this file) and how they are served: HTML with a strict
//! content security policy, never framed, never cached.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use crate::landing::html_response;

/// `/login`: the sign-in form.
#[derive(Template)]
#[template(path = "hosted/login.html")]
pub(super) struct LoginPage<'a> {
    pub pool_name: &'a str,
    pub client_name: &'a str,
    /// Where the form posts: `/login` with the authorize parameters.
    pub action: &'a str,
    pub csrf: &'a str,
    pub username: &'a str,
    pub error: Option<&'a str>,
}

/// The step after a sign-in with a temporary password.
#[derive(Template)]
#[template(path = "hosted/new_password.html")]
pub(super) struct NewPasswordPage<'a> {
    pub pool_name: &'a str,
    pub client_name: &'a str,
    pub action: &'a str,
    pub csrf: &'a str,
    pub username: &'a str,
    /// The challenge session, carried in the form.
    pub session: &'a str,
    pub required_attributes: &'a [String],
    pub error: Option<&'a str>,
}

/// `/error`, and every refusal that must not redirect.
#[derive(Template)]
#[template(path = "hosted/error.html")]
struct ErrorPage<'a> {
    error: &'a str,
    description: &'a str,
}

/// A page rendered with `status`.
pub(super) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => html_response(status, html),
        Err(err) => {
            tracing::error!(%err, "hosted page did not render");
            html_response(StatusCode::INTERNAL_SERVER_ERROR, "An internal error occurred.".into())
        }
    }
}

/// The error page.
pub(super) fn error(status: StatusCode, error: &str, description: &str) -> Response {
    render(status, &ErrorPage { error, description })
}
