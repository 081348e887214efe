//! The hosted pages' templates (beside this file) and how they are served: HTML with a strict
//! content security policy, never framed, never cached.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use crate::landing::html_response;

/// What every form page shows and carries: whose page it is, the CSRF token, the authorize
/// parameters (as a query string, for the links and form actions), and a message.
pub(super) struct Frame<'a> {
    pub pool_name: &'a str,
    pub client_name: &'a str,
    pub csrf: &'a str,
    /// The authorize parameters, URL-encoded, carried from page to page.
    pub query: &'a str,
    /// Whether the pool lets users sign themselves up (the sign-up link is shown).
    pub self_sign_up: bool,
    pub error: Option<&'a str>,
    pub notice: Option<&'a str>,
    /// The branding's CSS (checked when it was set) and logo URL.
    pub css: Option<&'a str>,
    pub logo: Option<String>,
}

/// `/passkeys/add`: the creation options for the pages' script, and where its answer goes.
#[derive(Template)]
#[template(path = "hosted/passkey_add.html")]
pub(super) struct PasskeyAddPage<'a> {
    pub frame: Frame<'a>,
    /// StartWebAuthnRegistration's options, as JSON.
    pub options: &'a str,
}

/// `/login`: the sign-in form.
#[derive(Template)]
#[template(path = "hosted/login.html")]
pub(super) struct LoginPage<'a> {
    pub frame: Frame<'a>,
    pub username: &'a str,
    /// `(provider name, authorize link)` for the client's identity providers.
    pub providers: &'a [(String, String)],
    /// `(first factor, label)` of the ways of signing in without a password.
    pub first_factors: &'a [(&'static str, &'static str)],
}

/// The step after a sign-in with a temporary password.
#[derive(Template)]
#[template(path = "hosted/new_password.html")]
pub(super) struct NewPasswordPage<'a> {
    pub frame: Frame<'a>,
    pub username: &'a str,
    /// The challenge session, carried in the form.
    pub session: &'a str,
    pub required_attributes: &'a [String],
}

/// A second-factor step of a sign-in: a code to enter (`kind` "code", with the software token's
/// setup when `secret` is set), a factor to choose ("select"), or the address that email MFA
/// will use ("email_setup").
#[derive(Template)]
#[template(path = "hosted/mfa.html")]
pub(super) struct MfaPage<'a> {
    pub frame: Frame<'a>,
    pub heading: &'a str,
    pub kind: &'a str,
    pub username: &'a str,
    pub session: &'a str,
    pub challenge: &'a str,
    pub sent_to: Option<&'a str>,
    /// `(answer, label)` of each factor to choose from.
    pub choices: &'a [(String, String)],
    pub secret: Option<&'a str>,
    pub setup_uri: Option<&'a str>,
    /// The setup URI as a QR code (SVG made here, from the URI only).
    pub qr_svg: Option<&'a str>,
    /// Challenge parameters carried in the form, for a retry of the step.
    pub carried: &'a [(String, String)],
    /// The passkey step ("passkey"): CREDENTIAL_REQUEST_OPTIONS, for the page's script.
    pub options: Option<&'a str>,
}

/// `/signup`: a new account with the pool's required attributes.
#[derive(Template)]
#[template(path = "hosted/signup.html")]
pub(super) struct SignUpPage<'a> {
    pub frame: Frame<'a>,
    pub username_label: &'a str,
    pub username: &'a str,
    /// `(attribute, value typed so far)`.
    pub attributes: &'a [(String, String)],
    pub password_rules: &'a [String],
}

/// `/confirm`: the code that confirms a new account, and the button that sends another.
#[derive(Template)]
#[template(path = "hosted/confirm.html")]
pub(super) struct ConfirmPage<'a> {
    pub frame: Frame<'a>,
    pub username: &'a str,
    /// "by email to a***@e***", when a code was just sent.
    pub sent_to: Option<&'a str>,
}

/// `/forgotPassword`: who wants to recover a password.
#[derive(Template)]
#[template(path = "hosted/forgot_password.html")]
pub(super) struct ForgotPasswordPage<'a> {
    pub frame: Frame<'a>,
    pub username: &'a str,
}

/// `/confirmforgotPassword`: the recovery code and the new password.
#[derive(Template)]
#[template(path = "hosted/confirm_forgot_password.html")]
pub(super) struct ConfirmForgotPasswordPage<'a> {
    pub frame: Frame<'a>,
    pub username: &'a str,
    pub sent_to: Option<&'a str>,
    pub password_rules: &'a [String],
}

/// `/confirmUser`: the account confirmed by the link, or why not.
#[derive(Template)]
#[template(path = "hosted/confirm_user.html")]
pub(super) struct ConfirmUserPage<'a> {
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
