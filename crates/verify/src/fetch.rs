//! HTTP(S) for the verifier (feature `fetch`): the JWKS fetcher, and the task that follows
//! Cognate's revocation feed. TLS is rustls with the aws-lc-rs provider chosen here, not
//! process-wide, so that the library neither needs nor changes global state.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::error::VerifyError;
use crate::jwk::MAX_JWKS_BYTES;
use crate::jwks::{BoxFuture, JwksFetcher};
use crate::revocation::{FeedPage, RevocationList};
use crate::verifier::unix_now;

/// Longest a fetch may take, connection included.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest feed page accepted.
const MAX_FEED_BYTES: usize = 4 * 1024 * 1024;

/// Fetches JWKS documents and feed pages over HTTP(S), trusting the system's roots plus any added
/// ones. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct HttpFetcher {
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
}

impl std::fmt::Debug for HttpFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpFetcher").finish_non_exhaustive()
    }
}

impl HttpFetcher {
    /// A fetcher trusting the system's certificate authorities.
    pub fn new() -> Result<Self, VerifyError> {
        Self::with_root_certificates(&[])
    }

    /// A fetcher that also trusts these PEM certificates (a private CA).
    pub fn with_root_certificates(pems: &[Vec<u8>]) -> Result<Self, VerifyError> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::CertificateDer;
        let unavailable = |what: String| VerifyError::JwksUnavailable(what);
        let mut roots = rustls::RootCertStore::empty();
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        for pem in pems {
            for certificate in CertificateDer::pem_slice_iter(pem) {
                let certificate = certificate.map_err(|e| unavailable(format!("bad CA certificate: {e}")))?;
                roots.add(certificate).map_err(|e| unavailable(format!("unusable CA certificate: {e}")))?;
            }
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| unavailable(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let connector =
            hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().build();
        Ok(Self { client: Client::builder(TokioExecutor::new()).build(connector) })
    }

    /// GETs `url` with an optional `Authorization` value; the body if the status is 2xx and it
    /// fits in `limit` bytes.
    pub async fn get(&self, url: &str, authorization: Option<&str>, limit: usize) -> Result<Vec<u8>, String> {
        let mut request = http::Request::get(url)
            .header(http::header::USER_AGENT, concat!("cognate-verify/", env!("CARGO_PKG_VERSION")));
        if let Some(value) = authorization {
            request = request.header(http::header::AUTHORIZATION, value);
        }
        let request = request.body(Empty::new()).map_err(|e| format!("bad URL {url}: {e}"))?;
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| format!("{url}: {e}"))?;
            let status = response.status();
            if !status.is_success() {
                return Err(format!("{url}: HTTP {status}"));
            }
            let body = Limited::new(response.into_body(), limit).collect().await.map_err(|e| format!("{url}: {e}"))?;
            Ok(body.to_bytes().to_vec())
        };
        tokio::time::timeout(FETCH_TIMEOUT, exchange).await.map_err(|_| format!("{url}: timed out"))?
    }
}

impl JwksFetcher for HttpFetcher {
    fn fetch(&self, uri: &str) -> BoxFuture<Result<Vec<u8>, String>> {
        let (fetcher, uri) = (self.clone(), uri.to_owned());
        Box::pin(async move { fetcher.get(&uri, None, MAX_JWKS_BYTES).await })
    }
}

/// Where and as whom to read a Cognate revocation feed.
#[derive(Clone, Debug)]
pub struct FeedSource {
    /// `<issuer>/revocations`.
    pub url: String,
    /// A confidential app client of the pool.
    pub client_id: String,
    pub client_secret: String,
    /// Time between polls.
    pub interval: Duration,
}

/// Reads the feed once from the list's cursor, applying every page until no more are waiting;
/// returns how many events were applied.
pub async fn poll_revocations(
    fetcher: &HttpFetcher,
    source: &FeedSource,
    list: &RevocationList,
) -> Result<usize, String> {
    let credentials = format!("Basic {}", B64.encode(format!("{}:{}", source.client_id, source.client_secret)));
    let separator = if source.url.contains('?') { '&' } else { '?' };
    let mut applied = 0;
    loop {
        let cursor = list.cursor();
        let cursor: String = cursor.chars().filter(char::is_ascii_digit).collect();
        let url = format!("{}{separator}after={cursor}", source.url);
        let body = fetcher.get(&url, Some(&credentials), MAX_FEED_BYTES).await?;
        let page: FeedPage = serde_json::from_slice(&body).map_err(|e| format!("bad feed page: {e}"))?;
        applied += page.events.len();
        list.apply(&page, unix_now());
        if !page.more {
            return Ok(applied);
        }
    }
}

/// Follows the feed in a background task, every `interval`, for as long as the list lives.
/// Failures are logged and retried at the next poll; what was learnt stays.
pub fn follow_revocations(
    fetcher: HttpFetcher,
    source: FeedSource,
    list: &Arc<RevocationList>,
) -> tokio::task::JoinHandle<()> {
    let weak = Arc::downgrade(list);
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(source.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let Some(list) = weak.upgrade() else { return };
            match poll_revocations(&fetcher, &source, &list).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(events = n, "revocation feed: applied events"),
                Err(error) => tracing::warn!(%error, "revocation feed: poll failed"),
            }
        }
    })
}
