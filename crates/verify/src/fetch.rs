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
    pub fn with_root_certificates(pems: &[Vec<u8>]) -> Result<Self, VerifyError> {
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(3))
            .user_agent(concat!("cognate-verify/", env!("CARGO_PKG_VERSION")));
        for pem in pems {
            let certificate = reqwest::Certificate::from_pem(pem)
                .map_err(|e| VerifyError::JwksUnavailable(format!("bad CA certificate: {e}")))?;
            builder = builder.add_root_certificate(certificate);
        }
        let client = builder.build().map_err(|e| VerifyError::JwksUnavailable(e.to_string()))?;
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
