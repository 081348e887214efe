//! Every refusal, with tokens these tests forge themselves, and the JWKS cache's fetch behaviour.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::hmac;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING,
    RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PKCS1_SHA512,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use serde_json::{json, Value};

use crate::*;

const ISSUER: &str = "http://127.0.0.1:9229/us-east-1_testpool1";
const CLIENT: &str = "client0000000000000000001";
const NOW: i64 = 1_700_000_000;

enum Signer {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

struct TestKey {
    kid: String,
    signer: Signer,
    jwk: Value,
}

fn rsa_key(kid: &str, alg: Option<&str>) -> TestKey {
    static PKCS8: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let der = PKCS8.get_or_init(|| RsaKeyPair::generate(KeySize::Rsa2048).unwrap().as_der().unwrap().as_ref().to_vec());
    let pair = RsaKeyPair::from_pkcs8(der).unwrap();
    let public = pair.public_key();
    let mut jwk = json!({
        "kty": "RSA", "kid": kid, "use": "sig",
        "n": B64URL.encode(public.modulus().big_endian_without_leading_zero()),
        "e": B64URL.encode(public.exponent().big_endian_without_leading_zero()),
    });
    if let Some(alg) = alg {
        jwk["alg"] = alg.into();
    }
    TestKey { kid: kid.into(), signer: Signer::Rsa(pair), jwk }
}

fn other_rsa_key(kid: &str) -> TestKey {
    let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
    let jwk = json!({"kty": "RSA", "kid": kid});
    TestKey { kid: kid.into(), signer: Signer::Rsa(pair), jwk }
}

fn ec_key(kid: &str, p384: bool) -> TestKey {
    let alg = if p384 { &ECDSA_P384_SHA384_FIXED_SIGNING } else { &ECDSA_P256_SHA256_FIXED_SIGNING };
    let pair = EcdsaKeyPair::generate(alg).unwrap();
    let point = pair.public_key().as_ref().to_vec();
    let size = (point.len() - 1) / 2;
    let jwk = json!({
        "kty": "EC", "kid": kid, "crv": if p384 { "P-384" } else { "P-256" },
        "x": B64URL.encode(&point[1..1 + size]), "y": B64URL.encode(&point[1 + size..]),
    });
    TestKey { kid: kid.into(), signer: Signer::Ec(pair), jwk }
}

fn ed_key(kid: &str) -> TestKey {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let jwk = json!({"kty": "OKP", "kid": kid, "crv": "Ed25519", "x": B64URL.encode(pair.public_key().as_ref())});
    TestKey { kid: kid.into(), signer: Signer::Ed(pair), jwk }
}

fn sign_raw(key: &TestKey, alg: &str, signed: &[u8]) -> Vec<u8> {
    let rng = SystemRandom::new();
    match &key.signer {
        Signer::Rsa(pair) => {
            let padding = match alg {
                "RS384" => &RSA_PKCS1_SHA384,
                "RS512" => &RSA_PKCS1_SHA512,
                _ => &RSA_PKCS1_SHA256,
            };
            let mut sig = vec![0; pair.public_modulus_len()];
            pair.sign(padding, &rng, signed, &mut sig).unwrap();
            sig
        }
        Signer::Ec(pair) => pair.sign(&rng, signed).unwrap().as_ref().to_vec(),
        Signer::Ed(pair) => pair.sign(signed).as_ref().to_vec(),
    }
}

fn token_with(key: &TestKey, header: Value, claims: &Value) -> String {
    let signed = format!("{}.{}", B64URL.encode(header.to_string()), B64URL.encode(claims.to_string()));
    let alg = header["alg"].as_str().unwrap_or("RS256").to_owned();
    let sig = sign_raw(key, &alg, signed.as_bytes());
    format!("{signed}.{}", B64URL.encode(sig))
}

fn token(key: &TestKey, alg: &str, claims: &Value) -> String {
    token_with(key, json!({"alg": alg, "kid": key.kid}), claims)
}

fn access_claims() -> Value {
    json!({
        "sub": "0f0e0d0c-0000-4000-8000-000000000001", "iss": ISSUER, "client_id": CLIENT,
        "origin_jti": "origin-1", "event_id": "e", "token_use": "access",
        "scope": "aws.cognito.signin.user.admin", "auth_time": NOW - 10, "exp": NOW + 3600,
        "iat": NOW - 10, "jti": "j", "username": "alice", "cognito:groups": ["staff"],
    })
}

fn id_claims() -> Value {
    json!({
        "sub": "0f0e0d0c-0000-4000-8000-000000000001", "iss": ISSUER, "aud": CLIENT, "token_use": "id",
        "cognito:username": "alice", "email": "alice@example.com", "custom:tenant": "t1",
        "auth_time": NOW - 10, "exp": NOW + 3600, "iat": NOW - 10, "origin_jti": "origin-1",
    })
}

fn jwks(keys: &[&TestKey]) -> Vec<u8> {
    json!({ "keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>() }).to_string().into_bytes()
}

fn verifier(keys: &[&TestKey]) -> VerifierBuilder {
    Verifier::builder(ISSUER).client_id(CLIENT).jwks_json(&jwks(keys)).unwrap()
}

async fn check(v: &Verifier, token: &str) -> Result<Arc<CognitoClaims>, VerifyError> {
    v.verify_at(token, NOW).await
}

#[tokio::test]
async fn genuine_tokens_of_every_algorithm_verify() {
    let rsa = rsa_key("rsa", None);
    let (p256, p384, ed) = (ec_key("p256", false), ec_key("p384", true), ed_key("ed"));
    let v = verifier(&[&rsa, &p256, &p384, &ed]).build().unwrap();
    for (key, alg) in
        [(&rsa, "RS256"), (&rsa, "RS384"), (&rsa, "RS512"), (&p256, "ES256"), (&p384, "ES384"), (&ed, "EdDSA")]
    {
        let claims = check(&v, &token(key, alg, &access_claims())).await.unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!(claims.username(), Some("alice"));
    }
    let id = check(&v, &token(&rsa, "RS256", &id_claims())).await.unwrap();
    assert_eq!(id.custom_attribute("tenant"), Some("t1"));
    assert_eq!(id.client(), Some(CLIENT));
}

#[tokio::test]
async fn forged_tokens_are_refused_each_for_its_reason() {
    let rsa = rsa_key("rsa", Some("RS256"));
    let p256 = ec_key("p256", false);
    let v = verifier(&[&rsa, &p256]).build().unwrap();
    let good = token(&rsa, "RS256", &access_claims());
    let parts: Vec<&str> = good.split('.').collect();

    // alg none, with and without a signature.
    let none_header = B64URL.encode(json!({"alg": "none", "kid": "rsa"}).to_string());
    assert_eq!(check(&v, &format!("{none_header}.{}.", parts[1])).await.unwrap_err(), VerifyError::Unsigned);
    assert_eq!(
        check(&v, &format!("{none_header}.{}.{}", parts[1], parts[2])).await.unwrap_err(),
        VerifyError::Unsigned
    );

    // HS256 "signed" with the public key's JWK as the HMAC secret: the algorithm-confusion attack.
    let hs_header = B64URL.encode(json!({"alg": "HS256", "kid": "rsa"}).to_string());
    let signed = format!("{hs_header}.{}", parts[1]);
    let mac = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, rsa.jwk.to_string().as_bytes()), signed.as_bytes());
    let confused = format!("{signed}.{}", B64URL.encode(mac.as_ref()));
    assert_eq!(check(&v, &confused).await.unwrap_err(), VerifyError::HmacAlgorithm);

    // A kid the issuer never published.
    let stranger = other_rsa_key("stranger");
    assert_eq!(check(&v, &token(&stranger, "RS256", &access_claims())).await.unwrap_err(), VerifyError::UnknownKid);
    // Another key claiming a published kid.
    let impostor = other_rsa_key("rsa");
    assert_eq!(check(&v, &token(&impostor, "RS256", &access_claims())).await.unwrap_err(), VerifyError::BadSignature);

    // Tampered payload: alice becomes an admin.
    let mut escalated = access_claims();
    escalated["cognito:groups"] = json!(["admin"]);
    let tampered = format!("{}.{}.{}", parts[0], B64URL.encode(escalated.to_string()), parts[2]);
    assert_eq!(check(&v, &tampered).await.unwrap_err(), VerifyError::BadSignature);
    // Tampered header: same alg and kid, one more field.
    let header = B64URL.encode(json!({"alg": "RS256", "kid": "rsa", "typ": "JWT"}).to_string());
    assert_eq!(check(&v, &format!("{header}.{}.{}", parts[1], parts[2])).await.unwrap_err(), VerifyError::BadSignature);
    // Tampered signature.
    let mut sig = B64URL.decode(parts[2]).unwrap();
    sig[10] ^= 1;
    let flipped = format!("{}.{}.{}", parts[0], parts[1], B64URL.encode(sig));
    assert_eq!(check(&v, &flipped).await.unwrap_err(), VerifyError::BadSignature);

    // Header algorithm other than the key's: RS384 on a key published for RS256; ES256 on an RSA key.
    assert_eq!(check(&v, &token(&rsa, "RS384", &access_claims())).await.unwrap_err(), VerifyError::AlgorithmMismatch);
    let es_on_rsa = token_with(&p256, json!({"alg": "ES256", "kid": "rsa"}), &access_claims());
    assert_eq!(check(&v, &es_on_rsa).await.unwrap_err(), VerifyError::AlgorithmMismatch);

    // Size and shape.
    let huge = format!("{}.{}.{}", parts[0], "A".repeat(MAX_TOKEN_LEN), parts[2]);
    assert_eq!(check(&v, &huge).await.unwrap_err(), VerifyError::TooLarge);
    assert_eq!(check(&v, "not a token").await.unwrap_err(), VerifyError::Malformed);
    let not_json = format!("{}.{}.{}", parts[0], B64URL.encode("[]"), parts[2]);
    assert_eq!(check(&v, &not_json).await.unwrap_err(), VerifyError::BadSignature);
}

#[tokio::test]
async fn claims_are_checked_after_the_signature() {
    let rsa = rsa_key("rsa", None);
    let sign = |claims: &Value| token(&rsa, "RS256", claims);
    let v = verifier(&[&rsa]).build().unwrap();
    let with = |field: &str, value: Value| {
        let mut c = access_claims();
        c[field] = value;
        sign(&c)
    };
    assert_eq!(check(&v, &with("exp", json!(NOW))).await.unwrap_err(), VerifyError::Expired);
    assert_eq!(check(&v, &with("nbf", json!(NOW + 60))).await.unwrap_err(), VerifyError::NotYetValid);
    assert_eq!(check(&v, &with("iat", json!(NOW + 60))).await.unwrap_err(), VerifyError::NotYetValid);
    assert_eq!(
        check(&v, &with("iss", json!("https://evil.example/pool"))).await.unwrap_err(),
        VerifyError::WrongIssuer
    );
    assert_eq!(check(&v, &with("client_id", json!("someoneelse"))).await.unwrap_err(), VerifyError::WrongClient);
    assert_eq!(check(&v, &with("token_use", json!("refresh"))).await.unwrap_err(), VerifyError::WrongTokenUse);
    let mut no_exp = access_claims();
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_eq!(check(&v, &sign(&no_exp)).await.unwrap_err(), VerifyError::Malformed);
    let mut wrong_aud = id_claims();
    wrong_aud["aud"] = json!("someoneelse");
    assert_eq!(check(&v, &sign(&wrong_aud)).await.unwrap_err(), VerifyError::WrongClient);

    // Skew tolerates a little, and no more.
    let skewed = verifier(&[&rsa]).clock_skew(Duration::from_secs(30)).build().unwrap();
    assert!(check(&skewed, &with("exp", json!(NOW - 20))).await.is_ok());
    assert_eq!(check(&skewed, &with("exp", json!(NOW - 40))).await.unwrap_err(), VerifyError::Expired);

    let access_only = verifier(&[&rsa]).token_use(TokenUse::Access).build().unwrap();
    assert_eq!(check(&access_only, &sign(&id_claims())).await.unwrap_err(), VerifyError::WrongTokenUse);
    let id_only = verifier(&[&rsa]).token_use(TokenUse::Id).build().unwrap();
    assert_eq!(check(&id_only, &sign(&access_claims())).await.unwrap_err(), VerifyError::WrongTokenUse);

    let scoped = verifier(&[&rsa]).scope("orders/write").build().unwrap();
    assert_eq!(check(&scoped, &sign(&access_claims())).await.unwrap_err(), VerifyError::MissingScope);
    assert!(check(&scoped, &with("scope", json!("openid orders/write"))).await.is_ok());
    let admins = verifier(&[&rsa]).group("admin").group("root").build().unwrap();
    assert_eq!(check(&admins, &sign(&access_claims())).await.unwrap_err(), VerifyError::MissingGroup);
    assert!(check(&admins, &with("cognito:groups", json!(["root"]))).await.is_ok());
    let tenant = verifier(&[&rsa])
        .check(
            "tenant",
            |c| if c.custom_attribute("tenant") == Some("t1") { Ok(()) } else { Err("other tenant".into()) },
        )
        .build()
        .unwrap();
    assert!(check(&tenant, &sign(&id_claims())).await.is_ok());
    assert!(matches!(check(&tenant, &sign(&access_claims())).await.unwrap_err(), VerifyError::ClaimRejected(_)));
    let any_client = Verifier::builder(ISSUER).jwks_json(&jwks(&[&rsa])).unwrap().build().unwrap();
    assert!(check(&any_client, &with("client_id", json!("someoneelse"))).await.is_ok());
}

#[tokio::test]
async fn no_input_panics() {
    let rsa = rsa_key("rsa", None);
    let v = verifier(&[&rsa]).build().unwrap();
    let good = token(&rsa, "RS256", &access_claims());
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for round in 0..3000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut bytes = good.clone().into_bytes();
        let at = (state as usize) % bytes.len();
        bytes[at] = b"AZaz09-_.=+/ \x7f"[(state >> 32) as usize % 14];
        if round % 7 == 0 {
            bytes.truncate(at);
        }
        let candidate = String::from_utf8_lossy(&bytes).into_owned();
        let result = check(&v, &candidate).await;
        assert!(candidate == good || result.is_err(), "mutation accepted: {candidate}");
    }
}

