//! Load driver for federated sign-in beside native sign-in, against a running Cognate (the
//! release binary, `bench/federation.sh` starts it): Cognate's own share of each, as the
//! server's CPU time per sign-in (read from `/proc/<pid>/stat`, so the driver's and the
//! stand-in provider's work are not counted) and the latency of a whole flow.
//!
//! A federated flow: `GET /oauth2/authorize?identity_provider=Bench` (the redirect to the
//! provider), the provider's answer at `GET /oauth2/idpresponse` (Cognate exchanges the code at
//! the stand-in's token endpoint, checks its ES256 id token against the cached JWKS, reads its
//! userinfo, updates the user), and the code's exchange at `/oauth2/token`. A native flow:
//! authorize, the sign-in page, its POST, the exchange.
//! `cargo run --release -p cognate-testkit --example federation_load -- URL PID SECONDS CONCURRENCY`
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/admin.rs"]
mod admin;
#[path = "support/cpu.rs"]
mod cpu;
#[path = "support/measured.rs"]
mod measured;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::types::{AttributeType, IdentityProviderTypeType, OAuthFlowType};
use axum::extract::State;
use axum::routing::{get, post};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use cognate_crypto::es256::Es256Key;
use sha2::Digest;

const POOL: &str = "us-east-1_cruddur01";
const REDIRECT: &str = "http://localhost:3000/";
const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "Bench-Pass-1!";

/// A throwaway P-256 key for the stand-in's id tokens, and its public half.
const KEY: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgnLE7HwgnwYFXpJ3AGJd5J7Tsv+ADp1yT16zDY7jwJ0qhRANCAAQHc++pWxQeDWTMwoBJ5WUXX/tN5bEg60sHXUeQiSSIyBvR8NY+wDST89/fRYORFfxZPJ6Bn7JRNSTYmSyWWPEy";
const X: &str = "B3PvqVsUHg1kzMKASeVlF1_7TeWxIOtLB11HkIkkiMg";
const Y: &str = "G9Hw1j7ANJPz399Fg5EV_Fk8noGfslE1JNiZLJZY8TI";

/// The stand-in provider: its key, its URL, and the time its handlers took.
struct Upstream {
    key: Es256Key,
    url: String,
    busy_ns: AtomicU64,
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// The token endpoint: the code is the nonce the id token must carry (so it keeps no state).
async fn token(State(upstream): State<Arc<Upstream>>, body: String) -> axum::Json<serde_json::Value> {
    let started = Instant::now();
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let claims = serde_json::json!({
        "iss": upstream.url, "aud": "bench-client", "sub": "bench-user", "nonce": form["code"],
        "iat": now(), "exp": now() + 300,
    });
    let id_token = upstream.key.sign(&claims).unwrap();
    upstream.busy_ns.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
    axum::Json(serde_json::json!({ "access_token": "bench-at", "token_type": "Bearer", "id_token": id_token }))
}

async fn userinfo() -> axum::Json<serde_json::Value> {
    axum::Json(
        serde_json::json!({ "sub": "bench-user", "email": "fed@bench.example", "email_verified": true, "name": "Fed" }),
    )
}

async fn jwks() -> axum::Json<serde_json::Value> {
    axum::Json(
        serde_json::json!({ "keys": [{ "kty": "EC", "crv": "P-256", "kid": "bench", "alg": "ES256", "x": X, "y": Y }] }),
    )
}

async fn start_upstream() -> Arc<Upstream> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream =
        Arc::new(Upstream { key: Es256Key::from_pem(KEY, "bench").unwrap(), url, busy_ns: AtomicU64::new(0) });
    let app = axum::Router::new()
        .route("/token", post(token))
        .route("/userinfo", get(userinfo))
        .route("/jwks", get(jwks))
        .with_state(upstream.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    upstream
}

/// The provider and a client that may use it, on the demo pool; the native user to compare.
async fn set_up(url: &str, upstream: &str) -> String {
    let sdk = admin::admin(url);
    let details: HashMap<String, String> = [
        ("client_id", "bench-client".to_owned()),
        ("client_secret", "bench-secret".to_owned()),
        ("authorize_scopes", "openid email".to_owned()),
        ("attributes_request_method", "GET".to_owned()),
        ("oidc_issuer", upstream.to_owned()),
        ("authorize_url", format!("{upstream}/authorize")),
        ("token_url", format!("{upstream}/token")),
        ("attributes_url", format!("{upstream}/userinfo")),
        ("jwks_uri", format!("{upstream}/jwks")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    sdk.create_identity_provider()
        .user_pool_id(POOL)
        .provider_name("Bench")
        .provider_type(IdentityProviderTypeType::Oidc)
        .set_provider_details(Some(details))
        .attribute_mapping("email", "email")
        .attribute_mapping("name", "name")
        .send()
        .await
        .unwrap();
    let client = sdk
        .create_user_pool_client()
        .user_pool_id(POOL)
        .client_name("bench")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .callback_urls(REDIRECT)
        .supported_identity_providers("COGNITO")
        .supported_identity_providers("Bench")
        .send()
        .await
        .unwrap();
    let attr = |n: &str, v: &str| AttributeType::builder().name(n).value(v).build().unwrap();
    sdk.admin_create_user()
        .user_pool_id(POOL)
        .username(EMAIL)
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .user_attributes(attr("email", EMAIL))
        .user_attributes(attr("email_verified", "true"))
        .user_attributes(attr("name", "Bench"))
        .send()
        .await
        .unwrap();
    sdk.admin_set_user_password()
        .user_pool_id(POOL)
        .username(EMAIL)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    client.user_pool_client().unwrap().client_id().unwrap().to_owned()
}

fn param(location: &str, name: &str) -> String {
    let url = url::Url::parse(location).unwrap();
    url.query_pairs().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name} in {location}")).1.into_owned()
}

fn authorize_query(client_id: &str, challenge: &str, provider: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("scope", "openid email")
        .append_pair("state", "load")
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    if let Some(provider) = provider {
        query.append_pair("identity_provider", provider);
    }
    query.finish()
}

async fn exchange(http: &reqwest::Client, url: &str, client_id: &str, location: &str, verifier: &str) {
    let code = param(location, "code");
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", client_id),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
    ];
    let tokens: serde_json::Value =
        http.post(format!("{url}/oauth2/token")).form(&form).send().await.unwrap().json().await.unwrap();
    assert!(tokens["id_token"].is_string(), "exchange failed: {tokens}");
}

async fn federated_flow(http: &reqwest::Client, url: &str, client_id: &str) {
    let verifier = cognate_crypto::random::opaque_token();
    let challenge = B64URL.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let query = authorize_query(client_id, &challenge, Some("Bench"));
    let authorize = http.get(format!("{url}/oauth2/authorize?{query}")).send().await.unwrap();
    let to_provider = authorize.headers()["location"].to_str().unwrap().to_owned();
    let (state, nonce) = (param(&to_provider, "state"), param(&to_provider, "nonce"));
    let back = http.get(format!("{url}/oauth2/idpresponse?code={nonce}&state={state}")).send().await.unwrap();
    let location = back.headers().get("location").expect("signed in").to_str().unwrap().to_owned();
    exchange(http, url, client_id, &location, &verifier).await;
}

fn cookie_of(response: &reqwest::Response, name: &str) -> String {
    let mut cookies = response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok());
    cookies.find_map(|v| v.split(';').next()?.strip_prefix(&format!("{name}=")).map(str::to_owned)).unwrap()
}

