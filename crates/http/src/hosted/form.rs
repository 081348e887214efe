//! What every hosted form page shares: the authorize parameters checked on every request, the
//! posted fields and their CSRF check, a fresh CSRF token (and cookie) on every page served, and
//! the one mapping from a refusal to the message the page shows.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use cognate_domain::oauth::{branding_of, logo_path, Authorization, HOSTED_SESSION_SECONDS};
use cognate_domain::DomainError;

use super::pages::{self, Frame};
use super::{authorize_failure, cookies, csrf, params_of, query_of};
use crate::AppState;

/// A request for a hosted page: its authorization (client, redirect URI, scopes), checked.
pub(crate) struct PageRequest {
    pub authorization: Authorization,
    pub headers: HeaderMap,
    /// The raw query, for the page's own parameters (such as `username`).
    raw_query: String,
    /// The authorize parameters, URL-encoded, for links and form actions.
    query: String,
}

/// A page's handler takes the checked request as an argument; a failed check is the whole answer.
impl FromRequestParts<AppState> for PageRequest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        Self::check(state, parts).await
    }
}

impl PageRequest {
    /// Checks the authorize parameters of the request's query (for the pool its Host serves).
    async fn check(state: &AppState, parts: &Parts) -> Result<Self, Response> {
        let query = parts.uri.query();
        let params = params_of(query, crate::served::of(parts)).map_err(authorize_failure)?;
        let authorization = state.cognate.check_authorize(&params).await.map_err(authorize_failure)?;
        let query_string = query_of(&authorization.params);
        let raw_query = query.unwrap_or_default().to_owned();
        Ok(Self { authorization, headers: parts.headers.clone(), raw_query, query: query_string })
    }

    /// A parameter of the page's query that is not an authorize parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.raw_query.as_bytes()).find(|(n, _)| n == name).map(|(_, v)| v.into_owned())
    }

    /// The frame of a page served with the CSRF token `csrf`.
    pub(super) fn frame<'a>(&'a self, csrf: &'a str, error: Option<&'a str>, notice: Option<&'a str>) -> Frame<'a> {
        let (pool, client) = (&self.authorization.pool, &self.authorization.client);
        let branding = branding_of(pool, client);
        let css = branding.as_ref().and_then(|(_, b)| b.css.as_deref());
        // Relative, so that the logo comes from whichever address served the page.
        let logo =
            branding.filter(|(_, b)| b.image.is_some()).map(|(target, b)| logo_path("", &pool.id, &target, b.modified));
        Frame {
            css,
            logo,
            pool_name: &pool.name,
            client_name: &self.authorization.client.settings.name,
            csrf,
            query: &self.query,
            self_sign_up: !pool.settings.allow_admin_create_user_only,
            error,
            notice,
        }
    }

    /// The page, with the cookie of the CSRF token its forms carry.
    pub fn serve(&self, state: &AppState, status: StatusCode, page: &impl Template, csrf: &str) -> Response {
        let mut response = pages::render(status, page);
        // The page's lifetime: long enough to fill in a form, short enough not to linger.
        let cookie = cookies::set(cookies::CSRF, csrf, HOSTED_SESSION_SECONDS, self.secure(state));
        response.headers_mut().append(header::SET_COOKIE, cookie);
        response
    }

    /// Whether cookies set for this request must be `Secure`.
    pub fn secure(&self, state: &AppState) -> bool {
        cookies::secure(&self.headers, &state.cognate.config().public_url)
    }
}

/// A submitted form of a hosted page.
pub(crate) struct Posted {
    pub page: PageRequest,
    fields: HashMap<String, String>,
    /// Whether the `_csrf` field matched the cookie.
    pub csrf_ok: bool,
}

/// A form's handler takes the checked request and its fields as an argument: the authorize
/// parameters checked, the form read with the server's body limits; a failure is the whole answer.
impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let page = PageRequest::check(state, &parts).await?;
        let fields = crate::oauth2::form::read(state, &parts, body)
            .await
            .map_err(|err| pages::error(StatusCode::BAD_REQUEST, "invalid_request", &err.to_string()))?;
        let csrf_ok = csrf::matches(&page.headers, fields.get("_csrf").map(String::as_str));
        Ok(Self { page, fields, csrf_ok })
    }
}

impl Posted {
    /// A field's value; empty when absent.
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or_default()
    }

    /// The `requiredAttributes[name]` fields, as `(name, value)`.
    pub fn attributes(&self) -> Vec<(String, String)> {
        let mut attributes: Vec<(String, String)> = self
            .fields
            .iter()
            .filter_map(|(k, v)| {
                let name = k.strip_prefix("requiredAttributes[")?.strip_suffix(']')?;
                Some((name.to_owned(), v.clone()))
            })
            .collect();
        attributes.sort();
        attributes
    }
}

/// What a form page says when the CSRF check fails.
pub(super) const EXPIRED: &str = "Your page expired. Please try again.";

/// The answer to a refusal: `page` showing its message, or for an internal error (logged, never
/// shown) the error page.
pub(super) fn refused(err: &DomainError, page: impl FnOnce(&str) -> Response) -> Response {
    match err {
        DomainError::Internal(cause) => internal_error(cause),
        other => page(&other.to_string()),
    }
}

/// Our own fault: logged, and the error page (nothing of the cause is shown).
pub(super) fn internal_error(cause: &str) -> Response {
    tracing::error!(%cause, "hosted page: internal error");
    pages::error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "An internal error occurred.")
}
