//! A wallet sign-in's server cost, in process on SQLite: InitiateAuth (the EIP-4361 message and
//! its session) and RespondToAuthChallenge (the signer recovered, the session taken, tokens
//! signed), beside a USER_PASSWORD_AUTH sign-in at the development hash cost for a ratio. The
//! wallet's own signing happens in the batch set-up, outside the measured time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;

use cognate_crypto::ethereum::WalletKey;
use cognate_domain::model::PoolSettings;
use cognate_domain::wallet::WalletSignIn;
use cognate_domain::{
    AuthOutcome, AuthRequest, ChallengeRequest, ClientInput, Cognate, NewClientSecret, NewPool, NewUserByAdmin,
};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

const PASSWORD: &str = "Correct-Horse-1";

fn setup(runtime: &tokio::runtime::Runtime) -> (Cognate, String, tempfile::TempDir) {
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = cognate_store::open(&format!("sqlite://{}", dir.path().join("b.db").display())).await.unwrap();
        let cognate = support::in_process(store, "http://localhost:3000");
        let settings = PoolSettings {
            mfa_configuration: "OFF".into(),
            wallet: Some(WalletSignIn::default()),
            ..Default::default()
        };
        let pool =
            cognate.create_user_pool(NewPool { name: "bench".into(), settings, ..Default::default() }).await.unwrap();
        let flows = ["ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
        let input = ClientInput {
            name: Some("web".into()),
            explicit_auth_flows: flows.iter().map(|f| f.to_string()).collect(),
            ..Default::default()
        };
        let client = cognate.create_user_pool_client(&pool.id, input, NewClientSecret::None, None).await.unwrap();
        let user =
            NewUserByAdmin { username: "pat".into(), message_action: Some("SUPPRESS".into()), ..Default::default() };
        cognate.admin_create_user(&pool.id, user).await.unwrap();
        cognate.admin_set_user_password(&pool.id, "pat", PASSWORD, true).await.unwrap();
        (cognate, client.id, dir)
    })
}

fn start(client_id: &str, flow: &str, parameters: &[(&str, &str)]) -> AuthRequest {
    AuthRequest {
        client_id: client_id.into(),
        flow: flow.into(),
        parameters: parameters.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        ..Default::default()
    }
}

/// The challenge for `wallet` and its signed answer, as the client would send it.
async fn signed_answer(cognate: &Cognate, client_id: &str, wallet: &WalletKey) -> ChallengeRequest {
    let address = wallet.address().checksummed();
    let started = cognate.initiate_auth(start(client_id, "CUSTOM_AUTH", &[("USERNAME", &address)])).await.unwrap();
    let AuthOutcome::Challenge { session, parameters, .. } = started else { panic!("expected a challenge") };
    ChallengeRequest {
        client_id: client_id.into(),
        challenge_name: "CUSTOM_CHALLENGE".into(),
        session,
        responses: BTreeMap::from([
            ("USERNAME".to_owned(), address),
            ("ANSWER".to_owned(), wallet.personal_sign(&parameters["MESSAGE"])),
        ]),
        ..Default::default()
    }
}

fn wallet_sign_in(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (cognate, client_id, _dir) = setup(&runtime);
    let wallet = WalletKey::generate();
    // The first sign-in makes the user; the measured ones find it.
    let first = runtime.block_on(signed_answer(&cognate, &client_id, &wallet));
    runtime.block_on(cognate.respond_to_auth_challenge(first)).unwrap();
    let address = wallet.address().checksummed();

    let mut group = c.benchmark_group("sign_in");
    group.bench_function("wallet_challenge", |b| {
        b.iter(|| {
            runtime
                .block_on(cognate.initiate_auth(start(&client_id, "CUSTOM_AUTH", &[("USERNAME", &address)])))
                .unwrap()
        })
    });
    group.bench_function("wallet_answer", |b| {
        b.iter_batched(
            || runtime.block_on(signed_answer(&cognate, &client_id, &wallet)),
            |answer| match runtime.block_on(cognate.respond_to_auth_challenge(answer)).unwrap() {
                AuthOutcome::Tokens(tokens) => tokens,
                other => panic!("expected tokens, got {other:?}"),
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("password_development_cost", |b| {
        let request = start(&client_id, "USER_PASSWORD_AUTH", &[("USERNAME", "pat"), ("PASSWORD", PASSWORD)]);
        b.iter(|| runtime.block_on(cognate.initiate_auth(request.clone())).unwrap())
    });
    group.finish();
}

fn recovery(c: &mut Criterion) {
    let wallet = WalletKey::generate();
    let message = "localhost:3000 wants you to sign in with your Ethereum account:\n...";
    let signature = wallet.personal_sign(message);
    c.bench_function("ethereum_recover_personal_signer", |b| {
        b.iter(|| cognate_crypto::ethereum::recover_personal_signer(message, &signature).unwrap())
    });
}

criterion_group!(benches, wallet_sign_in, recovery);
criterion_main!(benches);