async fn native_flow(http: &reqwest::Client, url: &str, client_id: &str) {
    let verifier = cognate_crypto::random::opaque_token();
    let challenge = B64URL.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let query = authorize_query(client_id, &challenge, None);
    let authorize = http.get(format!("{url}/oauth2/authorize?{query}")).send().await.unwrap();
    let login = format!("{url}{}", authorize.headers()["location"].to_str().unwrap());
    let page = http.get(&login).send().await.unwrap();
    let csrf = cookie_of(&page, "XSRF-TOKEN");
    let form = [("_csrf", csrf.as_str()), ("username", EMAIL), ("password", PASSWORD)];
    let signed_in = http.post(&login).header("cookie", format!("XSRF-TOKEN={csrf}")).form(&form).send().await.unwrap();
    let location = signed_in.headers().get("location").expect("signed in").to_str().unwrap().to_owned();
    exchange(http, url, client_id, &location, &verifier).await;
}

async fn measure(
    url: &str,
    client_id: &str,
    pid: u32,
    seconds: u64,
    concurrency: usize,
    federated: bool,
) -> measured::Measured {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let cpu_before = cpu::server_cpu(pid);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (http, url, client_id) = (http.clone(), url.to_owned(), client_id.to_owned());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let flow_started = Instant::now();
                if federated {
                    federated_flow(&http, &url, &client_id).await;
                } else {
                    native_flow(&http, &url, &client_id).await;
                }
                latencies.push(flow_started.elapsed());
            }
            latencies
        }));
    }
    measured::gather(workers, started, pid, cpu_before).await
}

fn report(name: &str, m: &measured::Measured) {
    println!(
        "RESULT {name}: {:.0} sign-ins/s, p50 {:.2} ms, p99 {:.2} ms, server CPU {:.0} µs per sign-in ({} flows)",
        m.per_second,
        m.p50.as_secs_f64() * 1e3,
        m.p99.as_secs_f64() * 1e3,
        m.cpu_per_sign_in.as_secs_f64() * 1e6,
        m.count
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, pid, seconds, concurrency] = args.as_slice() else {
        eprintln!("usage: federation_load URL PID SECONDS CONCURRENCY");
        std::process::exit(2);
    };
    let (pid, seconds, concurrency) = (pid.parse().unwrap(), seconds.parse().unwrap(), concurrency.parse().unwrap());
    let upstream = start_upstream().await;
    let client_id = set_up(url, &upstream.url).await;
    // Warm both paths (the provider's metadata and keys are fetched on the first sign-in).
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    federated_flow(&http, url, &client_id).await;
    native_flow(&http, url, &client_id).await;
    let busy_before = upstream.busy_ns.load(Ordering::Relaxed);
    let federated = measure(url, &client_id, pid, seconds, concurrency, true).await;
    let upstream_ns = (upstream.busy_ns.load(Ordering::Relaxed) - busy_before) / federated.count.max(1) as u64;
    let native = measure(url, &client_id, pid, seconds, concurrency, false).await;
    report("federated (authorize, idpresponse with the provider's token and userinfo calls, exchange)", &federated);
    println!(
        "RESULT the stand-in provider's token endpoint: {:.0} µs per sign-in (not in the server's CPU)",
        upstream_ns as f64 / 1e3
    );
    report("native (authorize, page, POST, exchange)", &native);
    println!(
        "RESULT federated / native: {:.2} of the server's CPU per sign-in, {:.2} of the rate",
        federated.cpu_per_sign_in.as_secs_f64() / native.cpu_per_sign_in.as_secs_f64(),
        federated.per_second / native.per_second
    );
}
