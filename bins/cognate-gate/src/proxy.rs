//! Reverse-proxy mode: the gate listens in front of the upstream, decides each request, strips
//! any `X-Cognate-*` header the client sent, adds the verified ones, and forwards.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::gate::{strip_claim_headers, Gate};

/// Where verified requests go.
pub struct Upstream {
    base: String,
    authority: HeaderValue,
    client: Client<HttpConnector, Body>,
}

impl Upstream {
    /// An upstream at an `http://host:port[/base]` URL.
    pub fn new(url: &str) -> Result<Self, String> {
        let uri: Uri = url.parse().map_err(|e| format!("bad upstream URL {url}: {e}"))?;
        let authority = uri.authority().ok_or_else(|| format!("the upstream URL has no host: {url}"))?;
        let authority = HeaderValue::from_str(authority.as_str()).map_err(|e| e.to_string())?;
        let client = Client::builder(TokioExecutor::new()).build_http();
        Ok(Self { base: url.trim_end_matches('/').to_owned(), authority, client })
    }
}

/// Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP: [HeaderName; 6] = [
    header::CONNECTION,
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::UPGRADE,
];

/// Every request that is not the gate's own.
pub async fn forward(State((gate, upstream)): State<(Arc<Gate>, Arc<Upstream>)>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let claims = match gate.authorize(parts.method.as_str(), parts.uri.path(), &parts.headers).await {
        Ok(claims) => claims,
        Err(refusal) => return refusal.into_response(),
    };
    strip_claim_headers(&mut parts.headers);
    for name in HOP_BY_HOP {
        parts.headers.remove(name);
    }
    parts.headers.remove("keep-alive");
    if let Some(host) = parts.headers.get(header::HOST).cloned() {
        parts.headers.insert("x-forwarded-host", host);
    }
    parts.headers.insert(header::HOST, upstream.authority.clone());
    for (name, value) in claims.unwrap_or_default() {
        parts.headers.insert(name, value);
    }
    let Ok(uri) = format!("{}{path_and_query}", upstream.base).parse::<Uri>() else {
        return (StatusCode::BAD_REQUEST, "bad request path").into_response();
    };
    parts.uri = uri;
    match upstream.client.request(Request::from_parts(parts, body)).await {
        Ok(response) => {
            let (mut parts, body) = response.into_parts();
            for name in HOP_BY_HOP {
                parts.headers.remove(name);
            }
            Response::from_parts(parts, Body::new(body))
        }
        Err(error) => {
            tracing::warn!(%error, "upstream unreachable");
            (StatusCode::BAD_GATEWAY, "upstream unreachable").into_response()
        }
    }
}
