//! Triggers over HTTP: each call POSTs the Lambda event as JSON, signed as every webhook call
//! of Cognate's is ([`crate::signing`]), and reads the returned event. As on Cognito a call has
//! 5 seconds and up to 3 attempts. The receiver answers:
//! - 2xx with the returned event as the body;
//! - a function error as any non-2xx status with Lambda's error body, `{"errorMessage": "…",
//!   "errorType": "…"}` (not retried: the function ran);
//! - 401 or 403 for a call it refuses (a bad signature), not retried either.
//!
//! No answer in time, no connection, 429 and 5xx without an error body are retried.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use cognate_domain::federation::UpstreamError;
use cognate_domain::triggers::{TriggerFailure, TriggerTransport};
use cognate_domain::Clock;
use serde::Deserialize;

use crate::http_client::HttpUpstream;

/// How long one attempt may take (Cognito's fixed trigger timeout).
pub const TRIGGER_TIMEOUT: Duration = Duration::from_secs(5);
/// Attempts before a call gives up.
pub const TRIGGER_ATTEMPTS: u32 = 3;
/// The largest returned event read (Lambda's synchronous answer limit is 6 MB).
pub const MAX_EVENT_BYTES: usize = 6 * 1024 * 1024;

/// Lambda's error body.
#[derive(Deserialize)]
struct FunctionError {
    #[serde(rename = "errorMessage")]
    error_message: String,
}

/// Calls trigger endpoints. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct TriggerWebhook {
    client: HttpUpstream,
    secret: Arc<[u8]>,
    clock: Arc<dyn Clock>,
    attempts: u32,
}

impl TriggerWebhook {
    /// A caller signing with `secret` (at least 16 bytes), over `client`'s connections, with
    /// Cognito's bounds.
    pub fn new(client: HttpUpstream, secret: Vec<u8>, clock: Arc<dyn Clock>) -> Result<Self, String> {
        if secret.len() < 16 {
            return Err("the trigger secret must be at least 16 bytes".into());
        }
        let client = client.with_bounds(TRIGGER_TIMEOUT, MAX_EVENT_BYTES);
        Ok(Self { client, secret: secret.into(), clock, attempts: TRIGGER_ATTEMPTS })
    }

    /// The same caller with other bounds (tests use short ones).
    pub fn with_bounds(self, timeout: Duration, attempts: u32) -> Self {
        Self { client: self.client.with_bounds(timeout, MAX_EVENT_BYTES), attempts: attempts.max(1), ..self }
    }

    /// One attempt: the event, or whether the failure is worth another attempt.
    async fn attempt(&self, url: &str, event: &[u8]) -> Result<Vec<u8>, (TriggerFailure, bool)> {
        let headers = crate::signing::headers(&self.secret, self.clock.now(), event);
        let answer = match self.client.post_json(url, &headers, event.to_vec()).await {
            Ok(answer) => answer,
            Err(UpstreamError::Timeout(_)) => {
                return Err((TriggerFailure::Invocation("Socket timeout while invoking Lambda function".into()), true))
            }
            Err(UpstreamError::TooLarge(_)) => {
                return Err((TriggerFailure::Invocation("the function's answer exceeds 6 MB".into()), false))
            }
            Err(UpstreamError::Refused(_)) => {
                return Err((TriggerFailure::Invocation("the endpoint is not an allowed URL".into()), false))
            }
            Err(UpstreamError::Unreachable(..)) => {
                return Err((
                    TriggerFailure::Invocation("Connection refused while invoking Lambda function".into()),
                    true,
                ))
            }
        };
        if (200..300).contains(&answer.status) {
            return Ok(answer.body);
        }
        if let Ok(error) = serde_json::from_slice::<FunctionError>(&answer.body) {
            return Err((TriggerFailure::Function(error.error_message), false));
        }
        let (cause, retry) = match answer.status {
            401 | 403 => ("AccessDeniedException".to_owned(), false),
            404 => ("ResourceNotFoundException".to_owned(), false),
            429 => ("TooManyRequestsException".to_owned(), true),
            status if status >= 500 => (format!("ServiceException (HTTP {status})"), true),
            status => (format!("an unexpected HTTP {status} from the function's endpoint"), false),
        };
        Err((TriggerFailure::Invocation(cause), retry))
    }
}

