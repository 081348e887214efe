//! Who is calling. With cognate-verify the claims of the verified bearer token; behind
//! cognate-gate the `X-Cognate-*` headers nginx copied from the gate's answer (the gate replaces
//! any a client sent). A protected route never runs without one or the other.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cognate_verify::axum::Claims;
use cognate_verify::Verifier;
use http::request::Parts;
use http::StatusCode;
use serde_json::json;

/// The access token's claim that the pool's PreTokenGeneration trigger adds (in gateway mode,
/// the gate's `X-Cognate-Handle` header carries it).
pub const HANDLE_CLAIM: &str = "cruddur_handle";

/// How the API learns who is calling.
#[derive(Clone)]
pub enum Authentication {
    /// Verifies `Authorization: Bearer` itself: access tokens of the app client, and for the
    /// moderators' route the same plus membership in the group.
    Verify { access: Arc<Verifier>, moderators: Arc<Verifier> },
    /// Trusts the claim headers of cognate-gate; only reachable through nginx.
    Gateway,
}

/// The verified caller of a protected route.
#[derive(Debug, Clone)]
pub struct Caller {
    pub sub: String,
    pub username: String,
    pub groups: Vec<String>,
    /// `cruddur_handle`, the claim the demo pool's PreTokenGeneration trigger adds (absent
    /// when the pool has no such trigger).
    pub handle: Option<String>,
    /// What verified the token: `cognate-verify` or `cognate-gate`.
    pub verified_by: &'static str,
}

pub(crate) fn unauthorized(message: &str) -> Response {
    (StatusCode::UNAUTHORIZED, [(http::header::WWW_AUTHENTICATE, "Bearer")], Json(json!({ "message": message })))
        .into_response()
}

impl Caller {
    fn from_claims(claims: &Claims) -> Self {
        Caller {
            sub: claims.0.sub.clone(),
            username: claims.0.username().unwrap_or_default().to_owned(),
            groups: claims.0.groups.clone(),
            handle: claims.0.claim(HANDLE_CLAIM).and_then(|v| v.as_str()).map(str::to_owned),
            verified_by: "cognate-verify",
        }
    }

    fn from_gate_headers(headers: &http::HeaderMap) -> Option<Self> {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let sub = text("x-cognate-sub").filter(|s| !s.is_empty())?;
        let groups = text("x-cognate-groups")
            .map(|g| g.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        Some(Caller {
            sub,
            username: text("x-cognate-username").unwrap_or_default(),
            groups,
            handle: text("x-cognate-handle").filter(|h| !h.is_empty()),
            verified_by: "cognate-gate",
        })
    }
}

/// Behind the gateway: a protected route needs the gate's headers; without them (a request that
/// bypassed nginx, or a route nginx does not guard) it is refused.
pub async fn require_gate_headers(mut request: Request, next: Next) -> Response {
    match Caller::from_gate_headers(request.headers()) {
        Some(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        None => unauthorized("a bearer token verified by cognate-gate is required"),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        match parts.extensions.get::<Claims>() {
            Some(claims) => Ok(Caller::from_claims(claims)),
            None => Err(unauthorized("a bearer token is required")),
        }
    }
}