#[tokio::test]
async fn cached_tokens_are_still_checked_for_time_and_revocation() {
    let rsa = rsa_key("rsa", None);
    let revocations = Arc::new(RevocationList::new());
    let v = verifier(&[&rsa]).token_cache(100).revocations(revocations.clone()).build().unwrap();
    let good = token(&rsa, "RS256", &access_claims());
    check(&v, &good).await.unwrap();
    check(&v, &good).await.unwrap();
    assert_eq!(v.token_cache().unwrap().len(), 1);
    assert_eq!(v.verify_at(&good, NOW + 3600).await.unwrap_err(), VerifyError::Expired);
    assert!(v.token_cache().unwrap().is_empty(), "an expired token leaves the cache");

    check(&v, &good).await.unwrap();
    let page = |reason: &str, origins: Vec<&str>, whole_user: bool, at: i64| FeedPage {
        events: vec![FeedEvent {
            seq: 1,
            reason: reason.into(),
            sub: "0f0e0d0c-0000-4000-8000-000000000001".into(),
            origin_jtis: origins.into_iter().map(str::to_owned).collect(),
            whole_user,
            at,
        }],
        cursor: "1".into(),
        more: false,
        retention_seconds: 86_400,
    };
    revocations.apply(&page("RevokeToken", vec!["origin-1"], false, NOW), NOW);
    assert_eq!(check(&v, &good).await.unwrap_err(), VerifyError::Revoked);
    assert_eq!(revocations.cursor(), "1");

    // A user-wide sign-out refuses older tokens of the user, not a later sign-in.
    let fresh = RevocationList::new();
    fresh.apply(&page("GlobalSignOut", vec![], true, NOW), NOW);
    let fresh = Arc::new(fresh);
    let v = verifier(&[&rsa]).revocations(fresh.clone()).build().unwrap();
    assert_eq!(check(&v, &good).await.unwrap_err(), VerifyError::Revoked);
    let mut later = access_claims();
    later["iat"] = json!(NOW);
    later["origin_jti"] = json!("origin-2");
    assert!(check(&v, &token(&rsa, "RS256", &later)).await.is_ok());
    // Events older than the retention are forgotten.
    fresh.apply(&FeedPage { events: vec![], cursor: "1".into(), more: false, retention_seconds: 60 }, NOW + 61);
    assert_eq!(fresh.len(), (0, 0));
}

