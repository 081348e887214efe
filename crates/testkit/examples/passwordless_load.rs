//! Load driver for the first factors of choice-based sign-in against a running Cognate (the
//! release binary on the demo pool; `bench/passwordless.sh` starts it): a passkey sign-in
//! (USER_AUTH preferring WEB_AUTHN, then the assertion of the software authenticator) and an
//! emailed code (USER_AUTH preferring EMAIL_OTP, then the code read from the outbox) beside the
//! SRP sign-in Amplify makes by default (USER_SRP_AUTH, then PASSWORD_VERIFIER). For each: the
//! server's CPU time per sign-in (from `/proc/<pid>/stat`, so the driver's own arithmetic on the
//! same cores is not counted), the rate and the latency of a whole sign-in.
//!
//! Each worker signs in as a user of its own, one sign-in after another: a passkey's counter and
//! a user's outstanding code allow no two sign-ins of one user at once.
//! `cargo run --release -p cognate-testkit --example passwordless_load -- URL PID OUTBOX SIGN_INS CONCURRENCY`
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/admin.rs"]
mod admin;
#[path = "support/cpu.rs"]
mod cpu;
#[path = "support/measured.rs"]
mod measured;
#[path = "support/srp_client.rs"]
mod srp_client;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use aws_sdk_cognitoidentityprovider::Client;
use cognate_testkit::authenticator::SoftAuthenticator;
use serde_json::{json, Value};
use tokio::sync::Mutex as AsyncMutex;

const POOL: &str = "us-east-1_cruddur01";
const CLIENT: &str = "cruddurwebclient0000000001";
const PASSWORD: &str = "Bench-Pass-1!";

use srp_client::call;

/// The codes the server wrote to its outbox, read as they come.
struct Outbox {
    reader: BufReader<std::fs::File>,
    latest: HashMap<String, String>,
}

impl Outbox {
    fn open(path: &str) -> Self {
        let mut file = std::fs::File::open(path).unwrap();
        file.seek(SeekFrom::End(0)).unwrap();
        Self { reader: BufReader::new(file), latest: HashMap::new() }
    }

    /// The newest code to `to` other than `stale`, waiting for it.
    async fn code(outbox: &Mutex<Self>, to: &str, stale: Option<&str>) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            {
                let mut this = outbox.lock().unwrap();
                let mut line = String::new();
                while this.reader.read_line(&mut line).unwrap() > 0 {
                    if let Ok(message) = serde_json::from_str::<Value>(&line) {
                        if let (Some(dest), Some(code)) = (message["destination"].as_str(), message["code"].as_str()) {
                            this.latest.insert(dest.to_owned(), code.to_owned());
                        }
                    }
                    line.clear();
                }
                if let Some(code) = this.latest.get(to).filter(|c| Some(c.as_str()) != stale) {
                    return code.clone();
                }
            }
            assert!(Instant::now() < deadline, "no code for {to}");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}

/// A confirmed user with a verified email and a permanent password.
async fn make_user(admin: &Client, email: &str) {
    let attr = |n: &str, v: &str| AttributeType::builder().name(n).value(v).build().unwrap();
    admin
        .admin_create_user()
        .user_pool_id(POOL)
        .username(email)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attr("email", email))
        .user_attributes(attr("email_verified", "true"))
        .user_attributes(attr("name", "Bench"))
        .send()
        .await
        .unwrap();
    admin
        .admin_set_user_password()
        .user_pool_id(POOL)
        .username(email)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
}

