//! The connection loop: accepts TCP (optionally TLS) connections and serves the router on each
//! with HTTP/1.1, a deadline for the request head, and a graceful stop.
//!
//! It replaces `axum::serve` because that sets no timer, so a client that opens a connection and
//! sends its head a byte at a time (slowloris) would hold it forever.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long a client may take to deliver each part of a request.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// From the moment the server waits for a request (a new connection, or an idle kept-alive
    /// one) until its head is complete; also bounds a TLS handshake. Then the connection closes.
    /// `None` turns it off, for a server behind a proxy that enforces its own: the timer costs
    /// about a tenth of the cheapest requests' throughput.
    pub header: Option<Duration>,
    /// From the head until the whole body has arrived (see [`crate::body`]).
    pub body: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { header: Some(Duration::from_secs(10)), body: Duration::from_secs(30) }
    }
}

/// How long a TLS handshake may take when the header timeout is off.
const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a stop waits for requests in flight before closing their connections.
const DRAIN_ON_STOP: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `stop` completes, then lets requests in flight finish (up
/// to 10 s). With `tls`, every connection is a TLS handshake first. Handlers can read the
/// peer's address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
    timeouts: Timeouts,
    stop: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.keep_alive(true).header_read_timeout(timeouts.header);
    if timeouts.header.is_some() {
        builder.timer(TokioTimer::new());
    }
    let builder = Arc::new(builder);
    let handshake = timeouts.header.unwrap_or(DEFAULT_HANDSHAKE_TIMEOUT);
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(%err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let https = tls.is_some();
        let connection = Connection { app: app.clone(), builder: builder.clone(), watcher: graceful.watcher(), https };
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => connection.run(stream, peer).await,
                Some(acceptor) => match tokio::time::timeout(handshake, acceptor.accept(stream)).await {
                    Ok(Ok(stream)) => connection.run(stream, peer).await,
                    Ok(Err(err)) => tracing::debug!(%peer, %err, "TLS handshake failed"),
                    Err(_) => tracing::info!(%peer, "closing a connection: no TLS handshake within the header timeout"),
                },
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_ON_STOP, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still in flight after {} s; closing them", DRAIN_ON_STOP.as_secs());
    }
}

/// What one connection's task needs.
struct Connection {
    app: Router,
    builder: Arc<hyper::server::conn::http1::Builder>,
    watcher: Watcher,
    /// Served over TLS: requests say so in `X-Forwarded-Proto` (whatever the client sent), so
    /// that the hosted pages' cookies are `Secure`.
    https: bool,
}

impl Connection {
    async fn run<S>(self, stream: S, peer: SocketAddr)
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (app, https) = (self.app, self.https);
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            if https {
                request.headers_mut().insert("x-forwarded-proto", http::HeaderValue::from_static("https"));
            }
            let app = app.clone();
            async move { Ok::<_, Infallible>(app.oneshot(request.map(Body::new)).await.unwrap_or_else(|e| match e {})) }
        });
        let connection = self.builder.serve_connection(TokioIo::new(stream), service);
        if let Err(err) = self.watcher.watch(connection).await {
            if err.is_timeout() {
                tracing::info!(%peer, "closing a connection: no complete request head within the header timeout");
            } else {
                tracing::debug!(%peer, %err, "connection ended with an error");
            }
        }
    }
}
