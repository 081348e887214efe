//! Forward-auth mode: the proxy in front (nginx `auth_request`, Traefik `forwardAuth`, Envoy's
//! HTTP `ext_authz`) asks `GET /verify` with the client's headers; 200 with the claim headers lets
//! the request through, 401/403 refuses it. The original method and path come from the headers
//! each proxy sets, or (Envoy) from the path after the verify prefix.
//!
//! The proxy forwards the client's own headers too, so a client could add an `X-Forwarded-Uri`
//! naming a public route beside the `X-Original-URI` nginx sets. Every candidate header that is
//! present must therefore agree; a request whose headers disagree is refused.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::gate::Gate;

const METHOD_HEADERS: [&str; 2] = ["x-forwarded-method", "x-original-method"];
const URI_HEADERS: [&str; 2] = ["x-forwarded-uri", "x-original-uri"];

/// The single value the present headers agree on; `Err` when they disagree.
fn agreed<'a>(headers: &'a HeaderMap, names: &[&str]) -> Result<Option<&'a str>, ()> {
    let mut found: Option<&str> = None;
    for name in names {
        for value in headers.get_all(*name) {
            let value = value.to_str().map_err(|_| ())?;
            match found {
                Some(seen) if seen != value => return Err(()),
                _ => found = Some(value),
            }
        }
    }
    Ok(found)
}

/// The request the proxy is asking about: its method and path.
fn original_request<'a>(
    headers: &'a HeaderMap,
    method: &'a str,
    path: &'a str,
    verify_path: &str,
) -> Result<(&'a str, &'a str), ()> {
    let original_method = agreed(headers, &METHOD_HEADERS)?.unwrap_or(method);
    let original_path = match agreed(headers, &URI_HEADERS)? {
        Some(uri) => uri,
        // Envoy's ext_authz appends the original path to the service's path prefix.
        None => match path.strip_prefix(verify_path) {
            Some(rest) if rest.starts_with('/') => rest,
            _ => "/",
        },
    };
    Ok((original_method, original_path))
}

/// `ANY <verify_path>[/<original path>]`.
pub async fn verify(State((gate, verify_path)): State<(Arc<Gate>, Arc<str>)>, request: Request) -> Response {
    let headers = request.headers();
    let Ok((method, path)) = original_request(headers, request.method().as_str(), request.uri().path(), &verify_path)
    else {
        gate.metrics.rejected("conflicting_original_request");
        return (StatusCode::FORBIDDEN, "the original-request headers disagree").into_response();
    };
    match gate.authorize(method, path, headers).await {
        Ok(claims) => {
            let mut response = StatusCode::OK.into_response();
            for (name, value) in claims.unwrap_or_default() {
                response.headers_mut().insert(name, value);
            }
            response
        }
        Err(refusal) => refusal.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn each_proxy_convention_is_read() {
        let nginx = headers(&[("x-original-uri", "/api/a?x=1"), ("x-original-method", "POST")]);
        assert_eq!(original_request(&nginx, "GET", "/verify", "/verify"), Ok(("POST", "/api/a?x=1")));
        let traefik = headers(&[("x-forwarded-uri", "/api/b"), ("x-forwarded-method", "DELETE")]);
        assert_eq!(original_request(&traefik, "GET", "/verify", "/verify"), Ok(("DELETE", "/api/b")));
        let envoy = HeaderMap::new();
        assert_eq!(original_request(&envoy, "PUT", "/verify/api/c", "/verify"), Ok(("PUT", "/api/c")));
        assert_eq!(original_request(&envoy, "GET", "/verify", "/verify"), Ok(("GET", "/")));
        assert_eq!(original_request(&envoy, "GET", "/verifyx", "/verify"), Ok(("GET", "/")));
    }

    #[test]
    fn a_client_cannot_pick_another_route_with_a_second_header() {
        let smuggled = headers(&[("x-original-uri", "/api/admin"), ("x-forwarded-uri", "/api/public")]);
        assert_eq!(original_request(&smuggled, "GET", "/verify", "/verify"), Err(()));
        let doubled = headers(&[("x-original-uri", "/api/admin"), ("x-original-uri", "/api/public")]);
        assert_eq!(original_request(&doubled, "GET", "/verify", "/verify"), Err(()));
        let method = headers(&[("x-original-method", "POST"), ("x-forwarded-method", "GET")]);
        assert_eq!(original_request(&method, "GET", "/verify", "/verify"), Err(()));
        let agreeing = headers(&[("x-original-uri", "/api/a"), ("x-forwarded-uri", "/api/a")]);
        assert_eq!(original_request(&agreeing, "GET", "/verify", "/verify"), Ok(("GET", "/api/a")));
    }
}
