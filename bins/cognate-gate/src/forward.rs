//! Forward-auth mode: the proxy in front (nginx `auth_request`, Traefik `forwardAuth`, Envoy's
//! HTTP `ext_authz`) asks `GET /verify` with the client's headers; 200 with the claim headers lets
//! the request through, 401/403 refuses it. The original method and path come from the headers
//! each proxy sets, or (Envoy) from the path after the verify prefix.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::gate::Gate;

/// The request the proxy is asking about: its method and path.
fn original_request<'a>(
    headers: &'a HeaderMap,
    method: &'a str,
    path: &'a str,
    verify_path: &str,
) -> (&'a str, &'a str) {
    let header = |names: &[&str]| names.iter().find_map(|n| headers.get(*n).and_then(|v| v.to_str().ok()));
    let original_method = header(&["x-forwarded-method", "x-original-method"]).unwrap_or(method);
    let original_path = header(&["x-forwarded-uri", "x-original-uri"]).unwrap_or_else(|| {
        // Envoy's ext_authz appends the original path to the service's path prefix.
        match path.strip_prefix(verify_path) {
            Some(rest) if rest.starts_with('/') => rest,
            _ => "/",
        }
    });
    (original_method, original_path)
}

/// `ANY <verify_path>[/<original path>]`.
pub async fn verify(State((gate, verify_path)): State<(Arc<Gate>, Arc<str>)>, request: Request) -> Response {
    let headers = request.headers();
    let (method, path) = original_request(headers, request.method().as_str(), request.uri().path(), &verify_path);
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
