//! `cruddur-backend`: serves the Cruddur API. `--auth verify` (the default) verifies bearer
//! tokens in-process with cognate-verify, following Cognate's revocation feed when given a
//! confidential client; `--auth gateway` trusts the claim headers of nginx + cognate-gate and
//! must only be reachable through them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use cognate_verify::{follow_revocations, FeedSource, HttpFetcher, RevocationList, TokenUse, Verifier};
use cruddur_backend::{router, ApiConfig, Authentication};
use tracing_subscriber::EnvFilter;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum AuthMode {
    Verify,
    Gateway,
}

#[derive(Parser, Debug)]
#[command(name = "cruddur-backend", about = "The Cruddur tutorial's API, verifying Cognate's tokens")]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "BACKEND_LISTEN", default_value = "127.0.0.1:4567")]
    listen: SocketAddr,
    /// The front end's origin(s), comma-separated, allowed by CORS.
    #[arg(
        long,
        env = "FRONTEND_URL",
        default_value = "http://127.0.0.1:3000,http://localhost:3000",
        value_delimiter = ','
    )]
    frontend_url: Vec<String>,
    /// Who verifies tokens: this process (verify) or cognate-gate in front of it (gateway).
    #[arg(long, env = "CRUDDUR_AUTH", value_enum, default_value = "verify")]
    auth: AuthMode,
    /// The pool's issuer URL.
    #[arg(long, env = "COGNATE_ISSUER", default_value = "http://127.0.0.1:9229/us-east-1_cruddur01")]
    issuer: String,
    /// The front end's app client, whose access tokens are accepted.
    #[arg(long, env = "COGNATE_CLIENT_ID", default_value = "cruddurwebclient0000000001")]
    client_id: String,
    /// The group allowed on /api/moderation.
    #[arg(long, env = "CRUDDUR_MODERATORS_GROUP", default_value = "moderators")]
    moderators_group: String,
    /// A confidential client of the pool, to follow the revocation feed (sign-outs are then
    /// refused within `--revocation-interval` seconds instead of at the token's expiry).
    #[arg(long, env = "COGNATE_REVOCATION_CLIENT_ID")]
    revocation_client_id: Option<String>,
    #[arg(long, env = "COGNATE_REVOCATION_CLIENT_SECRET", hide_env_values = true)]
    revocation_client_secret: Option<String>,
    #[arg(long, env = "COGNATE_REVOCATION_INTERVAL", default_value_t = 2)]
    revocation_interval: u64,
}

fn verifiers(args: &Args) -> Result<Authentication, String> {
    let revocations = Arc::new(RevocationList::new());
    let base = || {
        Verifier::builder(&args.issuer)
            .client_id(&args.client_id)
            .token_use(TokenUse::Access)
            .with_token_cache()
            .revocations(revocations.clone())
    };
    let access = base().build().map_err(|e| e.to_string())?;
    let moderators =
        base().shared_jwks(access.jwks().clone()).group(&args.moderators_group).build().map_err(|e| e.to_string())?;
    if let (Some(client_id), Some(client_secret)) = (&args.revocation_client_id, &args.revocation_client_secret) {
        let source = FeedSource {
            url: format!("{}/revocations", args.issuer.trim_end_matches('/')),
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
            interval: Duration::from_secs(args.revocation_interval.max(1)),
        };
        let fetcher = HttpFetcher::new().map_err(|e| e.to_string())?;
        // The task ends when the list is dropped with the verifiers.
        drop(follow_revocations(fetcher, source, &revocations));
        tracing::info!("following the revocation feed");
    }
    Ok(Authentication::Verify { access: Arc::new(access), moderators: Arc::new(moderators) })
}

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! { _ = interrupt => {}, _ = terminate.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

#[tokio::main]
async fn main() -> Result<(), String> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args = Args::parse();
    let authentication = match args.auth {
        AuthMode::Verify => verifiers(&args)?,
        AuthMode::Gateway => Authentication::Gateway,
    };
    let app = router(ApiConfig {
        authentication,
        cors_origins: args.frontend_url.clone(),
        moderators_group: args.moderators_group.clone(),
        now: time::OffsetDateTime::now_utc,
    });
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    println!("cruddur-backend: http://{} ({:?} mode, issuer {})", args.listen, args.auth, args.issuer);
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await.map_err(|e| e.to_string())
}
