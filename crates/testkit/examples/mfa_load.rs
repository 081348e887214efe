//! Load driver for a sign-in with a software token beside a plain one, against a running Cognate
//! (the release binary; `bench/mfa.sh` starts it): the server's CPU time per sign-in (read from
//! `/proc/<pid>/stat`, so the driver's work is not counted) and the latency of a whole sign-in.
//!
//! A plain sign-in is one USER_PASSWORD_AUTH call. An MFA sign-in is that call, answered with the
//! SOFTWARE_TOKEN_MFA challenge and its session, then RespondToAuthChallenge with the code. Each
//! step's code is accepted once per user, so every MFA sign-in is of a user of its own, set up
//! beforehand (AdminCreateUser, a first sign-in, AssociateSoftwareToken, VerifySoftwareToken,
//! SetUserMFAPreference).
//!
//! Then the same pool tracks devices (a remembered device stands in for the code), and a third
//! run signs in on remembered devices: USER_PASSWORD_AUTH with DEVICE_KEY, DEVICE_SRP_AUTH and
//! DEVICE_PASSWORD_VERIFIER (the device's SRP proof, computed here as Amplify computes it).
//! `cargo run --release -p cognate-testkit --example mfa_load -- URL PID SIGN_INS CONCURRENCY`
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/admin.rs"]
mod admin;
#[path = "support/cpu.rs"]
mod cpu;
#[path = "support/measured.rs"]
mod measured;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, AuthenticationResultType, ChallengeNameType, DeviceConfigurationType,
    DeviceSecretVerifierConfigType, MessageActionType, SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType,
    UserPoolMfaType,
};
use aws_sdk_cognitoidentityprovider::Client;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cognate_crypto::srp::{claim_signature, timestamp, verifier, ClientSession};
use cognate_crypto::{random, totp};

const POOL: &str = "us-east-1_cruddur01";
const CLIENT: &str = "cruddurwebclient0000000001";
const PASSWORD: &str = "Bench-Pass-1!";

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

/// USER_PASSWORD_AUTH answered with SOFTWARE_TOKEN_MFA and the next code: the tokens.
async fn mfa_sign_in(sdk: &Client, email: &str, secret: &[u8]) -> AuthenticationResultType {
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
    done.authentication_result.expect("tokens after the code")
}

/// A remembered device: its key, group key and the secret it proves.
#[derive(Clone)]
struct Remembered {
    email: String,
    key: String,
    group_key: String,
    password: String,
}

/// Signs in with the code (the device is new), confirms the device the tokens name, remembered
/// at once by the pool's configuration.
async fn remember_device(sdk: &Client, email: &str, secret: &[u8]) -> Remembered {
    let result = mfa_sign_in(sdk, email, secret).await;
    let metadata = result.new_device_metadata().unwrap();
    let (key, group_key) = (metadata.device_key().unwrap().to_owned(), metadata.device_group_key().unwrap().to_owned());
    let password = hex::encode(random::key_bytes());
    let salt = random::key_bytes();
    let v = verifier(&group_key, &key, &password, &salt[..16]);
    sdk.confirm_device()
        .access_token(result.access_token().unwrap())
        .device_key(&key)
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder()
                .password_verifier(B64.encode(v))
                .salt(B64.encode(&salt[..16]))
                .build(),
        )
        .send()
        .await
        .unwrap();
    Remembered { email: email.to_owned(), key, group_key, password }
}

