//! The gate's configuration: command-line flags (each also a `COGNATE_GATE_*` variable) layered
//! over a TOML file, validated into one struct at start-up.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use cognate_verify::TokenUse;
use serde::Deserialize;

/// Verifies Cognito-compatible JWTs in front of an application: forward-auth (nginx auth_request,
/// Traefik forwardAuth, Envoy ext_authz) or a verifying reverse proxy.
#[derive(Debug, Parser)]
#[command(name = "cognate-gate", version, about)]
pub struct Args {
    /// Address to listen on [default: 127.0.0.1:9230].
    #[arg(long, env = "COGNATE_GATE_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// The issuer whose tokens are accepted (`<cognate-url>/<poolId>`, or Cognito's).
    #[arg(long, env = "COGNATE_GATE_ISSUER")]
    pub issuer: Option<String>,
    /// Accepted app client ids (repeat the flag, or comma-separate in the variable).
    #[arg(long = "client-id", env = "COGNATE_GATE_CLIENT_ID", value_delimiter = ',')]
    pub client_ids: Vec<String>,
    /// Accept only `access` or only `id` tokens [default: access].
    #[arg(long, env = "COGNATE_GATE_TOKEN_USE")]
    pub token_use: Option<String>,
    /// Reverse-proxy mode: forward verified requests to this URL.
    #[arg(long, env = "COGNATE_GATE_UPSTREAM")]
    pub upstream: Option<String>,
    /// TOML configuration file.
    #[arg(long, env = "COGNATE_GATE_CONFIG")]
    pub config: Option<PathBuf>,
    /// JWKS URL [default: <issuer>/.well-known/jwks.json].
    #[arg(long, env = "COGNATE_GATE_JWKS_URI")]
    pub jwks_uri: Option<String>,
    /// An extra PEM certificate authority to trust when fetching (a private or self-signed server).
    #[arg(long, env = "COGNATE_GATE_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
    /// Path of the forward-auth endpoint [default: /verify].
    #[arg(long, env = "COGNATE_GATE_VERIFY_PATH")]
    pub verify_path: Option<String>,
    /// Follow the revocation feed as this confidential app client.
    #[arg(long, env = "COGNATE_GATE_REVOCATION_CLIENT_ID")]
    pub revocation_client_id: Option<String>,
    /// Its secret (or COGNATE_GATE_REVOCATION_CLIENT_SECRET_FILE).
    #[arg(long, env = "COGNATE_GATE_REVOCATION_CLIENT_SECRET", hide_env_values = true)]
    pub revocation_client_secret: Option<String>,
    /// Revocation feed URL [default: <issuer>/revocations].
    #[arg(long, env = "COGNATE_GATE_REVOCATION_URL")]
    pub revocation_url: Option<String>,
    /// Seconds between feed polls [default: 5].
    #[arg(long, env = "COGNATE_GATE_REVOCATION_INTERVAL")]
    pub revocation_interval: Option<u64>,
    /// Verified tokens kept in memory (0 turns the cache off) [default: 16384].
    #[arg(long, env = "COGNATE_GATE_CACHE_CAPACITY")]
    pub cache_capacity: Option<usize>,
    /// Clock skew tolerated on exp/nbf/iat, in seconds (at most 300) [default: 0].
    #[arg(long, env = "COGNATE_GATE_CLOCK_SKEW")]
    pub clock_skew: Option<u64>,
}

/// The TOML file: the flags' names with underscores, plus routes and extra claim headers.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<SocketAddr>,
    pub issuer: Option<String>,
    #[serde(default)]
    pub client_ids: Vec<String>,
    pub token_use: Option<String>,
    pub upstream: Option<String>,
    pub jwks_uri: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub verify_path: Option<String>,
    pub revocation_client_id: Option<String>,
    pub revocation_client_secret: Option<String>,
    pub revocation_url: Option<String>,
    pub revocation_interval: Option<u64>,
    pub cache_capacity: Option<usize>,
    pub clock_skew: Option<u64>,
    /// Extra headers: claim name → header name (e.g. `email = "X-Cognate-Email"`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub routes: Vec<RouteConfig>,
}

/// A per-route rule: the longest matching prefix (and method) decides.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    pub prefix: String,
    /// Methods this rule applies to (empty: all).
    #[serde(default)]
    pub methods: Vec<String>,
    /// No token needed.
    #[serde(default)]
    pub public: bool,
    pub token_use: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub groups: Vec<String>,
}

/// Following the revocation feed.
#[derive(Debug, Clone)]
pub struct FeedConfig {
    pub url: String,
    pub client_id: String,
    pub client_secret: String,
    pub interval: Duration,
}

