//! Hot crypto paths: token signing and verification, password hashing at both shipped costs,
//! and the server's SRP work per sign-in.
#![allow(clippy::unwrap_used)]

use cognate_crypto::jwt::{split_token, SigningKey};
use cognate_crypto::password::{HashCost, PasswordHasher};
use criterion::{criterion_group, criterion_main, Criterion};

fn tokens(c: &mut Criterion) {
    let key = SigningKey::from_pkcs8(&SigningKey::generate_pkcs8().unwrap()).unwrap();
    let claims = serde_json::json!({"sub": "1d6b3c1e-9d3c-4a59-9d2e-2f1c0b6a8e11", "token_use": "access",
        "scope": "aws.cognito.signin.user.admin", "client_id": "abcdefghijklmnopqrstuvwxyz"});
    c.bench_function("jwt_sign_rs256", |b| b.iter(|| key.sign(&claims).unwrap()));
    let token = key.sign(&claims).unwrap();
    c.bench_function("jwt_split_and_verify_rs256", |b| b.iter(|| key.verify(&split_token(&token).unwrap()).unwrap()));
}

fn passwords(c: &mut Criterion) {
    let mut group = c.benchmark_group("argon2id_verify");
    group.sample_size(20);
    for (name, cost) in [("owasp", HashCost::OWASP), ("development", HashCost::DEVELOPMENT)] {
        let hasher = PasswordHasher::new(cost).unwrap();
        let phc = hasher.hash("Correct-Horse-1").unwrap();
        group.bench_function(name, |b| b.iter(|| assert!(hasher.verify("Correct-Horse-1", &phc))));
    }
    group.finish();
}

fn srp(c: &mut Criterion) {
    use cognate_crypto::srp::{verifier, ClientSession, ServerSession};
    let salt = [0x5a; 16];
    let v = verifier("cruddur01", "7d5c1b52-0000-4000-8000-000000000001", "Correct-Horse-1", &salt);
    let client = ClientSession::start([0x11; 128]);
    let mut group = c.benchmark_group("srp_server");
    group.sample_size(30);
    // Everything the server computes for one SRP sign-in: B = k·v + g^b, then S and the key.
    group.bench_function("both_steps", |b| {
        b.iter(|| {
            let server = ServerSession::start(&v, [0x22; 32]).unwrap();
            server.key(&client.public_a, &v).unwrap()
        })
    });
    group.bench_function("verifier_at_password_time", |b| {
        b.iter(|| verifier("cruddur01", "7d5c1b52-0000-4000-8000-000000000001", "Correct-Horse-1", &salt))
    });
    group.finish();
}

/// A custom sender's code as an AWS Encryption SDK message (two HKDF-SHA512, two AES-GCM), next
/// to the RS256 signature every sign-in pays, for scale.
fn sender_codes(c: &mut Criterion) {
    use cognate_crypto::esdk::{encrypt, EncryptedDataKey};
    let context = std::collections::BTreeMap::from([("userpool-id".to_string(), "us-east-1_abc".to_string())]);
    let edk = EncryptedDataKey {
        provider_id: "aws-kms".into(),
        provider_info: "arn:aws:kms:us-east-1:123456789012:key/1234abcd".into(),
        ciphertext: vec![7; 100],
    };
    c.bench_function("esdk_encrypt_code", |b| {
        b.iter(|| encrypt(b"123456", &context, &edk, &[1; 32], &[2; 32]).unwrap())
    });
}

criterion_group!(benches, tokens, passwords, srp, sender_codes);
criterion_main!(benches);