/// Serves JWKS documents from a list that the test changes, counting fetches.
struct FakeFetcher {
    document: Mutex<Vec<u8>>,
    fetches: AtomicUsize,
    delay: Duration,
}

impl JwksFetcher for FakeFetcher {
    fn fetch(&self, _uri: &str) -> BoxFuture<Result<Vec<u8>, String>> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let document = self.document.lock().unwrap().clone();
        let delay = self.delay;
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            if document.is_empty() {
                Err("connection refused".into())
            } else {
                Ok(document)
            }
        })
    }
}

fn fetching(fetcher: &Arc<FakeFetcher>) -> Verifier {
    Verifier::builder(ISSUER).client_id(CLIENT).fetcher(fetcher.clone()).build().unwrap()
}

#[tokio::test(start_paused = true)]
async fn jwks_is_fetched_once_refetched_on_rotation_and_bogus_kids_wait_out_the_penalty() {
    let (old, new) = (rsa_key("old", None), ec_key("new", false));
    let fetcher = Arc::new(FakeFetcher {
        document: Mutex::new(jwks(&[&old])),
        fetches: AtomicUsize::new(0),
        delay: Duration::from_millis(50),
    });
    let v = Arc::new(fetching(&fetcher));

    // Fifty concurrent first requests share one fetch.
    let old_token = token(&old, "RS256", &access_claims());
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (v, t) = (v.clone(), old_token.clone());
            tokio::spawn(async move { v.verify_at(&t, NOW).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(fetcher.fetches.load(Ordering::SeqCst), 1);

    // Rotation: a token signed by a new key is accepted once the penalty window has passed.
    *fetcher.document.lock().unwrap() = jwks(&[&old, &new]);
    tokio::time::advance(DEFAULT_REFETCH_PENALTY).await;
    let new_token = token(&new, "ES256", &access_claims());
    v.verify_at(&new_token, NOW).await.unwrap();
    assert_eq!(fetcher.fetches.load(Ordering::SeqCst), 2);

    // A flood of bogus kids inside the window costs no fetch.
    for i in 0..100 {
        let bogus = rsa_key(&format!("bogus-{i}"), None);
        assert_eq!(
            v.verify_at(&token(&bogus, "RS256", &access_claims()), NOW).await.unwrap_err(),
            VerifyError::UnknownKid
        );
    }
    assert_eq!(fetcher.fetches.load(Ordering::SeqCst), 2);
    tokio::time::advance(DEFAULT_REFETCH_PENALTY).await;
    let bogus = rsa_key("bogus-late", None);
    assert_eq!(v.verify_at(&token(&bogus, "RS256", &access_claims()), NOW).await.unwrap_err(), VerifyError::UnknownKid);
    assert_eq!(fetcher.fetches.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn an_unreachable_jwks_is_reported_as_such() {
    let fetcher =
        Arc::new(FakeFetcher { document: Mutex::new(Vec::new()), fetches: AtomicUsize::new(0), delay: Duration::ZERO });
    let v = fetching(&fetcher);
    let key = rsa_key("rsa", None);
    let error = v.verify_at(&token(&key, "RS256", &access_claims()), NOW).await.unwrap_err();
    assert!(matches!(error, VerifyError::JwksUnavailable(_)), "{error:?}");
    assert!(!error.is_token_fault());
}

#[test]
fn bearer_headers() {
    assert_eq!(bearer_token("Bearer abc"), Some("abc"));
    assert_eq!(bearer_token("bearer  abc "), Some("abc"));
    assert_eq!(bearer_token("Basic abc"), None);
    assert_eq!(bearer_token("Bearer "), None);
    assert_eq!(bearer_token("Bearer"), None);
}