async fn password_tokens(http: &reqwest::Client, url: &str, email: &str) -> String {
    let done = call(
        http,
        url,
        "InitiateAuth",
        json!({"ClientId": CLIENT, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": email, "PASSWORD": PASSWORD}}),
    )
    .await;
    done["AuthenticationResult"]["AccessToken"].as_str().unwrap().to_owned()
}

/// Registers a software passkey for `email`.
async fn register(http: &reqwest::Client, url: &str, email: &str) -> SoftAuthenticator {
    let access = password_tokens(http, url, email).await;
    let started = call(http, url, "StartWebAuthnRegistration", json!({"AccessToken": access})).await;
    let mut key = SoftAuthenticator::es256();
    let credential = key.register(&started["CredentialCreationOptions"]);
    call(http, url, "CompleteWebAuthnRegistration", json!({"AccessToken": access, "Credential": credential})).await;
    key
}

async fn user_auth(http: &reqwest::Client, url: &str, email: &str, preferred: &str) -> Value {
    call(
        http,
        url,
        "InitiateAuth",
        json!({"ClientId": CLIENT, "AuthFlow": "USER_AUTH",
        "AuthParameters": {"USERNAME": email, "PREFERRED_CHALLENGE": preferred}}),
    )
    .await
}

async fn passkey_sign_in(http: &reqwest::Client, url: &str, email: &str, key: &mut SoftAuthenticator) {
    let started = user_auth(http, url, email, "WEB_AUTHN").await;
    let p = &started["ChallengeParameters"];
    let options: Value = serde_json::from_str(p["CREDENTIAL_REQUEST_OPTIONS"].as_str().unwrap()).unwrap();
    let credential = key.assert(&options).to_string();
    let done = call(
        http,
        url,
        "RespondToAuthChallenge",
        json!({"ClientId": CLIENT, "ChallengeName": "WEB_AUTHN",
        "Session": started["Session"], "ChallengeResponses": {"USERNAME": p["USERNAME"], "CREDENTIAL": credential}}),
    )
    .await;
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
}

async fn email_code_sign_in(
    http: &reqwest::Client,
    url: &str,
    email: &str,
    outbox: &Mutex<Outbox>,
    last: &mut Option<String>,
) {
    let started = user_auth(http, url, email, "EMAIL_OTP").await;
    let code = Outbox::code(outbox, email, last.as_deref()).await;
    let done = call(
        http,
        url,
        "RespondToAuthChallenge",
        json!({"ClientId": CLIENT, "ChallengeName": "EMAIL_OTP",
        "Session": started["Session"],
        "ChallengeResponses": {"USERNAME": email, "EMAIL_OTP_CODE": code}}),
    )
    .await;
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
    *last = Some(code);
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Srp,
    Passkey,
    EmailCode,
}

async fn measure(
    url: &str,
    pid: u32,
    count: usize,
    keys: &[Arc<AsyncMutex<SoftAuthenticator>>],
    outbox: &Arc<Mutex<Outbox>>,
    kind: Kind,
) -> measured::Measured {
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = cpu::server_cpu(pid);
    let started = Instant::now();
    let mut workers = Vec::new();
    for (worker, key) in keys.iter().enumerate() {
        let (http, url, next, key, outbox) =
            (reqwest::Client::new(), url.to_owned(), next.clone(), key.clone(), outbox.clone());
        workers.push(tokio::spawn(async move {
            let email = format!("passwordless-{worker}@bench.example");
            let mut key = key.lock().await;
            let mut last_code = None;
            let mut latencies = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < count {
                let begun = Instant::now();
                match kind {
                    Kind::Srp => srp_client::sign_in(&http, &url, POOL, CLIENT, &email, PASSWORD).await,
                    Kind::Passkey => passkey_sign_in(&http, &url, &email, &mut key).await,
                    Kind::EmailCode => email_code_sign_in(&http, &url, &email, &outbox, &mut last_code).await,
                }
                latencies.push(begun.elapsed());
            }
            latencies
        }));
    }
    measured::gather(workers, started, pid, cpu_before).await
}

fn report(name: &str, m: &measured::Measured, srp: &measured::Measured) {
    println!(
        "RESULT {name}: {:.0} sign-ins/s, p50 {:.2} ms, server CPU {:.0} µs per sign-in ({:.2} of SRP's)",
        m.per_second,
        m.p50.as_secs_f64() * 1e3,
        m.cpu_per_sign_in.as_secs_f64() * 1e6,
        m.cpu_per_sign_in.as_secs_f64() / srp.cpu_per_sign_in.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, pid, outbox, count, concurrency] = args.as_slice() else {
        eprintln!("usage: passwordless_load URL PID OUTBOX SIGN_INS CONCURRENCY");
        std::process::exit(2);
    };
    let (pid, count, concurrency): (u32, usize, usize) =
        (pid.parse().unwrap(), count.parse().unwrap(), concurrency.parse().unwrap());
    let http = reqwest::Client::new();
    let admin = admin::admin(url);
    let outbox = Arc::new(Mutex::new(Outbox::open(outbox)));
    let mut keys = Vec::new();
    for worker in 0..concurrency {
        let email = format!("passwordless-{worker}@bench.example");
        make_user(&admin, &email).await;
        keys.push(Arc::new(AsyncMutex::new(register(&http, url, &email).await)));
    }
    // Warm each path, then the same number of sign-ins of each kind.
    let warm = (concurrency * 2).min(count);
    for kind in [Kind::Srp, Kind::Passkey, Kind::EmailCode] {
        measure(url, pid, warm, &keys, &outbox, kind).await;
    }
    let srp = measure(url, pid, count, &keys, &outbox, Kind::Srp).await;
    let passkey = measure(url, pid, count, &keys, &outbox, Kind::Passkey).await;
    let email = measure(url, pid, count, &keys, &outbox, Kind::EmailCode).await;
    report("SRP (USER_SRP_AUTH, PASSWORD_VERIFIER)", &srp, &srp);
    report("passkey (USER_AUTH + WEB_AUTHN, the assertion)", &passkey, &srp);
    report("code by email (USER_AUTH + EMAIL_OTP, the code)", &email, &srp);
}
