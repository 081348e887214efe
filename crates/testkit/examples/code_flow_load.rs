//! Load driver for the whole authorization-code flow against a running Cognate (the release
//! binary), as a browser and an app make it: `GET /oauth2/authorize`, `GET /login`, the sign-in
//! form's `POST /login`, and the code's exchange at `/oauth2/token` with its PKCE verifier.
//! `cargo run --release -p cognate-testkit --example code_flow_load -- URL CLIENT_ID REDIRECT_URI USERNAME PASSWORD SECONDS CONCURRENCY`
//! Prints whole flows per second and the p99 of a flow.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use sha2::Digest;

struct Flow<'a> {
    url: &'a str,
    client_id: &'a str,
    redirect_uri: &'a str,
    username: &'a str,
    password: &'a str,
}

fn cookie_of(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next()?.strip_prefix(&format!("{name}=")).map(str::to_owned))
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

async fn one_flow(http: &reqwest::Client, flow: &Flow<'_>) {
    let verifier = cognate_crypto::random::opaque_token();
    let challenge = B64URL.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", flow.client_id)
        .append_pair("redirect_uri", flow.redirect_uri)
        .append_pair("scope", "openid email")
        .append_pair("state", "load")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    let authorize = http.get(format!("{}/oauth2/authorize?{query}", flow.url)).send().await.unwrap();
    let login = format!("{}{}", flow.url, authorize.headers()["location"].to_str().unwrap());
    let page = http.get(&login).send().await.unwrap();
    let csrf = cookie_of(&page, "XSRF-TOKEN");
    let signed_in = http
        .post(&login)
        .header("cookie", format!("XSRF-TOKEN={csrf}"))
        .form(&[("_csrf", csrf.as_str()), ("username", flow.username), ("password", flow.password)])
        .send()
        .await
        .unwrap();
    let location = signed_in.headers().get("location").expect("signed in").to_str().unwrap().to_owned();
    let code = url::Url::parse(&location).unwrap().query_pairs().find(|(n, _)| n == "code").unwrap().1.into_owned();
    let tokens: serde_json::Value = http
        .post(format!("{}/oauth2/token", flow.url))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", flow.client_id),
            ("code", &code),
            ("redirect_uri", flow.redirect_uri),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tokens["id_token"].is_string(), "exchange failed: {tokens}");
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, client_id, redirect_uri, username, password, seconds, concurrency] = args.as_slice() else {
        eprintln!("usage: code_flow_load URL CLIENT_ID REDIRECT_URI USERNAME PASSWORD SECONDS CONCURRENCY");
        std::process::exit(2);
    };
    let deadline = Instant::now() + Duration::from_secs(seconds.parse().unwrap());
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut workers = Vec::new();
    for _ in 0..concurrency.parse::<usize>().unwrap() {
        let (http, url, client_id, redirect_uri, username, password) =
            (http.clone(), url.clone(), client_id.clone(), redirect_uri.clone(), username.clone(), password.clone());
        workers.push(tokio::spawn(async move {
            let flow = Flow {
                url: &url,
                client_id: &client_id,
                redirect_uri: &redirect_uri,
                username: &username,
                password: &password,
            };
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                one_flow(&http, &flow).await;
                latencies.push(started.elapsed());
            }
            latencies
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    all.sort();
    let p99 = all.get(all.len() * 99 / 100).copied().unwrap_or_default();
    println!(
        "RESULT code flow {:.0} per second, p99 {:.1} ms, {} flows",
        all.len() as f64 / started.elapsed().as_secs_f64(),
        p99.as_secs_f64() * 1000.0,
        all.len()
    );
}
