//! The web integration (feature `axum`): a tower layer that turns `Authorization: Bearer` into
//! verified claims in the request's extensions, and an axum extractor that reads them. A request
//! without a valid token gets 401 with `WWW-Authenticate: Bearer error="invalid_token"` (403
//! `insufficient_scope` when a scope or group is missing), and never reaches the handler.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{header, Request, StatusCode};

use crate::{bearer_token, BoxFuture, CognitoClaims, Verifier, VerifyError};

/// The verified claims of the request's token.
#[derive(Debug, Clone)]
pub struct Claims(pub Arc<CognitoClaims>);

/// Why a request was refused, as an HTTP response (RFC 6750).
#[derive(Debug)]
pub struct Rejection(pub Option<VerifyError>);

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let (status, challenge) = match &self.0 {
            None => (StatusCode::UNAUTHORIZED, "Bearer".to_owned()),
            Some(VerifyError::JwksUnavailable(_)) => (StatusCode::SERVICE_UNAVAILABLE, "Bearer".to_owned()),
            Some(e) if e.is_forbidden() => (
                StatusCode::FORBIDDEN,
                format!("Bearer error=\"insufficient_scope\", error_description=\"{}\"", e.reason()),
            ),
            Some(e) => (
                StatusCode::UNAUTHORIZED,
                format!("Bearer error=\"invalid_token\", error_description=\"{}\"", e.reason()),
            ),
        };
        let message = self.0.map(|e| e.to_string()).unwrap_or_else(|| "a bearer token is required".into());
        (status, [(header::WWW_AUTHENTICATE, challenge)], axum::Json(serde_json::json!({ "message": message })))
            .into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Claims {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Claims>().cloned().ok_or(Rejection(None))
    }
}

/// Requires a valid bearer token on every request of the wrapped service.
#[derive(Clone, Debug)]
pub struct RequireBearerLayer {
    verifier: Arc<Verifier>,
}

impl RequireBearerLayer {
    /// Verifies with `verifier`.
    pub fn new(verifier: Arc<Verifier>) -> Self {
        Self { verifier }
    }
}

impl<S> tower::Layer<S> for RequireBearerLayer {
    type Service = RequireBearer<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireBearer { inner, verifier: self.verifier.clone() }
    }
}

/// The service [`RequireBearerLayer`] makes.
#[derive(Clone, Debug)]
pub struct RequireBearer<S> {
    inner: S,
    verifier: Arc<Verifier>,
}

impl<S> tower::Service<Request<Body>> for RequireBearer<S>
where
    S: tower::Service<Request<Body>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        // The clone that was polled ready serves this request; a fresh clone waits for the next.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        let verifier = self.verifier.clone();
        Box::pin(async move {
            let token = request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(bearer_token)
                .map(str::to_owned);
            let Some(token) = token else { return Ok(Rejection(None).into_response()) };
            match verifier.verify(&token).await {
                Ok(claims) => {
                    request.extensions_mut().insert(Claims(claims));
                    inner.call(request).await
                }
                Err(error) => Ok(Rejection(Some(error)).into_response()),
            }
        })
    }
}
