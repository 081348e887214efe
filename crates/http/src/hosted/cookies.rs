//! The hosted pages' cookies: reading one from the request, and setting them `HttpOnly`,
//! `SameSite=Lax` (the authorize request is a top-level navigation from the app's site) and
//! `Secure` when the page was served over HTTPS.

use axum::http::{header, HeaderMap, HeaderValue};

/// The single-sign-on cookie of a pool: one per pool, as Cognito has one per domain.
pub(super) fn session_name(pool_id: &str) -> String {
    format!("cognito-{pool_id}")
}

/// The CSRF cookie, named as Cognito's.
pub(super) const CSRF: &str = "XSRF-TOKEN";

/// The value of the cookie `name`, if the request has it.
pub(super) fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// Whether the browser reached us over HTTPS: directly, or through a proxy that says so.
pub(super) fn secure(headers: &HeaderMap, public_url: &str) -> bool {
    public_url.starts_with("https://")
        || headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// A `Set-Cookie` value; `max_age` 0 removes the cookie.
pub(super) fn set(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    header_value(format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"))
}

/// A cookie that must also come back on a cross-site POST (Apple's `form_post` answer at
/// `/oauth2/idpresponse`): `SameSite=None`, which browsers take only with `Secure`; over plain
/// HTTP it is `Lax`.
pub(super) fn set_cross_site(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let same_site = if secure { "None; Secure" } else { "Lax" };
    header_value(format!("{name}={value}; Path=/oauth2/idpresponse; Max-Age={max_age}; HttpOnly; SameSite={same_site}"))
}

fn header_value(cookie: String) -> HeaderValue {
    // Names are pool ids and values random URL-safe tokens: always valid header text.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; XSRF-TOKEN=tok"));
        headers.append(header::COOKIE, HeaderValue::from_static("cognito-us-east-1_x=s"));
        assert_eq!(get(&headers, CSRF), Some("tok"));
        assert_eq!(get(&headers, &session_name("us-east-1_x")), Some("s"));
        assert_eq!(get(&headers, "b"), None);
        let set = set("n", "v", 0, true);
        assert_eq!(set.to_str().unwrap_or_default(), "n=v; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure");
    }
}
