//! HTTP(S) for the verifier (feature `fetch`): the JWKS fetcher, and the task that follows
//! Cognate's revocation feed.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use crate::error::VerifyError;
use crate::jwk::MAX_JWKS_BYTES;
use crate::jwks::{BoxFuture, JwksFetcher};
use crate::revocation::{FeedPage, RevocationList};
use crate::verifier::unix_now;

/// Fetches JWKS documents over HTTP(S), trusting the system's roots plus any added ones.
#[derive(Clone, Debug)]
pub struct HttpFetcher {
    client: reqwest::Client,
}

impl HttpFetcher {
    /// A fetcher trusting the system's certificate authorities.
    pub fn new() -> Result<Self, VerifyError> {
        Self::with_root_certificates(&[])
    }

    /// A fetcher that also trusts these PEM certificates (a private CA, a self-signed server).
    ///
    /// TLS is rustls with the aws-lc-rs provider, chosen here rather than process-wide, so that
    /// the library sets no global state.
    pub fn with_root_certificates(pems: &[Vec<u8>]) -> Result<Self, VerifyError> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::CertificateDer;
        let unavailable = |what: String| VerifyError::JwksUnavailable(what);
        let mut roots = rustls::RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        for pem in pems {
            for certificate in CertificateDer::pem_slice_iter(pem) {
                let certificate = certificate.map_err(|e| unavailable(format!("bad CA certificate: {e}")))?;
                roots.add(certificate).map_err(|e| unavailable(format!("unusable CA certificate: {e}")))?;
            }
        }
        let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| unavailable(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(3))
            .user_agent(concat!("cognate-verify/", env!("CARGO_PKG_VERSION")))
            .use_preconfigured_tls(tls)
            .build()
            .map_err(|e| unavailable(e.to_string()))?;
        Ok(Self { client })
    }

    /// The HTTP client, to share with [`follow_revocations`].
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

async fn get_limited(request: reqwest::RequestBuilder, limit: usize) -> Result<Vec<u8>, String> {
    let mut response = request.send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("HTTP {}", response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > limit {
            return Err("response too large".into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl JwksFetcher for HttpFetcher {
    fn fetch(&self, uri: &str) -> BoxFuture<Result<Vec<u8>, String>> {
        let request = self.client.get(uri);
        Box::pin(get_limited(request, MAX_JWKS_BYTES))
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

/// Reads the feed once from the list's cursor, applying every page until no more are waiting.
pub async fn poll_revocations(
    client: &reqwest::Client,
    source: &FeedSource,
    list: &RevocationList,
) -> Result<usize, String> {
    let credentials = B64.encode(format!("{}:{}", source.client_id, source.client_secret));
    let mut applied = 0;
    loop {
        let request = client
            .get(&source.url)
            .query(&[("after", list.cursor())])
            .header("authorization", format!("Basic {credentials}"));
        let body = get_limited(request, 4 * 1024 * 1024).await?;
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
    client: reqwest::Client,
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
            match poll_revocations(&client, &source, &list).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(events = n, "revocation feed: applied events"),
                Err(error) => tracing::warn!(%error, url = %source.url, "revocation feed: poll failed"),
            }
        }
    })
}