#[async_trait]
impl TriggerTransport for TriggerWebhook {
    async fn call(&self, url: &str, event: Vec<u8>) -> Result<Vec<u8>, TriggerFailure> {
        let mut attempt = 1;
        loop {
            match self.attempt(url, &event).await {
                Ok(answer) => return Ok(answer),
                Err((failure, true)) if attempt < self.attempts => {
                    tracing::warn!(%url, attempt, %failure, "trigger call failed; trying again");
                    attempt += 1;
                }
                Err((failure, _)) => return Err(failure),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::signature;
    use axum::routing::post;
    use cognate_domain::ManualClock;
    use std::sync::atomic::{AtomicU32, Ordering};

    const SECRET: &[u8] = b"0123456789abcdef";

    /// A receiver that checks the signature, counts calls, and answers as `path` says.
    async fn receiver() -> (String, Arc<AtomicU32>) {
        let calls = Arc::new(AtomicU32::new(0));
        let counted = calls.clone();
        let app = axum::Router::new().route(
            "/{mode}",
            post(move |axum::extract::Path(mode): axum::extract::Path<String>, headers: http::HeaderMap, body: bytes::Bytes| {
                let calls = counted.clone();
                async move {
                    let n = calls.fetch_add(1, Ordering::SeqCst);
                    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                    let timestamp: i64 = header("x-cognate-timestamp").parse().unwrap_or(0);
                    if header("x-cognate-signature") != signature(SECRET, timestamp, &body) {
                        return (http::StatusCode::UNAUTHORIZED, String::new());
                    }
                    match mode.as_str() {
                        "echo" => (http::StatusCode::OK, String::from_utf8_lossy(&body).into_owned()),
                        "throw" => (
                            http::StatusCode::BAD_REQUEST,
                            r#"{"errorMessage":"Registration from this domain is not allowed.","errorType":"Error"}"#.into(),
                        ),
                        "flaky" if n == 0 => (http::StatusCode::SERVICE_UNAVAILABLE, String::new()),
                        "flaky" => (http::StatusCode::OK, "{}".into()),
                        "slow" => {
                            tokio::time::sleep(Duration::from_secs(2)).await;
                            (http::StatusCode::OK, "{}".into())
                        }
                        _ => (http::StatusCode::NOT_FOUND, String::new()),
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (url, calls)
    }

    fn webhook(secret: &[u8]) -> TriggerWebhook {
        TriggerWebhook::new(HttpUpstream::new(&[]).unwrap(), secret.to_vec(), Arc::new(ManualClock::new(1_764_700_000)))
            .unwrap()
            .with_bounds(Duration::from_millis(300), 3)
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_returned_event_comes_back_and_function_errors_are_not_retried() {
        let (base, calls) = receiver().await;
        let answer = webhook(SECRET).call(&format!("{base}/echo"), br#"{"version":"1"}"#.to_vec()).await.unwrap();
        assert_eq!(answer, br#"{"version":"1"}"#);
        let thrown = webhook(SECRET).call(&format!("{base}/throw"), b"{}".to_vec()).await;
        assert_eq!(thrown, Err(TriggerFailure::Function("Registration from this domain is not allowed.".into())));
        assert_eq!(calls.load(Ordering::SeqCst), 2, "one call each");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn failures_to_invoke_are_retried_up_to_three_attempts() {
        let (base, calls) = receiver().await;
        assert_eq!(webhook(SECRET).call(&format!("{base}/flaky"), b"{}".to_vec()).await.unwrap(), b"{}");
        assert_eq!(calls.swap(0, Ordering::SeqCst), 2, "a 503 is tried again");
        let slow = webhook(SECRET).call(&format!("{base}/slow"), b"{}".to_vec()).await;
        assert_eq!(slow, Err(TriggerFailure::Invocation("Socket timeout while invoking Lambda function".into())));
        assert_eq!(calls.swap(0, Ordering::SeqCst), 3);
        let stranger = webhook(b"another-secret-of-16").call(&format!("{base}/echo"), b"{}".to_vec()).await;
        assert_eq!(stranger, Err(TriggerFailure::Invocation("AccessDeniedException".into())));
        assert_eq!(calls.swap(0, Ordering::SeqCst), 1, "a refused signature is final");
        let down = webhook(SECRET).call("http://127.0.0.1:1/echo", b"{}".to_vec()).await;
        assert!(
            matches!(down, Err(TriggerFailure::Invocation(ref m)) if m.starts_with("Connection refused")),
            "{down:?}"
        );
    }
}
