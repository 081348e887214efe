//! `application/x-www-form-urlencoded` request bodies, read once with the server's body limits;
//! a parameter given twice is refused (RFC 6749 section 3.2).

use std::collections::HashMap;

use axum::body::Body;
use axum::http::header;
use axum::http::request::Parts;
use cognate_domain::oauth::OAuthError;

use crate::body::{self, BodyError};
use crate::AppState;

/// The largest form a token request may send; real ones are far smaller.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// The form's parameters (each at most once). Empty values count as absent, as RFC 6749 says.
pub(crate) async fn read(state: &AppState, parts: &Parts, body: Body) -> Result<HashMap<String, String>, OAuthError> {
    let form_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
    });
    if !form_type {
        return Err(OAuthError::InvalidRequest("The body must be application/x-www-form-urlencoded.".into()));
    }
    let bytes = body::read(parts, body, MAX_FORM_BYTES, state.timeouts.body).await.map_err(|e| match e {
        BodyError::TooLarge { .. } => {
            OAuthError::InvalidRequest(format!("The body is larger than {MAX_FORM_BYTES} bytes."))
        }
        BodyError::TooSlow | BodyError::Broken => OAuthError::InvalidRequest("The body could not be read.".into()),
    })?;
    let mut params = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(&bytes) {
        if value.is_empty() {
            continue;
        }
        if params.insert(name.to_string(), value.into_owned()).is_some() {
            return Err(OAuthError::InvalidRequest(format!("The parameter {name} was given more than once.")));
        }
    }
    Ok(params)
}
