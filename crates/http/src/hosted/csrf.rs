//! CSRF protection of the hosted forms, as Cognito's: a random token in the `XSRF-TOKEN` cookie
//! and the same token in the form's `_csrf` field. A cross-site page can make the browser send
//! the cookie but cannot read it to fill in the field.

use axum::http::HeaderMap;
use cognate_crypto::{constant_time_eq, random};

use super::cookies;

/// A fresh token for a form (and its cookie).
pub(super) fn new_token() -> String {
    random::opaque_token()
}

/// Whether the form's `_csrf` matches the cookie; both must be present.
pub(super) fn matches(headers: &HeaderMap, field: Option<&str>) -> bool {
    match (cookies::get(headers, cookies::CSRF), field) {
        (Some(cookie), Some(field)) if !cookie.is_empty() => constant_time_eq(cookie.as_bytes(), field.as_bytes()),
        _ => false,
    }
}
