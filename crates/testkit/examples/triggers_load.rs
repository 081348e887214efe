//! Load driver for a sign-in with a PreTokenGeneration trigger against a running Cognate (the
//! release binary; `bench/triggers.sh` starts it with COGNATE_TRIGGER_URL pointing at this
//! driver). The driver is also the trigger's receiver: a local HTTP server that checks each
//! call's signature and answers as a V2_0 handler adding a claim and a scope. Two pools, one with
//! the trigger and one without, take the same USER_PASSWORD_AUTH sign-ins, in alternating runs;
//! for each run: the rate, the latency of a sign-in, the server's CPU time per sign-in. The
//! receiver counts the TCP connections it accepted, to show that calls reuse them.
//! `cargo run --release -p cognate-testkit --example triggers_load -- URL PID RECEIVER_PORT SECRET SIGN_INS CONCURRENCY`
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/admin.rs"]
mod admin;
#[path = "support/cpu.rs"]
mod cpu;
#[path = "support/measured.rs"]
mod measured;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ExplicitAuthFlowsType, LambdaConfigType, MessageActionType, PreTokenGenerationLambdaVersionType,
    PreTokenGenerationVersionConfigType,
};
use aws_sdk_cognitoidentityprovider::Client;
use serde_json::{json, Value};

const PASSWORD: &str = "Bench-Pass-1!";
const USER: &str = "bench-user";

/// Accepts connections for the receiver, counting them.
struct Counted {
    inner: tokio::net::TcpListener,
    accepted: Arc<AtomicUsize>,
}

impl axum::serve::Listener for Counted {
    type Io = tokio::net::TcpStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            if let Ok(accepted) = self.inner.accept().await {
                self.accepted.fetch_add(1, Ordering::Relaxed);
                return accepted;
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// The receiver: a V2_0 pre-token handler behind the signature check. Gives (connections, calls).
async fn receiver(port: u16, secret: String) -> (Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let (connections, calls) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let counted = calls.clone();
    let app = axum::Router::new().route(
        "/{function}",
        axum::routing::post(move |headers: http::HeaderMap, body: bytes::Bytes| {
            let (calls, secret) = (counted.clone(), secret.clone());
            async move {
                let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let timestamp: i64 = header("x-cognate-timestamp").parse().unwrap_or(0);
                if header("x-cognate-signature")
                    != cognate_outbound::signing::signature(secret.as_bytes(), timestamp, &body)
                {
                    return (http::StatusCode::UNAUTHORIZED, String::new());
                }
                calls.fetch_add(1, Ordering::Relaxed);
                let mut event: Value = serde_json::from_slice(&body).unwrap();
                event["response"]["claimsAndScopeOverrideDetails"] = json!({
                    "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": "bench"}},
                    "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "bench"}, "scopesToAdd": ["bench/read"]},
                });
                (http::StatusCode::OK, event.to_string())
            }
        }),
    );
    let inner = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let listener = Counted { inner, accepted: connections.clone() };
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (connections, calls)
}

/// A pool (with `trigger`, or without) with a password client and one confirmed user: its client id.
async fn pool(admin: &Client, name: &str, trigger: Option<LambdaConfigType>) -> String {
    let mut create = admin.create_user_pool().pool_name(name);
    if let Some(config) = trigger {
        create = create.lambda_config(config);
    }
    let pool_id = create.send().await.unwrap().user_pool.unwrap().id.unwrap();
    let client = admin
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("bench")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .send()
        .await
        .unwrap();
    admin
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username(USER)
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    admin
        .admin_set_user_password()
        .user_pool_id(&pool_id)
        .username(USER)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    client.user_pool_client.unwrap().client_id.unwrap()
}

async fn sign_in(client: &Client, client_id: &str) -> Duration {
    let started = Instant::now();
    let answer = client
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", USER)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    assert!(answer.authentication_result().is_some());
    started.elapsed()
}

/// `count` sign-ins to `client_id` by `concurrency` workers.
async fn run(url: &str, pid: u32, client_id: &str, count: usize, concurrency: usize) -> measured::Measured {
    let cpu_before = cpu::server_cpu(pid);
    let started = Instant::now();
    let workers = (0..concurrency)
        .map(|worker| {
            let (client, client_id) = (admin::admin(url), client_id.to_owned());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for _ in (worker..count).step_by(concurrency) {
                    latencies.push(sign_in(&client, &client_id).await);
                }
                latencies
            })
        })
        .collect();
    measured::gather(workers, started, pid, cpu_before).await
}

fn show(label: &str, m: &measured::Measured) {
    println!(
        "{label:<28} {:>6} sign-ins  {:>7.0}/s  p50 {:>6.2} ms  p99 {:>6.2} ms  server CPU {:.3} ms/sign-in",
        m.count,
        m.per_second,
        m.p50.as_secs_f64() * 1e3,
        m.p99.as_secs_f64() * 1e3,
        m.cpu_per_sign_in.as_secs_f64() * 1e3
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, pid, port, secret, count, concurrency] = args.as_slice() else {
        eprintln!("usage: triggers_load URL PID RECEIVER_PORT SECRET SIGN_INS CONCURRENCY");
        std::process::exit(2);
    };
    let (pid, port, count, concurrency): (u32, u16, usize, usize) =
        (pid.parse().unwrap(), port.parse().unwrap(), count.parse().unwrap(), concurrency.parse().unwrap());
    let (connections, calls) = receiver(port, secret.clone()).await;
    let admin = admin::admin(url);
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:preTokenGeneration";
    let trigger = LambdaConfigType::builder()
        .pre_token_generation_config(
            PreTokenGenerationVersionConfigType::builder()
                .lambda_version(PreTokenGenerationLambdaVersionType::V20)
                .lambda_arn(arn)
                .build()
                .unwrap(),
        )
        .build();
    let plain = pool(&admin, "plain", None).await;
    let triggered = pool(&admin, "pre-token", Some(trigger)).await;
    // Warm both paths (the receiver's connections among them), then alternate the runs.
    run(url, pid, &plain, concurrency * 10, concurrency).await;
    run(url, pid, &triggered, concurrency * 10, concurrency).await;
    let (connections_before, calls_before) = (connections.load(Ordering::Relaxed), calls.load(Ordering::Relaxed));
    let mut results = Vec::new();
    for round in 1..=2 {
        let without = run(url, pid, &plain, count, concurrency).await;
        show(&format!("without a trigger, run {round}"), &without);
        let with = run(url, pid, &triggered, count, concurrency).await;
        show(&format!("with PreTokenGeneration, {round}"), &with);
        results.push((without, with));
    }
    let calls_made = calls.load(Ordering::Relaxed) - calls_before;
    let connections_made = connections.load(Ordering::Relaxed) - connections_before;
    assert_eq!(calls_made, 2 * count, "every triggered sign-in called the receiver once");
    let mean = |f: &dyn Fn(&(measured::Measured, measured::Measured)) -> f64| {
        results.iter().map(f).sum::<f64>() / results.len() as f64
    };
    let added_p50 = mean(&|(a, b)| (b.p50.as_secs_f64() - a.p50.as_secs_f64()) * 1e3);
    let rate_ratio = mean(&|(a, b)| b.per_second / a.per_second);
    let cpu_ratio = mean(&|(a, b)| b.cpu_per_sign_in.as_secs_f64() / a.cpu_per_sign_in.as_secs_f64());
    println!(
        "the trigger adds {added_p50:.2} ms at p50; rate with/without {rate_ratio:.2}; server CPU with/without {cpu_ratio:.2}"
    );
    println!("{calls_made} trigger calls over {connections_made} new TCP connections (after warm-up)");
}
