//! Wiring and the server's life: open the store, build the use cases and the router, create the
//! configured pools, print how to reach everything, serve until Ctrl-C or SIGTERM.

use std::sync::Arc;

use cognate_crypto::password::PasswordHasher;
use cognate_domain::triggers::Triggers;
use cognate_domain::{Cognate, Delivery, LogDelivery, OutboxDelivery, ServiceConfig, SystemClock, Transports};
use cognate_http::{router, serve, AccessKeys, AppState};
use tracing_subscriber::EnvFilter;

use crate::bootstrap;
use crate::config::{Config, ServeArgs, TlsListen};
use crate::local_tls::{self, LocalTls};

fn init_logging() {
    let filter = EnvFilter::try_from_env("COGNATE_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let json = std::env::var("COGNATE_LOG_FORMAT").is_ok_and(|f| f == "json");
    // Colours only for a person at a terminal: logs read by programs (a code in a file) stay plain.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open_store(config: &Config) -> Result<Arc<dyn cognate_domain::Store>, String> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("cannot create data directory {}: {e}", config.data_dir.display()))?;
    cognate_store::open(&config.database_url).await.map_err(|e| e.to_string())
}

/// `cognate migrate`: brings the database schema up to date.
pub async fn migrate(args: ServeArgs) -> Result<(), String> {
    init_logging();
    let config = Config::load(args)?;
    open_store(&config).await?;
    println!("database is up to date: {}", config.database_url);
    Ok(())
}

/// `cognate serve`.
pub async fn run(args: ServeArgs) -> Result<(), String> {
    init_logging();
    let config = Config::load(args)?;
    let store = open_store(&config).await?;
    let delivery: Arc<dyn Delivery> = match &config.outbox {
        Some(path) => Arc::new(
            OutboxDelivery::open(path, LogDelivery)
                .map_err(|e| format!("cannot open outbox {}: {e}", path.display()))?,
        ),
        None => Arc::new(LogDelivery),
    };
    let upstream = cognate_outbound::HttpUpstream::new(&[]).map_err(|e| format!("the outbound HTTP client: {e}"))?;
    let transports = transports(&config, &upstream)?;
    let mut cognate = build_with(&config, store, delivery).await?.with_transports(transports);
    if let Some(settings) = &config.triggers {
        let webhook =
            cognate_outbound::TriggerWebhook::new(upstream.clone(), settings.secret.clone(), Arc::new(SystemClock))?;
        cognate = cognate.with_triggers(Triggers::new(settings.routes.clone(), Arc::new(webhook)));
    }
    let cognate = Arc::new(cognate);
    bootstrap::ensure_pools(&cognate, &config.pools).await?;
    // With no transport, a worker still drains what an earlier configuration queued (to the log
    // or the outbox).
    if cognate.needs_delivery_worker() || cognate.queue_depth().await.map_err(|e| e.to_string())?.0 > 0 {
        spawn_delivery_worker(cognate.clone())?;
    }

    let generated = bootstrap::admin_key(&config.data_dir, &config.access_keys)?;
    let mut keys = AccessKeys::default();
    for key in config.access_keys.iter().chain(generated.iter()) {
        keys.insert(&key.id, &key.secret);
    }
    let state = AppState {
        cognate: cognate.clone(),
        upstream: Arc::new(upstream),
        access_keys: Arc::new(keys),
        signing_clock: Arc::new(SystemClock),
        timeouts: config.timeouts,
    };
    let app = router(state);
    let tls = match &config.tls {
        Some((cert, key)) => Some(tls_acceptor(cert, key)?),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let second = https_listener(&config).await?;
    print_banner(&config, &cognate, generated.as_ref(), second.as_ref());
    // One stop for both listeners.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown().await;
        let _ = stop.send(true);
    });
    let until_stopped = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let main = serve(listener, app.clone(), tls, config.timeouts, until_stopped(stopped.clone()));
    match second {
        Some(https) => {
            let second = serve(https.listener, app, Some(https.acceptor), config.timeouts, until_stopped(stopped));
            tokio::join!(main, second);
        }
        None => main.await,
    }
    println!("Cognate stopped.");
    Ok(())
}

