//! Who the client at the token endpoint says it is: HTTP Basic (`client_secret_basic`) or
//! `client_id` and `client_secret` in the form (`client_secret_post`), never both; a public
//! client sends its `client_id` alone.

use std::collections::HashMap;

use axum::http::{header, HeaderMap};
use base64::Engine;
use cognate_domain::oauth::{ClientAuthentication, OAuthError};

use crate::served::ServedPool;

/// The client's claimed identity and secret (checked by the domain).
pub(crate) fn from_request(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
    served: &ServedPool,
) -> Result<ClientAuthentication, OAuthError> {
    let served_pool = served.0.clone();
    let malformed = || OAuthError::InvalidClient("Client authentication failed.".into());
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"));
    let form_id = form.get("client_id");
    match basic {
        Some((_, encoded)) => {
            if form.contains_key("client_secret") {
                return Err(OAuthError::InvalidRequest("Use one client authentication method, not two.".into()));
            }
            let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
            let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
            let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
            // RFC 6749 section 2.3.1: both halves are form-encoded before they are joined.
            let decode =
                |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
            let (id, secret) = (decode(id).ok_or_else(malformed)?, decode(secret).ok_or_else(malformed)?);
            if form_id.is_some_and(|f| *f != id) {
                return Err(OAuthError::InvalidClient("client_id does not match the Authorization header.".into()));
            }
            Ok(ClientAuthentication {
                client_id: id,
                client_secret: Some(secret).filter(|s| !s.is_empty()),
                served_pool,
            })
        }
        None => {
            let id = form_id.ok_or_else(|| OAuthError::InvalidRequest("client_id is required.".into()))?;
            Ok(ClientAuthentication {
                client_id: id.clone(),
                client_secret: form.get("client_secret").cloned(),
                served_pool,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, value.parse().unwrap_or_else(|_| unreachable!()));
        headers
    }

    #[test]
    fn basic_and_post_are_read_and_never_mixed() {
        let encoded = base64::engine::general_purpose::STANDARD.encode("client1:s%2Bcret");
        let auth = from_request(&basic(&format!("Basic {encoded}")), &HashMap::new(), &ServedPool::default())
            .unwrap_or_else(|_| unreachable!());
        assert_eq!((auth.client_id.as_str(), auth.client_secret.as_deref()), ("client1", Some("s+cret")));
        let form = HashMap::from([
            ("client_id".to_owned(), "client1".to_owned()),
            ("client_secret".to_owned(), "x".to_owned()),
        ]);
        assert!(matches!(
            from_request(&basic(&format!("Basic {encoded}")), &form, &ServedPool::default()),
            Err(OAuthError::InvalidRequest(_))
        ));
        let auth = from_request(&HeaderMap::new(), &form, &ServedPool::default()).unwrap_or_else(|_| unreachable!());
        assert_eq!(auth.client_secret.as_deref(), Some("x"));
        assert!(matches!(
            from_request(&basic("Basic !!!"), &HashMap::new(), &ServedPool::default()),
            Err(OAuthError::InvalidClient(_))
        ));
        assert!(matches!(
            from_request(&HeaderMap::new(), &HashMap::new(), &ServedPool::default()),
            Err(OAuthError::InvalidRequest(_))
        ));
    }
}
