//! Load driver for SRP sign-ins against a running Cognate (the release binary):
//! `cargo run --release -p cognate-testkit --example srp_load -- URL POOL_ID CLIENT_ID USERNAME PASSWORD SECONDS CONCURRENCY`
//! Each worker runs the client's half of SRP (Cognate's own, the arithmetic Amplify does) and
//! counts completed sign-ins; prints sign-ins per second and the p99 of a whole sign-in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cognate_crypto::srp::{claim_signature, timestamp, ClientSession};
use serde_json::{json, Value};

async fn call(http: &reqwest::Client, url: &str, action: &str, body: Value) -> Value {
    http.post(url)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{action}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn unhex(h: &str) -> Vec<u8> {
    hex::decode(if h.len() % 2 == 1 { format!("0{h}") } else { h.to_owned() }).unwrap()
}

async fn sign_in(http: &reqwest::Client, url: &str, pool_id: &str, client_id: &str, username: &str, password: &str) {
    let client = tokio::task::block_in_place(|| {
        ClientSession::start(cognate_crypto::random::key_bytes().repeat(4).try_into().unwrap())
    });
    let start = call(
        http,
        url,
        "InitiateAuth",
        json!({"ClientId": client_id, "AuthFlow": "USER_SRP_AUTH",
        "AuthParameters": {"USERNAME": username, "SRP_A": hex::encode(&client.public_a)}}),
    )
    .await;
    let p = &start["ChallengeParameters"];
    let pool_name = pool_id.split_once('_').unwrap().1;
    let user_id = p["USER_ID_FOR_SRP"].as_str().unwrap();
    let key = tokio::task::block_in_place(|| {
        client
            .key(
                &unhex(p["SRP_B"].as_str().unwrap()),
                &unhex(p["SALT"].as_str().unwrap()),
                pool_name,
                user_id,
                password,
            )
            .unwrap()
    });
    let now = timestamp(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64);
    let block = p["SECRET_BLOCK"].as_str().unwrap();
    let signature = B64.encode(claim_signature(&key, pool_name, user_id, &B64.decode(block).unwrap(), &now));
    let done = call(
        http,
        url,
        "RespondToAuthChallenge",
        json!({"ClientId": client_id, "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeResponses": {"USERNAME": p["USERNAME"], "PASSWORD_CLAIM_SECRET_BLOCK": block,
            "PASSWORD_CLAIM_SIGNATURE": signature, "TIMESTAMP": now}}),
    )
    .await;
    assert!(done["AuthenticationResult"]["AccessToken"].is_string(), "sign-in failed: {done}");
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, pool_id, client_id, username, password, seconds, concurrency] = args.as_slice() else {
        eprintln!("usage: srp_load URL POOL_ID CLIENT_ID USERNAME PASSWORD SECONDS CONCURRENCY");
        std::process::exit(2);
    };
    let deadline = Instant::now() + Duration::from_secs(seconds.parse().unwrap());
    let http = reqwest::Client::new();
    let mut workers = Vec::new();
    for _ in 0..concurrency.parse::<usize>().unwrap() {
        let (http, url, pool_id, client_id, username, password) =
            (http.clone(), url.clone(), pool_id.clone(), client_id.clone(), username.clone(), password.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                sign_in(&http, &url, &pool_id, &client_id, &username, &password).await;
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
        "RESULT SRP sign-in {:.0} per second, p99 {:.1} ms, {} sign-ins",
        all.len() as f64 / started.elapsed().as_secs_f64(),
        p99.as_secs_f64() * 1000.0,
        all.len()
    );
}