/// A sign-in on a remembered device: the password with DEVICE_KEY, then the device's SRP proof.
async fn device_sign_in(sdk: &Client, device: &Remembered) {
    let started = sdk
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &device.email)
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("DEVICE_KEY", &device.key)
        .send()
        .await
        .unwrap();
    assert_eq!(started.challenge_name(), Some(&ChallengeNameType::DeviceSrpAuth), "the code is skipped");
    let username = started.challenge_parameters().unwrap()["USERNAME"].clone();
    let mut a = [0u8; 128];
    for chunk in a.chunks_mut(32) {
        chunk.copy_from_slice(&random::key_bytes());
    }
    let client = ClientSession::start(a);
    let challenge = sdk
        .respond_to_auth_challenge()
        .client_id(CLIENT)
        .challenge_name(ChallengeNameType::DeviceSrpAuth)
        .session(started.session().unwrap())
        .challenge_responses("USERNAME", &username)
        .challenge_responses("DEVICE_KEY", &device.key)
        .challenge_responses("SRP_A", hex::encode(&client.public_a))
        .send()
        .await
        .unwrap();
    let p = challenge.challenge_parameters().unwrap();
    let decode = |h: &str| hex::decode(if h.len() % 2 == 1 { format!("0{h}") } else { h.to_owned() }).unwrap();
    let key = client
        .key(&decode(&p["SRP_B"]), &decode(&p["SALT"]), &device.group_key, &device.key, &device.password)
        .unwrap();
    let now = timestamp(unix_now());
    let block = B64.decode(&p["SECRET_BLOCK"]).unwrap();
    let signature = B64.encode(claim_signature(&key, &device.group_key, &device.key, &block, &now));
    let done = sdk
        .respond_to_auth_challenge()
        .client_id(CLIENT)
        .challenge_name(ChallengeNameType::DevicePasswordVerifier)
        .session(challenge.session().unwrap())
        .challenge_responses("USERNAME", &username)
        .challenge_responses("DEVICE_KEY", &device.key)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
        .challenge_responses("TIMESTAMP", now)
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result().is_some());
}

/// What a measured run signs in with.
#[derive(Clone)]
enum Kind {
    Plain,
    Mfa(Arc<Vec<Vec<u8>>>),
    Device(Arc<Vec<Remembered>>),
}

/// `count` sign-ins over `concurrency` workers; `secrets` given, each is one user's MFA sign-in.
async fn measure(url: &str, pid: u32, count: usize, concurrency: usize, kind: Kind) -> measured::Measured {
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = cpu::server_cpu(pid);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (sdk, next, kind) = (admin::admin(url), next.clone(), kind.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    break;
                }
                let begun = Instant::now();
                match &kind {
                    Kind::Mfa(secrets) => {
                        mfa_sign_in(&sdk, &format!("mfa-{n}@bench.example"), &secrets[n]).await;
                    }
                    Kind::Plain => {
                        let done = password_sign_in(&sdk, "plain@bench.example").await;
                        assert!(done.authentication_result().is_some());
                    }
                    Kind::Device(devices) => device_sign_in(&sdk, &devices[n % devices.len()]).await,
                }
                latencies.push(begun.elapsed());
            }
            latencies
        }));
    }
    measured::gather(workers, started, pid, cpu_before).await
}

fn report(name: &str, m: &measured::Measured) {
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
    let admin = admin::admin(url);
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
        let admin = admin::admin(url);
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
    let plain = measure(url, pid, count, concurrency, Kind::Plain).await;
    let mfa = measure(url, pid, count, concurrency, Kind::Mfa(Arc::new(secrets))).await;

    // Devices: the pool remembers them at once and lets them stand in for the code. UpdateUserPool
    // resets what it is not given, so the MFA mode goes with it.
    admin
        .update_user_pool()
        .user_pool_id(POOL)
        .mfa_configuration(UserPoolMfaType::Optional)
        .device_configuration(DeviceConfigurationType::builder().challenge_required_on_new_device(true).build())
        .send()
        .await
        .unwrap();
    let device_users = (concurrency * 4).min(count);
    let mut devices = Vec::new();
    for n in 0..device_users {
        let secret = make_user(&admin, &format!("device-{n}@bench.example"), true).await.unwrap();
        devices.push(remember_device(&admin, &format!("device-{n}@bench.example"), &secret).await);
    }
    let on_device = measure(url, pid, count, concurrency, Kind::Device(Arc::new(devices))).await;
    report("plain (USER_PASSWORD_AUTH)", &plain);
    report("with a software token (USER_PASSWORD_AUTH, then SOFTWARE_TOKEN_MFA)", &mfa);
    report("on a remembered device (USER_PASSWORD_AUTH, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER)", &on_device);
    for (name, m) in [("MFA", &mfa), ("remembered device", &on_device)] {
        println!(
            "RESULT {name} / plain: {:.2} of the server's CPU per sign-in, {:.2} of the latency (p50), {:.2} of the rate",
            m.cpu_per_sign_in.as_secs_f64() / plain.cpu_per_sign_in.as_secs_f64(),
            m.p50.as_secs_f64() / plain.p50.as_secs_f64(),
            m.per_second / plain.per_second
        );
    }
}