/// The delivery worker's thread priority on thread-priority's 0..=99 scale, which on Linux maps
/// to nice 10 (it runs from nice 19 at 0 to nice -20 at 99). Sending is background work:
/// under a load that takes every core, requests come first and the queue drains in the gaps (the
/// kernel still gives a nice-10 thread about a tenth of a busy core, so it never stops).
const DELIVERY_PRIORITY: u8 = 22;

/// Runs the delivery worker on a thread of its own, at a lower priority than the requests.
fn spawn_delivery_worker(cognate: Arc<Cognate>) -> Result<(), String> {
    use thread_priority::{ThreadPriority, ThreadPriorityValue};
    std::thread::Builder::new()
        .name("cognate-delivery".into())
        .spawn(move || {
            let lowered = ThreadPriorityValue::try_from(DELIVERY_PRIORITY).map_err(|e| e.to_string()).and_then(|v| {
                thread_priority::set_current_thread_priority(ThreadPriority::Crossplatform(v))
                    .map_err(|e| format!("{e:?}"))
            });
            if let Err(e) = lowered {
                tracing::warn!(error = %e, "the delivery worker runs at the requests' priority");
            }
            match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime.block_on(cognate.run_delivery_worker()),
                Err(e) => tracing::error!(error = %e, "no delivery worker: queued messages are not sent"),
            }
        })
        .map(drop)
        .map_err(|e| format!("cannot start the delivery worker: {e}"))
}

/// The real transports the configuration names: SMTP for email, the webhook for SMS.
fn transports(config: &Config, client: &cognate_outbound::HttpUpstream) -> Result<Transports, String> {
    let mut transports = Transports::default();
    if let Some(smtp) = &config.smtp {
        transports.email = Some(Arc::new(cognate_outbound::SmtpDelivery::new(smtp)?));
    }
    if let Some(webhook) = &config.sms_webhook {
        let sender = cognate_outbound::SmsWebhook::new(client.clone(), webhook.clone(), Arc::new(SystemClock))?;
        transports.sms = Some(Arc::new(sender));
    }
    Ok(transports)
}

/// The second, HTTPS, listener, and where its certificate came from.
struct HttpsListener {
    listener: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    /// The local CA, when the certificate is one of ours.
    local: Option<LocalTls>,
}

async fn https_listener(config: &Config) -> Result<Option<HttpsListener>, String> {
    let addr = match config.tls_listen {
        TlsListen::Off => return Ok(None),
        // The main address serves HTTPS already with the operator's certificate.
        TlsListen::Default(_) if config.tls.is_some() => return Ok(None),
        TlsListen::Default(addr) | TlsListen::Chosen(addr) => addr,
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(e) if matches!(config.tls_listen, TlsListen::Default(_)) => {
            tracing::warn!("not serving HTTPS on {addr} ({e}); choose another address with --tls-listen");
            return Ok(None);
        }
        Err(e) => return Err(format!("cannot listen on {addr}: {e}")),
    };
    let (acceptor, local) = match &config.tls {
        Some((cert, key)) => (tls_acceptor(cert, key)?, None),
        None => {
            let local = local_tls::ensure(&config.data_dir)?;
            (tls_acceptor(&local.cert, &local.key)?, Some(local))
        }
    };
    Ok(Some(HttpsListener { listener, acceptor, local }))
}

async fn build(config: &Config, store: Arc<dyn cognate_domain::Store>) -> Result<Cognate, String> {
    build_with(config, store, Arc::new(LogDelivery)).await
}

async fn build_with(
    config: &Config,
    store: Arc<dyn cognate_domain::Store>,
    delivery: Arc<dyn Delivery>,
) -> Result<Cognate, String> {
    let hasher = PasswordHasher::new(config.hash_cost).map_err(|e| e.to_string())?;
    // The secret lives in the database, so that every instance on it derives the same keys; a
    // data directory's older `server.key` seeds it.
    let candidate = bootstrap::code_key(&config.data_dir)?;
    let code_key = store.server_secret(&candidate).await.map_err(|e| format!("cannot read the server secret: {e}"))?;
    let service = ServiceConfig {
        public_url: config.public_url.clone(),
        region: config.region.clone(),
        account_id: "000000000000".into(),
        code_key,
        max_code_attempts: 5,
        aws_issuer: config.aws_issuer,
        sms_limits: config.sms_limits,
    };
    Ok(Cognate::new(store, Arc::new(SystemClock), delivery, hasher, service))
}

