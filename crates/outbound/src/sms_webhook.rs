//! Text messages through an HTTP webhook the operator points at their provider (an SNS or
//! Twilio bridge, a gateway). Each message is one POST of a JSON body:
//!
//! ```json
//! {"id":"0193…","pool_id":"us-east-1_Ab12","username":"ana","phone_number":"+15555550100",
//!  "purpose":"MFA","message":"Your authentication code is 123456. ","created":1764700000}
//! ```
//!
//! signed so that the receiver can tell it came from this server and is fresh (see
//! [`crate::signing`]: `X-Cognate-Timestamp` and `X-Cognate-Signature`).
//! A retried message keeps its `id` (also in `X-Cognate-Message-Id`), so repeats can be dropped.
//! 2xx is delivered; 408, 429 and 5xx (and no answer) are retried; any other answer is final.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use cognate_domain::federation::UpstreamError;
use cognate_domain::{Clock, Delivery, DeliveryError, Message, UnixTime};
use serde::Serialize;

use crate::http_client::{HttpUpstream, MAX_UPSTREAM_BYTES};

/// The webhook and the secret its calls are signed with.
#[derive(Clone)]
pub struct SmsWebhookSettings {
    pub url: String,
    pub secret: Vec<u8>,
    pub timeout: Duration,
}

impl std::fmt::Debug for SmsWebhookSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsWebhookSettings").field("url", &self.url).field("timeout", &self.timeout).finish()
    }
}

/// The JSON body of one call.
#[derive(Serialize)]
struct Body<'a> {
    id: &'a str,
    pool_id: &'a str,
    username: &'a str,
    phone_number: &'a str,
    purpose: &'a str,
    message: &'a str,
    created: UnixTime,
}

/// Sends text messages through the webhook.
pub struct SmsWebhook {
    client: HttpUpstream,
    settings: SmsWebhookSettings,
    clock: Arc<dyn Clock>,
}

impl SmsWebhook {
    /// A sender for `settings`; `client` is the shared outbound client (its CA roots), bounded
    /// here by the webhook's timeout.
    pub fn new(client: HttpUpstream, settings: SmsWebhookSettings, clock: Arc<dyn Clock>) -> Result<Self, String> {
        if !cognate_domain::federation::endpoint_allowed(&settings.url) {
            return Err(format!(
                "sms webhook {}: it must be https, or http on a loopback address (the body carries codes)",
                settings.url
            ));
        }
        if settings.secret.len() < 16 {
            return Err("the sms webhook secret must be at least 16 bytes".into());
        }
        let client = client.with_bounds(settings.timeout, MAX_UPSTREAM_BYTES);
        Ok(Self { client, settings, clock })
    }
}

