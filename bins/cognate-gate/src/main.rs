//! `cognate-gate`: a sidecar that verifies Cognito-compatible JWTs so that applications do not
//! have to. Forward-auth mode answers `/verify` for nginx, Traefik and Envoy; with `--upstream` it
//! is a verifying reverse proxy. `/health` and `/metrics` (under `/.cognate-gate/` in proxy mode)
//! are its own.

mod config;
mod forward;
mod gate;
mod metrics;
mod proxy;
mod rules;

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderName;
use axum::routing::{any, get};
use axum::Router;
use clap::Parser;
use cognate_verify::{follow_revocations, FeedSource, HttpFetcher, RevocationList, Verifier};
use tracing_subscriber::EnvFilter;

use crate::config::{Args, Config};
use crate::gate::Gate;
use crate::metrics::Metrics;

fn init_logging() {
    let filter = EnvFilter::try_from_env("COGNATE_GATE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("COGNATE_GATE_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn build_gate(config: &Config) -> Result<(Arc<Gate>, Option<tokio::task::JoinHandle<()>>), String> {
    let roots = match &config.ca_cert {
        Some(path) => vec![std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?],
        None => Vec::new(),
    };
    let fetcher = HttpFetcher::with_root_certificates(&roots).map_err(|e| e.to_string())?;
    let mut builder = Verifier::builder(&config.issuer)
        .fetcher(Arc::new(fetcher.clone()))
        .token_cache(config.cache_capacity)
        .clock_skew(config.clock_skew);
    for client_id in &config.client_ids {
        builder = builder.client_id(client_id);
    }
    if let Some(uri) = &config.jwks_uri {
        builder = builder.jwks_uri(uri);
    }
    let revocations = config.feed.as_ref().map(|_| Arc::new(RevocationList::new()));
    if let Some(list) = &revocations {
        builder = builder.revocations(list.clone());
    }
    let verifier = Arc::new(builder.build().map_err(|e| e.to_string())?);
    let follower = match (&config.feed, &revocations) {
        (Some(feed), Some(list)) => {
            let source = FeedSource {
                url: feed.url.clone(),
                client_id: feed.client_id.clone(),
                client_secret: feed.client_secret.clone(),
                interval: feed.interval,
            };
            Some(follow_revocations(fetcher.clone(), source, list))
        }
        _ => None,
    };
    let mut extra_headers = Vec::new();
    for (claim, header) in &config.headers {
        let name = HeaderName::from_bytes(header.to_ascii_lowercase().as_bytes()).map_err(|e| e.to_string())?;
        extra_headers.push((claim.clone(), name));
    }
    let gate = Gate {
        verifier,
        rules: rules::Rules::new(&config.routes, config.token_use)?,
        extra_headers,
        metrics: Metrics::default(),
        revocations,
    };
    Ok((Arc::new(gate), follower))
}

async fn health() -> &'static str {
    "ok"
}

async fn metrics(State(gate): State<Arc<Gate>>) -> String {
    gate.metrics.render(&gate.verifier, gate.revocations.as_deref())
}

fn app(config: &Config, gate: Arc<Gate>) -> Result<Router, String> {
    match &config.upstream {
        None => {
            let verify_path: Arc<str> = config.verify_path.trim_end_matches('/').into();
            let verify_state = (gate.clone(), verify_path.clone());
            let own = Router::new().route("/health", get(health)).route("/metrics", get(metrics)).with_state(gate);
            let verify = Router::new()
                .route(&verify_path, any(forward::verify))
                .route(&format!("{verify_path}/{{*original}}"), any(forward::verify))
                .with_state(verify_state);
            Ok(own.merge(verify))
        }
        Some(url) => {
            let upstream = Arc::new(proxy::Upstream::new(url)?);
            let own = Router::new()
                .route("/.cognate-gate/health", get(health))
                .route("/.cognate-gate/metrics", get(metrics))
                .with_state(gate.clone());
            Ok(own.fallback_service(Router::new().fallback(proxy::forward).with_state((gate, upstream))))
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    init_logging();
    let config = Config::load(args)?;
    let (gate, _follower) = build_gate(&config)?;
    // Fetch the keys before the first request, so that a wrong issuer shows at start-up.
    gate.verifier.jwks().refresh().await;
    let router = app(&config, gate)?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let mode = match &config.upstream {
        Some(upstream) => format!("reverse proxy to {upstream}"),
        None => format!("forward-auth at {}", config.verify_path),
    };
    tracing::info!(listen = %config.listen, issuer = %config.issuer, %mode,
        revocation_feed = config.feed.as_ref().map(|f| f.url.as_str()), "cognate-gate ready");
    println!("cognate-gate listening on http://{} ({mode}; issuer {})", config.listen, config.issuer);
    axum::serve(listener, router).with_graceful_shutdown(shutdown()).await.map_err(|e| e.to_string())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cognate-gate: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
