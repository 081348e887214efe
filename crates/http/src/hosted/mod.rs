//! The hosted pages and the browser's side of OAuth: `/oauth2/authorize`, `/login` (with the
//! new-password and second-factor steps), `/signup`, `/confirm`, `/resendcode`, `/forgotPassword`,
//! `/confirmforgotPassword`, `/confirmUser`, `/passkeys/add`, `/logout`, `/error`, and the branding's logo. Server-rendered, usable without
//! JavaScript but for the passkey ceremony (one same-origin script); every form carries a CSRF
//! token; nothing redirects to a URL the client did not register.

pub mod authorize;
pub mod branding;
pub mod confirm;
pub mod confirm_user;
mod cookies;
mod csrf;
pub mod error_page;
mod form;
pub mod idp_response;
pub mod login;
pub mod logout;
mod mfa;
mod pages;
pub mod passkey_add;
pub mod recovery;
pub mod signup;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cognate_domain::delivery::Channel;
use cognate_domain::oauth::{AuthorizeError, AuthorizeParams};
use cognate_domain::CodeDelivery;

use crate::served::ServedPool;

/// The authorize parameters of a page's query string, for the pool the request's host serves.
fn params_of(query: Option<&str>, served: &ServedPool) -> Result<AuthorizeParams, AuthorizeError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let params = AuthorizeParams::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))?;
    Ok(AuthorizeParams { served_pool: served.0.clone(), ..params })
}

/// The query string that carries `params` to the next page.
fn query_of(params: &AuthorizeParams) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in params.pairs() {
        query.append_pair(name, value);
    }
    query.finish()
}

/// A 302 to `location`, setting `cookies`; never cached (it may carry a code or tokens).
fn redirect(location: &str, cookies: &[HeaderValue]) -> Response {
    let Ok(location) = HeaderValue::from_str(location) else {
        return pages::error(StatusCode::BAD_REQUEST, "invalid_request", "The redirect location is not valid.");
    };
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie.clone());
    }
    response
}

/// How an authorize request that cannot go on is answered: at the client's redirect URI when
/// it is trusted, on the error page when not.
fn authorize_failure(err: AuthorizeError) -> Response {
    match err {
        AuthorizeError::Redirect(location) => redirect(&location, &[]),
        AuthorizeError::Page(message) => pages::error(StatusCode::BAD_REQUEST, "invalid_request", &message),
        AuthorizeError::Server(cause) => {
            tracing::error!(%cause, "hosted pages: internal error");
            pages::error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "An internal error occurred.")
        }
    }
}

/// The hosted pages' one script: the WebAuthn ceremony of the passkey steps (`passkey.js`).
pub async fn passkey_script() -> Response {
    let mut response = include_str!("passkey.js").into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// Where a code went, as the pages say it: "by email to a***@e***".
fn sent_to(delivery: &CodeDelivery) -> String {
    let by = match delivery.channel {
        Channel::Email => "by email",
        Channel::Sms => "by text message",
    };
    format!("{by} to {}", delivery.destination)
}