#[async_trait]
impl Delivery for SmsWebhook {
    async fn deliver(&self, m: &Message) -> Result<(), DeliveryError> {
        let body = Body {
            id: &m.id,
            pool_id: &m.pool_id,
            username: &m.username,
            phone_number: &m.destination,
            purpose: m.purpose.name(),
            message: &m.text,
            created: m.time,
        };
        let body = serde_json::to_vec(&body).map_err(|e| DeliveryError::Permanent(e.to_string()))?;
        let now = self.clock.now();
        let [timestamp, signature] = crate::signing::headers(&self.settings.secret, now, &body);
        let headers = [timestamp, signature, ("x-cognate-message-id", m.id.clone())];
        match self.client.post_json(&self.settings.url, &headers, body).await {
            Ok(answer) if (200..300).contains(&answer.status) => Ok(()),
            Ok(answer) if answer.status == 408 || answer.status == 429 || answer.status >= 500 => {
                Err(DeliveryError::Transient(format!("the SMS webhook answered {}", answer.status)))
            }
            Ok(answer) => Err(DeliveryError::Permanent(format!(
                "the SMS webhook refused it ({}): {}",
                answer.status,
                String::from_utf8_lossy(&answer.body).chars().take(200).collect::<String>()
            ))),
            Err(UpstreamError::Refused(url)) => Err(DeliveryError::Permanent(format!("not an allowed URL: {url}"))),
            Err(e) => Err(DeliveryError::Transient(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::signature;
    use axum::routing::post;
    use cognate_domain::ManualClock;

    /// A receiver that checks the signature and answers with the status it was told to.
    async fn receiver(status: u16) -> (String, Arc<std::sync::Mutex<Vec<serde_json::Value>>>) {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = seen.clone();
        let app = axum::Router::new().route(
            "/sms",
            post(move |headers: http::HeaderMap, body: bytes::Bytes| {
                let kept = kept.clone();
                async move {
                    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                    let timestamp: i64 = header("x-cognate-timestamp").parse().unwrap_or(0);
                    if header("x-cognate-signature") != signature(b"0123456789abcdef", timestamp, &body) {
                        return http::StatusCode::UNAUTHORIZED;
                    }
                    kept.lock().unwrap().push(serde_json::from_slice(&body).unwrap());
                    http::StatusCode::from_u16(status).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/sms", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (url, seen)
    }

    fn webhook(url: &str, secret: &[u8]) -> SmsWebhook {
        let settings = SmsWebhookSettings { url: url.into(), secret: secret.to_vec(), timeout: Duration::from_secs(2) };
        SmsWebhook::new(HttpUpstream::new(&[]).unwrap(), settings, Arc::new(ManualClock::new(1_764_700_000))).unwrap()
    }

    fn text() -> Message {
        Message {
            id: "m-1".into(),
            time: 1_764_699_990,
            pool_id: "us-east-1_p".into(),
            username: "ana".into(),
            destination: "+15555550100".into(),
            channel: cognate_domain::Channel::Sms,
            purpose: cognate_domain::model::CodePurpose::Mfa,
            code: "123456".into(),
            subject: None,
            text: "Your authentication code is 123456. ".into(),
            from: None,
            reply_to: None,
            sender: None,
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_signed_call_carries_the_message_and_answers_say_whether_to_retry() {
        let (ok, seen) = receiver(204).await;
        webhook(&ok, b"0123456789abcdef").deliver(&text()).await.unwrap();
        let body = seen.lock().unwrap()[0].clone();
        assert_eq!(body["phone_number"], "+15555550100");
        assert_eq!(body["message"], "Your authentication code is 123456. ");
        assert_eq!((body["id"].as_str(), body["purpose"].as_str()), (Some("m-1"), Some("MFA")));
        let forged = webhook(&ok, b"another-secret-of-16").deliver(&text()).await;
        assert!(matches!(forged, Err(DeliveryError::Permanent(_))), "the receiver refuses a bad signature");
        let (busy, _) = receiver(503).await;
        assert!(matches!(webhook(&busy, b"0123456789abcdef").deliver(&text()).await, Err(DeliveryError::Transient(_))));
        let (limited, _) = receiver(429).await;
        assert!(matches!(
            webhook(&limited, b"0123456789abcdef").deliver(&text()).await,
            Err(DeliveryError::Transient(_))
        ));
        let down = webhook("http://127.0.0.1:1/sms", b"0123456789abcdef").deliver(&text()).await;
        assert!(matches!(down, Err(DeliveryError::Transient(_))), "{down:?}");
    }

    #[test]
    fn the_webhook_must_be_safe_to_carry_codes() {
        let settings = |url: &str, secret: &[u8]| SmsWebhookSettings {
            url: url.into(),
            secret: secret.to_vec(),
            timeout: Duration::from_secs(2),
        };
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(0));
        let client = HttpUpstream::new(&[]).unwrap();
        assert!(SmsWebhook::new(
            client.clone(),
            settings("http://sms.example.com/", b"0123456789abcdef"),
            clock.clone()
        )
        .is_err());
        assert!(SmsWebhook::new(client.clone(), settings("https://sms.example.com/", b"short"), clock.clone()).is_err());
        assert!(SmsWebhook::new(client, settings("https://sms.example.com/", b"0123456789abcdef"), clock).is_ok());
    }
}
