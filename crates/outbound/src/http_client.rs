//! The outbound HTTP client, for identity providers ([`UpstreamClient`]) and the SMS webhook:
//! hyper over rustls, trusting the system's roots (plus any CA given); every call bounded in time
//! and size, redirects not followed, and only to https endpoints, or http on a loopback address.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use cognate_domain::federation::{endpoint_allowed, UpstreamClient, UpstreamError, UpstreamResponse};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// How long one call may take, connection included.
pub const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read (a discovery document, a JWKS, a token response, a profile).
pub const MAX_UPSTREAM_BYTES: usize = 1024 * 1024;

/// Calls identity providers. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct HttpUpstream {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
    limit: usize,
}

impl std::fmt::Debug for HttpUpstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpUpstream").field("timeout", &self.timeout).field("limit", &self.limit).finish()
    }
}

impl HttpUpstream {
    /// A client trusting the system's certificate authorities and `extra_roots` (PEM), with the
    /// default bounds.
    pub fn new(extra_roots: &[Vec<u8>]) -> Result<Self, String> {
        let tls = crate::tls::client_config(extra_roots)?;
        let connector =
            hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().build();
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Self { client, timeout: UPSTREAM_TIMEOUT, limit: MAX_UPSTREAM_BYTES })
    }

    /// The same client with other bounds (tests use short ones).
    pub fn with_bounds(self, timeout: Duration, limit: usize) -> Self {
        Self { timeout, limit, ..self }
    }

    async fn call(
        &self,
        url: &str,
        request: http::request::Builder,
        body: Bytes,
    ) -> Result<UpstreamResponse, UpstreamError> {
        // Errors name the URL without its query: Facebook's token request carries the secret there.
        let shown = url.split('?').next().unwrap_or(url);
        if !endpoint_allowed(url) {
            return Err(UpstreamError::Refused(shown.to_owned()));
        }
        let unreachable = |e: &dyn std::fmt::Display| UpstreamError::Unreachable(shown.to_owned(), e.to_string());
        let request = request
            .uri(url)
            .header(http::header::USER_AGENT, concat!("Cognate/", env!("CARGO_PKG_VERSION")))
            .header(http::header::ACCEPT, "application/json")
            .body(Full::new(body))
            .map_err(|e| unreachable(&e))?;
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| unreachable(&e))?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), self.limit)
                .collect()
                .await
                .map_err(|_| UpstreamError::TooLarge(shown.to_owned()))?;
            Ok(UpstreamResponse { status, body: body.to_bytes().to_vec() })
        };
        tokio::time::timeout(self.timeout, exchange).await.map_err(|_| UpstreamError::Timeout(shown.to_owned()))?
    }
}

impl HttpUpstream {
    /// POSTs a JSON body with extra headers (the SMS webhook's signature and timestamp).
    pub async fn post_json(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: Vec<u8>,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let mut request = http::Request::post(url).header(http::header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        self.call(url, request, Bytes::from(body)).await
    }
}

/// The request with `Authorization: Bearer <token>` when there is a token.
fn with_bearer(request: http::request::Builder, bearer: Option<&str>) -> http::request::Builder {
    match bearer {
        Some(token) => request.header(http::header::AUTHORIZATION, format!("Bearer {token}")),
        None => request,
    }
}

#[async_trait]
impl UpstreamClient for HttpUpstream {
    async fn get(&self, url: &str, bearer: Option<&str>) -> Result<UpstreamResponse, UpstreamError> {
        self.call(url, with_bearer(http::Request::get(url), bearer), Bytes::new()).await
    }

    async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        bearer: Option<&str>,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let request = http::Request::post(url).header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.call(url, with_bearer(request, bearer), Bytes::from(body)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::{get, post};

    /// A local stand-in: echoes the bearer and the form, sleeps, or answers too much.
    async fn stand_in() -> String {
        let app = axum::Router::new()
            .route(
                "/me",
                get(|headers: http::HeaderMap| async move {
                    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                    format!("{{\"authorization\":\"{auth}\"}}")
                }),
            )
            .route("/token", post(|body: String| async move { (http::StatusCode::BAD_REQUEST, body) }))
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .route("/big", get(|| async { "x".repeat(4096) }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    fn client() -> HttpUpstream {
        HttpUpstream::new(&[]).unwrap().with_bounds(Duration::from_millis(500), 1024)
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn calls_carry_the_token_and_the_form_and_return_the_status() {
        let base = stand_in().await;
        let me = client().get(&format!("{base}/me"), Some("tok-1")).await.unwrap();
        assert_eq!((me.status, me.body.as_slice()), (200, b"{\"authorization\":\"Bearer tok-1\"}".as_slice()));
        let form = [("grant_type", "authorization_code"), ("code", "a b&c")];
        let token = client().post_form(&format!("{base}/token"), &form, None).await.unwrap();
        assert_eq!(token.status, 400, "a refusal is an answer, for the caller to read");
        assert_eq!(String::from_utf8(token.body).unwrap(), "grant_type=authorization_code&code=a+b%26c");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn calls_are_bounded_in_time_size_and_destination() {
        let base = stand_in().await;
        let slow = client().get(&format!("{base}/slow"), None).await;
        assert!(matches!(slow, Err(UpstreamError::Timeout(_))), "{slow:?}");
        let big = client().get(&format!("{base}/big"), None).await;
        assert!(matches!(big, Err(UpstreamError::TooLarge(_))), "{big:?}");
        let plain = client().get("http://idp.example.com/.well-known/openid-configuration", None).await;
        assert!(matches!(plain, Err(UpstreamError::Refused(_))), "{plain:?}");
        let closed = client().get("http://127.0.0.1:1/token?client_secret=s3cr3t", None).await;
        assert!(matches!(closed, Err(UpstreamError::Unreachable(..))), "{closed:?}");
        assert!(!closed.unwrap_err().to_string().contains("s3cr3t"), "errors do not repeat a query's secret");
    }
}
