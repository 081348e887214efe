//! `TestServer`: Cognate's real router on 127.0.0.1:0 with a fresh database (SQLite; PostgreSQL
//! when COGNATE_TEST_BACKEND=postgres and COGNATE_TEST_POSTGRES_URL are set), a manual clock, an
//! outbox file and a known admin key; plus an AWS SDK client pointed at it.

pub mod authenticator;

use std::path::PathBuf;
use std::sync::Arc;

use aws_credential_types::Credentials;
use aws_sdk_cognitoidentityprovider::config::retry::RetryConfig;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::Client;
use cognate_crypto::password::{HashCost, PasswordHasher};
use cognate_domain::triggers::{FunctionRoutes, Triggers};
use cognate_domain::{
    Clock, Cognate, LogDelivery, ManualClock, OutboxDelivery, ServiceConfig, SystemClock, Transports,
};
use cognate_http::{router, serve, AccessKeys, AppState, Timeouts};

/// The access key the test server accepts on signed actions.
pub const ACCESS_KEY_ID: &str = "AKIATESTCOGNATE00001";
/// Its secret.
pub const SECRET_ACCESS_KEY: &str = "test-secret-access-key-for-cognate";

/// A running server for one test.
/// How long a test server waits for an identity provider.
pub const UPSTREAM_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// How long a test server's trigger call may take, per attempt (Cognito's is 5 s).
pub const TRIGGER_TEST_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(1500);

pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The domain's clock; move it to expire codes and tokens.
    pub clock: Arc<ManualClock>,
    /// The JSON-lines outbox every message lands in.
    pub outbox: PathBuf,
    /// The use cases behind the router, for what no API reaches (key rotation).
    pub cognate: Arc<Cognate>,
    _dir: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// Starts a server with an empty database.
    ///
    /// # Panics
    /// If the temporary directory, database or socket cannot be set up.
    pub async fn start() -> Self {
        Self::start_configured(|_| {}).await
    }

    /// Starts a server whose service settings `configure` adjusts (e.g. AWS-shaped issuers).
    ///
    /// # Panics
    /// If the temporary directory, database or socket cannot be set up.
    pub async fn start_configured(configure: impl FnOnce(&mut ServiceConfig)) -> Self {
        Self::start_with(configure, Transports::default()).await
    }

    /// Starts a server whose messages of the channels `transports` covers are queued: the test
    /// drives the worker with `server.cognate.deliver_due()` and the manual clock.
    ///
    /// # Panics
    /// If the temporary directory, database or socket cannot be set up.
    pub async fn start_with(configure: impl FnOnce(&mut ServiceConfig), transports: Transports) -> Self {
        Self::start_full(configure, transports, None).await
    }

    /// Starts a server whose pools' triggers call `url` (`{function}` standing for the
    /// function's name), signed with `secret`; each attempt has [`TRIGGER_TEST_TIMEOUT`].
    ///
    /// # Panics
    /// If the temporary directory, database or socket cannot be set up, or `url` is not allowed.
    pub async fn start_with_triggers(url: &str, secret: &[u8]) -> Self {
        Self::start_full(|_| {}, Transports::default(), Some((url.to_owned(), secret.to_vec()))).await
    }

    #[allow(clippy::expect_used)]
    async fn start_full(
        configure: impl FnOnce(&mut ServiceConfig),
        transports: Transports,
        triggers: Option<(String, Vec<u8>)>,
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = match std::env::var("COGNATE_TEST_BACKEND").as_deref() {
            Ok("postgres") => {
                let base = std::env::var("COGNATE_TEST_POSTGRES_URL")
                    .expect("COGNATE_TEST_BACKEND=postgres needs COGNATE_TEST_POSTGRES_URL");
                cognate_store::testing::fresh_postgres_database(&base).await.expect("a test database")
            }
            _ => format!("sqlite://{}", dir.path().join("cognate.db").display()),
        };
        let store = cognate_store::open(&db).await.expect("open store");
        let outbox = dir.path().join("outbox.jsonl");
        let delivery = Arc::new(OutboxDelivery::open(&outbox, LogDelivery).expect("outbox"));
        let clock = Arc::new(ManualClock::new(SystemClock.now()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let mut config = ServiceConfig {
            public_url: url.clone(),
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            code_key: [7; 32],
            max_code_attempts: 5,
            aws_issuer: false,
            sms_limits: Default::default(),
        };
        configure(&mut config);
        let hasher = PasswordHasher::new(HashCost::DEVELOPMENT).expect("hasher");
        let mut cognate = Cognate::new(store, clock.clone(), delivery, hasher, config).with_transports(transports);
        let mut keys = AccessKeys::default();
        keys.insert(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
        // Calls to identity providers are bounded tighter than the server's 10 s, so that the
        // test of a provider that hangs is quick.
        let upstream = cognate_outbound::http_client::HttpUpstream::new(&[])
            .expect("the identity-provider client")
            .with_bounds(UPSTREAM_TIMEOUT, cognate_outbound::http_client::MAX_UPSTREAM_BYTES);
        if let Some((url, secret)) = triggers {
            let routes = FunctionRoutes::new(vec![("arn:*:lambda:*:*:function:*".into(), url)]).expect("trigger URL");
            let webhook = cognate_outbound::TriggerWebhook::new(upstream.clone(), secret, Arc::new(SystemClock))
                .expect("trigger secret")
                .with_bounds(TRIGGER_TEST_TIMEOUT, cognate_outbound::trigger_webhook::TRIGGER_ATTEMPTS);
            cognate = cognate.with_triggers(Triggers::new(routes, Arc::new(webhook)));
        }
        let cognate = Arc::new(cognate);
        let state = AppState {
            cognate: cognate.clone(),
            upstream: Arc::new(upstream),
            access_keys: Arc::new(keys),
            signing_clock: Arc::new(SystemClock),
            timeouts: Timeouts::default(),
        };
        let app = router(state);
        let task = tokio::spawn(serve(listener, app, None, Timeouts::default(), std::future::pending()));
        Self { url, clock, outbox, cognate, _dir: dir, task }
    }

    /// An AWS SDK client signed with the server's admin key (no retries, so errors surface).
    pub fn sdk(&self) -> Client {
        self.sdk_with_key(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
    }

    /// An AWS SDK client signed with any key pair.
    pub fn sdk_with_key(&self, id: &str, secret: &str) -> Client {
        let config = aws_sdk_cognitoidentityprovider::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.url)
            .credentials_provider(Credentials::new(id, secret, None, None, "cognate-testkit"))
            .retry_config(RetryConfig::disabled())
            .build();
        Client::from_conf(config)
    }

    /// Every message delivered so far.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.outbox)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    /// The code of the latest message whose destination or username is `to`.
    pub fn last_code(&self, to: &str) -> Option<String> {
        self.messages()
            .into_iter()
            .rev()
            .find(|m| m["destination"] == to || m["username"] == to)
            .and_then(|m| m["code"].as_str().map(str::to_owned))
    }
}

/// The payload of a JWT, decoded (not verified).
///
/// # Panics
/// If `token` is not a JWT with a JSON payload.
#[allow(clippy::expect_used)]
pub fn jwt_claims(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("JWT has a payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64url payload");
    serde_json::from_slice(&bytes).expect("JSON payload")
}