/// The HTTPS acceptor: the certificate chain and key from PEM files, with rustls' aws-lc-rs
/// provider named explicitly (never left to a process-wide default).
fn tls_acceptor(cert: &std::path::Path, key: &std::path::Path) -> Result<tokio_rustls::TlsAcceptor, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read TLS certificate {}: {e}", cert.display()))?;
    let private =
        PrivateKeyDer::from_pem_file(key).map_err(|e| format!("cannot read TLS key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_no_client_auth().with_single_cert(chain, private))
        .map_err(|e| format!("unusable TLS certificate or key: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// `cognate keys rotate --pool ID`: new signing keys for a pool; the old ones stay published.
pub async fn rotate_keys(args: ServeArgs, pool_id: &str) -> Result<(), String> {
    init_logging();
    let config = Config::load(args)?;
    let cognate = build(&config, open_store(&config).await?).await?;
    let (kids, active_from) = cognate.rotate_signing_keys(pool_id).await.map_err(|e| e.to_string())?;
    println!("pool {pool_id}: new signing keys {} (in the JWKS now)", kids.join(", "));
    println!("every instance signs with them from Unix time {active_from} (in {} s); tokens signed with the old keys still verify",
        cognate_domain::keys::ROTATION_LEAD_SECONDS);
    Ok(())
}

fn print_banner(
    config: &Config,
    cognate: &Cognate,
    generated: Option<&crate::config::AccessKeyConfig>,
    https: Option<&HttpsListener>,
) {
    let url = &config.public_url;
    let scheme = if config.tls.is_some() { "https" } else { "http" };
    println!("Cognate is listening on {scheme}://{} (public URL {url})", config.listen);
    if let Some(https) = https {
        let port = https.listener.local_addr().map(|a| a.port()).unwrap_or_default();
        println!("  HTTPS:         https://localhost:{port} (the hosted pages for Amplify: oauth domain \"localhost:{port}\")");
        if let Some(local) = &https.local {
            let ca = std::path::absolute(&local.ca).unwrap_or_else(|_| local.ca.clone());
            let ca = ca.display();
            println!("    certificate from a local CA made for this machine: {ca}");
            println!(
                "    trust it: NODE_EXTRA_CA_CERTS={ca} (Node), curl --cacert {ca}, or import it into the browser"
            );
        }
    }
    if let Some(file) = &config.config_file {
        println!("  configuration: {}", file.display());
    }
    println!("  database:      {}", config.database_url);
    if let Some(outbox) = &config.outbox {
        println!("  outbox:        {}", outbox.display());
    }
    if let Some(smtp) = &config.smtp {
        println!("  email:         SMTP {}:{} ({:?}), from {}", smtp.host, smtp.port, smtp.security, smtp.from);
    }
    if let Some(webhook) = &config.sms_webhook {
        println!("  text messages: webhook {}", webhook.url);
    }
    if config.triggers.is_some() {
        println!("  triggers:      webhooks, signed (X-Cognate-Signature)");
    }
    for pool in &config.pools {
        println!("  pool {} ({})", pool.id, pool.request.pool_name);
        println!("    issuer: {}", cognate.issuer(&pool.id));
        println!("    JWKS:   {}", cognate.jwks_uri(&pool.id));
        for client in &pool.clients {
            println!("    client: {} ({})", client.id, client.settings.client_name.as_deref().unwrap_or(""));
        }
    }
    match generated {
        Some(key) => {
            println!(
                "  admin access key (generated, kept in {}):",
                config.data_dir.join("admin-credentials").display()
            );
            println!(
                "    export AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} AWS_DEFAULT_REGION={}",
                key.id, key.secret, config.region
            );
        }
        None => {
            let ids: Vec<&str> = config.access_keys.iter().map(|k| k.id.as_str()).collect();
            println!("  admin access keys: {}", ids.join(", "));
        }
    }
    println!("  try: aws cognito-idp list-user-pools --max-results 10 --endpoint-url {url}");
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
    tracing::info!("stopping: no new connections; requests in flight may finish (up to 10 s)");
}
