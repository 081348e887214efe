//! The verification hot path: a Cognito-shaped RS256 access token checked with a warm JWKS (one
//! RSA verification plus parsing and claim checks), the same token again from the verified-token
//! cache, and decoding plus the RSA-2048 verification alone (bench/verify.sh puts `openssl speed
//! rsa2048` beside them, for the ratio).
//!
//! Set COGNATE_BENCH_TOKEN, COGNATE_BENCH_JWKS (a file), COGNATE_BENCH_ISSUER and
//! COGNATE_BENCH_CLIENT to measure a token issued by a running server (bench/verify.sh
//! does); otherwise the bench signs a token of the same shape with a key of its own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use cognate_verify::{unix_now, TokenUse, Verifier};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

struct Workload {
    token: String,
    jwks: Vec<u8>,
    issuer: String,
    client: String,
}

fn own_workload() -> Workload {
    let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
    let public = pair.public_key();
    let kid = "bench-key";
    let jwks = serde_json::json!({"keys": [{
        "kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
        "n": B64URL.encode(public.modulus().big_endian_without_leading_zero()),
        "e": B64URL.encode(public.exponent().big_endian_without_leading_zero()),
    }]});
    let issuer = "http://127.0.0.1:9229/us-east-1_cruddur01".to_owned();
    let client = "cruddurwebclient0000000001".to_owned();
    let now = unix_now();
    let claims = serde_json::json!({
        "sub": "0192f7a4-5b6c-7d8e-9f00-112233445566", "iss": issuer, "client_id": client,
        "origin_jti": "5b0e3c1a-2f4d-4e6a-8b9c-0d1e2f3a4b5c", "event_id": "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
        "token_use": "access", "scope": "aws.cognito.signin.user.admin", "auth_time": now,
        "exp": now + 3600, "iat": now, "jti": "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4", "username": "alice@example.com",
    });
    let signed = format!(
        "{}.{}",
        B64URL.encode(serde_json::json!({"kid": kid, "alg": "RS256"}).to_string()),
        B64URL.encode(claims.to_string())
    );
    let mut signature = vec![0u8; pair.public_modulus_len()];
    pair.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), signed.as_bytes(), &mut signature).unwrap();
    let token = format!("{signed}.{}", B64URL.encode(signature));
    Workload { token, jwks: jwks.to_string().into_bytes(), issuer, client }
}

fn workload() -> Workload {
    match std::env::var("COGNATE_BENCH_TOKEN") {
        Ok(token) => Workload {
            token,
            jwks: std::fs::read(std::env::var("COGNATE_BENCH_JWKS").expect("COGNATE_BENCH_JWKS")).unwrap(),
            issuer: std::env::var("COGNATE_BENCH_ISSUER").expect("COGNATE_BENCH_ISSUER"),
            client: std::env::var("COGNATE_BENCH_CLIENT").expect("COGNATE_BENCH_CLIENT"),
        },
        Err(_) => own_workload(),
    }
}

fn verify(c: &mut Criterion) {
    let work = workload();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let build = |cache: usize| {
        Verifier::builder(&work.issuer)
            .client_id(&work.client)
            .token_use(TokenUse::Access)
            .jwks_json(&work.jwks)
            .unwrap()
            .token_cache(cache)
            .build()
            .unwrap()
    };
    let uncached = build(0);
    let cached = build(1024);
    runtime.block_on(uncached.verify(&work.token)).expect("the bench token verifies");

    let mut group = c.benchmark_group("verify_access_token");
    group.throughput(Throughput::Elements(1));
    group.bench_function("rs256_warm_jwks", |b| b.iter(|| runtime.block_on(uncached.verify(&work.token)).unwrap()));
    group.bench_function("rs256_cached_token", |b| b.iter(|| runtime.block_on(cached.verify(&work.token)).unwrap()));

    // Without the claims: decoding and the RSA verification alone (compare `openssl speed rsa2048`).
    let keys = cognate_verify::KeySet::from_json(&work.jwks).unwrap();
    group.bench_function("decode_and_signature_only", |b| {
        b.iter(|| {
            let decoded = cognate_verify::decode(&work.token).unwrap();
            keys.get(&decoded.kid).unwrap().verify(&decoded).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
