//! Load driver for a sign-in with a software token beside a plain one, against a running Cognate
//! (the release binary; `bench/mfa.sh` starts it): the server's CPU time per sign-in (read from
//! `/proc/<pid>/stat`, so the driver's work is not counted) and the latency of a whole sign-in.
//!
//! A plain sign-in is one USER_PASSWORD_AUTH call. An MFA sign-in is that call, answered with the
//! SOFTWARE_TOKEN_MFA challenge and its session, then RespondToAuthChallenge with the code. Each
//! step's code is accepted once per user, so every MFA sign-in is of a user of its own, set up
//! beforehand (AdminCreateUser, a first sign-in, AssociateSoftwareToken, VerifySoftwareToken,
//! SetUserMFAPreference).
//! `cargo run --release -p cognate-testkit --example mfa_load -- URL PID SIGN_INS CONCURRENCY`
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cpu.rs"]
mod cpu;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_credential_types::Credentials;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, ChallengeNameType, MessageActionType, SoftwareTokenMfaConfigType,
    SoftwareTokenMfaSettingsType, UserPoolMfaType,
};
use aws_sdk_cognitoidentityprovider::Client;
use cognate_crypto::totp;

const POOL: &str = "us-east-1_cruddur01";
const CLIENT: &str = "cruddurwebclient0000000001";
const PASSWORD: &str = "Bench-Pass-1!";

fn sdk(url: &str) -> Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(Credentials::new("AKIABENCHCOGNATE0001", "bench-secret", None, None, "bench"))
        .build();
    Client::from_conf(config)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// The code of a secret for the step after the current one (accepted as one step of skew), so
/// that it is never the step the set-up's verification spent.
fn next_code(secret: &[u8]) -> String {
    totp::code_for_step(secret, totp::step_at(unix_now()) + 1)
}

async fn password_sign_in(
    sdk: &Client,
    email: &str,
) -> aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput {
    sdk.initiate_auth()
        .client_id(CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
}

/// A confirmed user with a permanent password; with `totp`, a verified and preferred software
/// token, whose secret comes back.
async fn make_user(sdk: &Client, email: &str, totp_on: bool) -> Option<Vec<u8>> {
    let attr = |n: &str, v: &str| AttributeType::builder().name(n).value(v).build().unwrap();
    sdk.admin_create_user()
        .user_pool_id(POOL)
        .username(email)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attr("email", email))
        .user_attributes(attr("email_verified", "true"))
        .user_attributes(attr("name", "Bench"))
        .send()
        .await
        .unwrap();
    sdk.admin_set_user_password()
        .user_pool_id(POOL)
        .username(email)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    if !totp_on {
        return None;
    }
    let signed_in = password_sign_in(sdk, email).await;
    let access = signed_in.authentication_result().unwrap().access_token().unwrap().to_owned();
    let secret = sdk.associate_software_token().access_token(&access).send().await.unwrap().secret_code.unwrap();
    let bytes = totp::decode_secret(&secret).unwrap();
    let code = totp::code_for_step(&bytes, totp::step_at(unix_now()));
    sdk.verify_software_token().access_token(&access).user_code(code).send().await.unwrap();
    sdk.set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .unwrap();
    Some(bytes)
}

async fn mfa_sign_in(sdk: &Client, email: &str, secret: &[u8]) {
    let challenged = password_sign_in(sdk, email).await;
    assert_eq!(challenged.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa));
    let username = challenged.challenge_parameters().unwrap()["USER_ID_FOR_SRP"].clone();
    let done = sdk
        .respond_to_auth_challenge()
        .client_id(CLIENT)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(challenged.session().unwrap())
        .challenge_responses("USERNAME", username)
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", next_code(secret))
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result().is_some());
}

struct Measured {
    per_second: f64,
    p50: Duration,
    p99: Duration,
    cpu_per_sign_in: Duration,
}

/// `count` sign-ins over `concurrency` workers; `secrets` given, each is one user's MFA sign-in.
async fn measure(
    url: &str,
    pid: u32,
    count: usize,
    concurrency: usize,
    secrets: Option<Arc<Vec<Vec<u8>>>>,
) -> Measured {
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = cpu::server_cpu(pid);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (sdk, next, secrets) = (sdk(url), next.clone(), secrets.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    break;
                }
                let begun = Instant::now();
                match &secrets {
                    Some(secrets) => mfa_sign_in(&sdk, &format!("mfa-{n}@bench.example"), &secrets[n]).await,
                    None => {
                        let done = password_sign_in(&sdk, "plain@bench.example").await;
                        assert!(done.authentication_result().is_some());
                    }
                }
                latencies.push(begun.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    let cpu = cpu::server_cpu(pid) - cpu_before;
    all.sort();
    Measured {
        per_second: all.len() as f64 / elapsed.as_secs_f64(),
        p50: all[all.len() / 2],
        p99: all[all.len() * 99 / 100],
        cpu_per_sign_in: cpu / all.len().max(1) as u32,
    }
}

fn report(name: &str, m: &Measured) {
    println!(
        "RESULT {name}: {:.0} sign-ins/s, p50 {:.2} ms, p99 {:.2} ms, server CPU {:.0} µs per sign-in",
        m.per_second,
        m.p50.as_secs_f64() * 1e3,
        m.p99.as_secs_f64() * 1e3,
        m.cpu_per_sign_in.as_secs_f64() * 1e6
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, pid, count, concurrency] = args.as_slice() else {
        eprintln!("usage: mfa_load URL PID SIGN_INS CONCURRENCY");
        std::process::exit(2);
    };
    let (pid, count, concurrency): (u32, usize, usize) =
        (pid.parse().unwrap(), count.parse().unwrap(), concurrency.parse().unwrap());
    let admin = sdk(url);
    admin
        .set_user_pool_mfa_config()
        .user_pool_id(POOL)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
        .mfa_configuration(UserPoolMfaType::Optional)
        .send()
        .await
        .unwrap();
    make_user(&admin, "plain@bench.example", false).await;
    let set_up = Instant::now();
    let mut secrets = vec![Vec::new(); count];
    let mut tasks = Vec::new();
    for chunk in 0..concurrency {
        let admin = sdk(url);
        tasks.push(tokio::spawn(async move {
            let mut made = Vec::new();
            for n in (chunk..count).step_by(concurrency) {
                made.push((n, make_user(&admin, &format!("mfa-{n}@bench.example"), true).await.unwrap()));
            }
            made
        }));
    }
    for task in tasks {
        for (n, secret) in task.await.unwrap() {
            secrets[n] = secret;
        }
    }
    println!("set up {count} users with software tokens in {:.1} s", set_up.elapsed().as_secs_f64());
    // Warm the plain path, then measure both with the same number of sign-ins.
    password_sign_in(&admin, "plain@bench.example").await;
    let plain = measure(url, pid, count, concurrency, None).await;
    let mfa = measure(url, pid, count, concurrency, Some(Arc::new(secrets))).await;
    report("plain (USER_PASSWORD_AUTH)", &plain);
    report("with a software token (USER_PASSWORD_AUTH, then SOFTWARE_TOKEN_MFA)", &mfa);
    println!(
        "RESULT MFA / plain: {:.2} of the server's CPU per sign-in, {:.2} of the latency (p50), {:.2} of the rate",
        mfa.cpu_per_sign_in.as_secs_f64() / plain.cpu_per_sign_in.as_secs_f64(),
        mfa.p50.as_secs_f64() / plain.p50.as_secs_f64(),
        mfa.per_second / plain.per_second
    );
}
