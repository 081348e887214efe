//! Which pool a request's `Host` names. A pool's custom domain (or a prefix domain spelt as
//! Cognito's host, `<prefix>.auth.<region>.amazoncognito.com`) serves that pool only: its hosted
//! pages and OAuth endpoints refuse other pools' clients and tokens, as Cognito's domains do.
//! Any other host (the public URL's, loopback, a proxy's internal name) serves every pool.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// The pool the request's host is the domain of, if it is one (a request extension).
#[derive(Debug, Clone, Default)]
pub struct ServedPool(pub Option<String>);

/// What a request without the extension (the middleware not in front) is served as.
static EVERY_POOL: ServedPool = ServedPool(None);

/// The pool the request's host names, from its parts.
pub fn of(parts: &axum::http::request::Parts) -> &ServedPool {
    parts.extensions.get::<ServedPool>().unwrap_or(&EVERY_POOL)
}

/// The middleware that resolves it: no lookup at all for the public URL's host and loopback.
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(without_port);
    let pool = match host {
        Some(host) if !serves_every_pool(host, &state.cognate.config().public_url) => {
            match state.cognate.pool_for_host(host).await {
                Ok(pool) => pool,
                Err(err) => {
                    // Serving every pool is what the public URL does anyway: nothing is exposed.
                    tracing::warn!(%err, host, "cannot look the host's domain up; serving every pool");
                    None
                }
            }
        }
        _ => None,
    };
    request.extensions_mut().insert(ServedPool(pool));
    next.run(request).await
}

fn without_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        // An IPv6 literal keeps its brackets; only a trailing `:<digits>` is a port.
        Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

fn serves_every_pool(host: &str, public_url: &str) -> bool {
    let public_host = public_url.split_once("://").map_or(public_url, |(_, rest)| rest);
    let public_host = without_port(public_host.split('/').next().unwrap_or(public_host));
    host.eq_ignore_ascii_case(public_host) || matches!(host, "localhost" | "127.0.0.1" | "[::1]") || !host.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_host_loopback_and_bare_names_serve_every_pool() {
        let public = "http://127.0.0.1:9229";
        for host in ["127.0.0.1", "localhost", "[::1]", "cognate"] {
            assert!(serves_every_pool(host, public), "{host}");
        }
        assert!(serves_every_pool("id.example.com", "https://id.example.com/base"));
        assert!(!serves_every_pool("auth.example.com", public));
        assert_eq!(without_port("auth.example.com:9443"), "auth.example.com");
        assert_eq!(without_port("[::1]:9229"), "[::1]");
        assert_eq!(without_port("[::1]"), "[::1]");
    }
}
