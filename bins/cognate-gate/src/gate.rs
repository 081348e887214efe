//! The decision every request gets: which rule applies, whether the bearer token verifies and
//! meets it, and the `X-Cognate-*` headers that carry the verified claims onward. Both modes
//! (forward-auth and reverse proxy) go through [`Gate::authorize`].

use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cognate_verify::{bearer_token, CognitoClaims, RevocationList, Verifier, VerifyError};
use serde_json::Value;

use crate::metrics::Metrics;
use crate::rules::{Decision, Rules};

/// Every header the gate sets starts with this; incoming ones are stripped.
pub const CLAIM_HEADER_PREFIX: &str = "x-cognate-";

/// Shared by every request.
pub struct Gate {
    pub verifier: Arc<Verifier>,
    pub rules: Rules,
    /// Extra headers: claim name → header.
    pub extra_headers: Vec<(String, HeaderName)>,
    pub metrics: Metrics,
    pub revocations: Option<Arc<RevocationList>>,
}

/// Why a request was refused, ready to answer.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    challenge: String,
    reason: &'static str,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = format!("{{\"message\":\"{}\"}}", self.reason);
        (
            self.status,
            [(header::WWW_AUTHENTICATE, self.challenge), (header::CONTENT_TYPE, "application/json".into())],
            body,
        )
            .into_response()
    }
}

fn refusal(error: &VerifyError) -> Refusal {
    let reason = error.reason();
    match error {
        VerifyError::JwksUnavailable(_) => {
            Refusal { status: StatusCode::SERVICE_UNAVAILABLE, challenge: "Bearer".into(), reason }
        }
        e if e.is_forbidden() => Refusal {
            status: StatusCode::FORBIDDEN,
            challenge: format!("Bearer error=\"insufficient_scope\", error_description=\"{reason}\""),
            reason,
        },
        _ => Refusal {
            status: StatusCode::UNAUTHORIZED,
            challenge: format!("Bearer error=\"invalid_token\", error_description=\"{reason}\""),
            reason,
        },
    }
}

/// Headers carrying verified claims; stands empty for a public route.
pub type ClaimHeaders = Vec<(HeaderName, HeaderValue)>;

fn claim_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => Some(items.iter().filter_map(claim_text).collect::<Vec<_>>().join(",")),
        _ => None,
    }
}

impl Gate {
    /// Decides a request: `Ok(None)` for a public route, `Ok(Some(headers))` for a verified
    /// token that meets the rule, a refusal otherwise.
    pub async fn authorize(
        &self,
        method: &str,
        path: &str,
        headers: &HeaderMap,
    ) -> Result<Option<ClaimHeaders>, Refusal> {
        let requirements = match self.rules.decide(method, path) {
            Decision::Public => {
                self.metrics.public();
                return Ok(None);
            }
            Decision::Protected(requirements) => requirements,
        };
        let token = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(bearer_token);
        let Some(token) = token else {
            self.metrics.rejected("missing_token");
            return Err(Refusal {
                status: StatusCode::UNAUTHORIZED,
                challenge: "Bearer".into(),
                reason: "missing_token",
            });
        };
        let verified = match self.verifier.verify(token).await {
            Ok(claims) => requirements.check(&claims).map(|()| claims),
            Err(e) => Err(e),
        };
        match verified {
            Ok(claims) => {
                self.metrics.allowed();
                Ok(Some(self.claim_headers(&claims)))
            }
            Err(error) => {
                self.metrics.rejected(error.reason());
                tracing::info!(reason = error.reason(), %method, %path, "refused");
                Err(refusal(&error))
            }
        }
    }

    fn claim_headers(&self, claims: &CognitoClaims) -> ClaimHeaders {
        let mut out = Vec::with_capacity(6 + self.extra_headers.len());
        let mut push = |name: &'static str, value: &str| {
            if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
                out.push((HeaderName::from_static(name), value));
            }
        };
        push("x-cognate-sub", &claims.sub);
        if let Some(username) = claims.username() {
            push("x-cognate-username", username);
        }
        push("x-cognate-groups", &claims.groups.join(","));
        push("x-cognate-scope", claims.scope.as_deref().unwrap_or(""));
        if let Some(client) = claims.client() {
            push("x-cognate-client-id", client);
        }
        push("x-cognate-token-use", &claims.token_use);
        for (claim, header) in &self.extra_headers {
            let Some(text) = claims.claim(claim).and_then(claim_text) else { continue };
            if let Ok(value) = HeaderValue::from_bytes(text.as_bytes()) {
                out.push((header.clone(), value));
            }
        }
        out
    }
}

/// Removes every `X-Cognate-*` header a client sent: only the gate may set them.
pub fn strip_claim_headers(headers: &mut HeaderMap) {
    let forged: Vec<HeaderName> =
        headers.keys().filter(|name| name.as_str().starts_with(CLAIM_HEADER_PREFIX)).cloned().collect();
    for name in forged {
        headers.remove(name);
    }
}
