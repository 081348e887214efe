//! Load driver for SRP sign-ins against a running Cognate (the release binary):
//! `cargo run --release -p cognate-testkit --example srp_load -- URL POOL_ID CLIENT_ID USERNAME PASSWORD SECONDS CONCURRENCY`
//! Each worker runs the client's half of SRP (Cognate's own, the arithmetic Amplify does) and
//! counts completed sign-ins; prints sign-ins per second and the p99 of a whole sign-in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/srp_client.rs"]
mod srp_client;

use std::time::{Duration, Instant};

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
                srp_client::sign_in(&http, &url, &pool_id, &client_id, &username, &password).await;
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