/// The validated configuration.
#[derive(Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub issuer: String,
    pub client_ids: Vec<String>,
    pub token_use: Option<TokenUse>,
    pub upstream: Option<String>,
    pub jwks_uri: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub verify_path: String,
    pub feed: Option<FeedConfig>,
    pub cache_capacity: usize,
    pub clock_skew: Duration,
    pub headers: BTreeMap<String, String>,
    pub routes: Vec<RouteConfig>,
}

/// `access`, `id`, or `any`.
pub fn parse_token_use(name: &str) -> Result<Option<TokenUse>, String> {
    match name {
        "any" => Ok(None),
        other => TokenUse::from_name(other)
            .map(Some)
            .ok_or_else(|| format!("token_use must be access, id or any, not '{other}'")),
    }
}

fn secret_from_env_file() -> Result<Option<String>, String> {
    match std::env::var("COGNATE_GATE_REVOCATION_CLIENT_SECRET_FILE") {
        Ok(path) => std::fs::read_to_string(&path)
            .map(|s| Some(s.trim().to_owned()))
            .map_err(|e| format!("cannot read COGNATE_GATE_REVOCATION_CLIENT_SECRET_FILE ({path}): {e}")),
        Err(_) => Ok(None),
    }
}

impl Config {
    /// Layers the file under the flags and validates.
    pub fn load(args: Args) -> Result<Self, String> {
        let file: FileConfig = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                toml::from_str(&text).map_err(|e| format!("invalid {}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let issuer = args
            .issuer
            .or(file.issuer)
            .ok_or("an issuer is required (--issuer or COGNATE_GATE_ISSUER)")?
            .trim_end_matches('/')
            .to_owned();
        if !issuer.starts_with("http://") && !issuer.starts_with("https://") {
            return Err(format!("the issuer must be an http(s) URL: {issuer}"));
        }
        let client_ids = if args.client_ids.is_empty() { file.client_ids } else { args.client_ids };
        let token_use = parse_token_use(args.token_use.or(file.token_use).as_deref().unwrap_or("access"))?;
        let upstream = args.upstream.or(file.upstream).map(|u| u.trim_end_matches('/').to_owned());
        if let Some(upstream) = &upstream {
            if !upstream.starts_with("http://") {
                return Err(format!("the upstream must be an http:// URL: {upstream}"));
            }
        }
        let verify_path = args.verify_path.or(file.verify_path).unwrap_or_else(|| "/verify".into());
        if !verify_path.starts_with('/') {
            return Err(format!("the verify path must start with '/': {verify_path}"));
        }
        let secret = match args.revocation_client_secret.or(file.revocation_client_secret) {
            Some(secret) => Some(secret),
            None => secret_from_env_file()?,
        };
        let feed = match (args.revocation_client_id.or(file.revocation_client_id), secret) {
            (Some(client_id), Some(client_secret)) => Some(FeedConfig {
                url: args.revocation_url.or(file.revocation_url).unwrap_or_else(|| format!("{issuer}/revocations")),
                client_id,
                client_secret,
                interval: Duration::from_secs(
                    args.revocation_interval.or(file.revocation_interval).unwrap_or(5).max(1),
                ),
            }),
            (None, None) => None,
            _ => return Err("the revocation client id and secret must be given together".into()),
        };
        for route in &file.routes {
            if !route.prefix.starts_with('/') {
                return Err(format!("a route prefix must start with '/': {}", route.prefix));
            }
            if let Some(use_) = &route.token_use {
                parse_token_use(use_)?;
            }
        }
        for header in file.headers.values() {
            http::HeaderName::from_bytes(header.as_bytes()).map_err(|_| format!("not a header name: {header}"))?;
            if !header.to_ascii_lowercase().starts_with("x-cognate-") {
                return Err(format!(
                    "claim headers must start with X-Cognate- (so that clients cannot forge them): {header}"
                ));
            }
        }
        Ok(Self {
            listen: args.listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 9230))),
            issuer,
            client_ids,
            token_use,
            upstream,
            jwks_uri: args.jwks_uri.or(file.jwks_uri),
            ca_cert: args.ca_cert.or(file.ca_cert),
            verify_path,
            feed,
            cache_capacity: args.cache_capacity.or(file.cache_capacity).unwrap_or(cognate_verify::DEFAULT_CAPACITY),
            clock_skew: Duration::from_secs(args.clock_skew.or(file.clock_skew).unwrap_or(0)),
            headers: file.headers,
            routes: file.routes,
        })
    }
}
