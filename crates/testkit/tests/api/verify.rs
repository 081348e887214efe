//! cognate-verify against a real Cognate server: tokens it issues verify, a rotated key is picked
//! up, a GlobalSignOut reaches the verifier through the revocation feed, AWS-shaped issuers, and
//! the axum layer in front of a handler.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType;
use cognate_verify::axum::{Claims, RequireBearerLayer};
use cognate_verify::{poll_revocations, FeedSource, HttpFetcher, RevocationList, TokenUse, Verifier, VerifyError};

struct Session {
    pool_id: String,
    client_id: String,
    access: String,
    id: String,
}

async fn signed_in(server: &TestServer) -> Session {
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    confirmed_user(server, &sdk, &client_id, "verify@example.com").await;
    let out = sign_in(&sdk, &client_id, "verify@example.com", PASSWORD).await.unwrap();
    let result = out.authentication_result().unwrap();
    Session {
        pool_id,
        client_id,
        access: result.access_token().unwrap().to_owned(),
        id: result.id_token().unwrap().to_owned(),
    }
}

fn verifier(server: &TestServer, session: &Session) -> cognate_verify::VerifierBuilder {
    Verifier::builder(format!("{}/{}", server.url, session.pool_id)).client_id(&session.client_id)
}

fn kid_of(token: &str) -> String {
    use base64::Engine;
    let part = token.split('.').next().unwrap();
    let header: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

fn now(server: &TestServer) -> i64 {
    use cognate_domain::Clock;
    server.clock.now()
}

#[tokio::test]
async fn tokens_the_server_issues_verify_and_others_do_not() {
    let server = TestServer::start().await;
    let session = signed_in(&server).await;
    let access_verifier = verifier(&server, &session).token_use(TokenUse::Access).build().unwrap();
    let claims = access_verifier.verify_at(&session.access, now(&server)).await.unwrap();
    assert_eq!(claims.username(), Some(jwt_claims(&session.access)["username"].as_str().unwrap()));
    assert!(claims.has_scope("aws.cognito.signin.user.admin"));
    assert_eq!(access_verifier.jwks().fetch_count(), 1);
    assert_eq!(access_verifier.verify_at(&session.id, now(&server)).await.unwrap_err(), VerifyError::WrongTokenUse);
    let id_verifier = verifier(&server, &session).token_use(TokenUse::Id).build().unwrap();
    let id = id_verifier.verify_at(&session.id, now(&server)).await.unwrap();
    assert_eq!(id.claim("email").and_then(|v| v.as_str()), Some("verify@example.com"));

    // Expiry follows the client's access token validity (one hour by default).
    let later = now(&server) + 3601;
    assert_eq!(access_verifier.verify_at(&session.access, later).await.unwrap_err(), VerifyError::Expired);
    // Another pool's verifier, and another client's, refuse.
    let other_pool = Verifier::builder(format!("{}/us-east-1_000000000", server.url))
        .jwks_uri(format!("{}/{}/.well-known/jwks.json", server.url, session.pool_id))
        .build()
        .unwrap();
    assert_eq!(other_pool.verify_at(&session.access, now(&server)).await.unwrap_err(), VerifyError::WrongIssuer);
    let other_client = Verifier::builder(format!("{}/{}", server.url, session.pool_id))
        .client_id("someotherclient00000000000")
        .build()
        .unwrap();
    assert_eq!(other_client.verify_at(&session.access, now(&server)).await.unwrap_err(), VerifyError::WrongClient);
}

#[tokio::test]
async fn a_rotated_key_is_fetched_when_its_first_token_arrives() {
    let server = TestServer::start().await;
    let session = signed_in(&server).await;
    let v = verifier(&server, &session).refetch_penalty(Duration::ZERO).build().unwrap();
    v.verify_at(&session.access, now(&server)).await.unwrap();

    let (new_kids, active_from) = server.cognate.rotate_signing_keys(&session.pool_id).await.unwrap();
    let sdk = server.sdk();
    // Published at once, signing only from `active_from`.
    let out = sign_in(&sdk, &session.client_id, "verify@example.com", PASSWORD).await.unwrap();
    let early = out.authentication_result().unwrap().access_token().unwrap().to_owned();
    assert!(!new_kids.iter().any(|k| kid_of(&early) == *k), "the new key does not sign before its time");
    let jwks: serde_json::Value = reqwest::get(format!("{}/{}/.well-known/jwks.json", server.url, session.pool_id))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let published: Vec<&str> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert!(new_kids.iter().all(|k| published.contains(&k.as_str())), "the new keys are in the JWKS already");
    server.clock.advance(active_from - now(&server));
    let out = sign_in(&sdk, &session.client_id, "verify@example.com", PASSWORD).await.unwrap();
    let fresh = out.authentication_result().unwrap().access_token().unwrap().to_owned();
    assert!(new_kids.iter().any(|k| kid_of(&fresh) == *k), "from then on, new tokens are signed with a new key");
    v.verify_at(&fresh, now(&server)).await.unwrap();
    assert_eq!(v.jwks().fetch_count(), 2, "one refetch for the new kid");
    v.verify_at(&session.access, now(&server)).await.expect("tokens signed before the rotation still verify");
}

#[tokio::test]
async fn a_global_sign_out_reaches_the_verifier_through_the_feed() {
    let server = TestServer::start().await;
    let session = signed_in(&server).await;
    let sdk = server.sdk();
    let confidential = sdk
        .create_user_pool_client()
        .user_pool_id(&session.pool_id)
        .client_name("gate")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let gate = confidential.user_pool_client().unwrap();
    let source = FeedSource {
        url: format!("{}/{}/revocations", server.url, session.pool_id),
        client_id: gate.client_id().unwrap().to_owned(),
        client_secret: gate.client_secret().unwrap().to_owned(),
        interval: Duration::from_secs(1),
    };
    let list = Arc::new(RevocationList::new());
    let v = verifier(&server, &session).revocations(list.clone()).with_token_cache().build().unwrap();
    v.verify_at(&session.access, now(&server)).await.unwrap();
    let http = HttpFetcher::new().unwrap();
    assert_eq!(poll_revocations(&http, &source, &list).await.unwrap(), 0);

    sdk.global_sign_out().access_token(&session.access).send().await.unwrap();
    assert_eq!(poll_revocations(&http, &source, &list).await.unwrap(), 1);
    assert_eq!(v.verify_at(&session.access, now(&server)).await.unwrap_err(), VerifyError::Revoked);
    assert!(v.token_cache().unwrap().is_empty(), "the revoked token left the cache");
    assert_eq!(poll_revocations(&http, &source, &list).await.unwrap(), 0, "the cursor moved on");

    // Signing in again gives tokens that pass.
    server.clock.advance(1);
    let out = sign_in(&sdk, &session.client_id, "verify@example.com", PASSWORD).await.unwrap();
    let fresh = out.authentication_result().unwrap().access_token().unwrap().to_owned();
    v.verify_at(&fresh, now(&server)).await.unwrap();

    // The feed is for the pool's confidential clients only.
    let bad = FeedSource { client_secret: "wrong".into(), ..source.clone() };
    assert!(poll_revocations(&http, &bad, &list).await.unwrap_err().contains("401"));
    let public = FeedSource { client_id: session.client_id.clone(), client_secret: String::new(), ..source.clone() };
    assert!(poll_revocations(&http, &public, &list).await.unwrap_err().contains("401"));
    let other_pool = FeedSource { url: format!("{}/us-east-1_000000000/revocations", server.url), ..source.clone() };
    assert!(poll_revocations(&http, &other_pool, &list).await.unwrap_err().contains("401"));
    let anonymous = reqwest::get(&source.url).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], "Basic realm=\"cognate\"");
}

#[tokio::test]
async fn aws_shaped_issuers_satisfy_a_verifier_hard_wired_to_cognito() {
    let server = TestServer::start_configured(|config| config.aws_issuer = true).await;
    let session = signed_in(&server).await;
    let claims = jwt_claims(&session.access);
    let expected = format!("https://cognito-idp.{}.amazonaws.com/{}", "us-east-1", session.pool_id);
    assert_eq!(claims["iss"], expected.as_str());
    let discovery: serde_json::Value =
        reqwest::get(format!("{}/{}/.well-known/openid-configuration", server.url, session.pool_id))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(discovery["issuer"], expected.as_str());
    let jwks_uri = discovery["jwks_uri"].as_str().unwrap().to_owned();
    assert_eq!(jwks_uri, format!("{}/{}/.well-known/jwks.json", server.url, session.pool_id));

    let v =
        Verifier::cognito_user_pool(&session.pool_id).client_id(&session.client_id).jwks_uri(jwks_uri).build().unwrap();
    v.verify_at(&session.access, now(&server)).await.unwrap();
    // The server itself still accepts its tokens.
    server.sdk().get_user().access_token(&session.access).send().await.unwrap();
}

#[tokio::test]
async fn the_axum_layer_lets_only_verified_requests_through() {
    use axum::routing::get;
    let server = TestServer::start().await;
    let session = signed_in(&server).await;
    // The layer checks time by the wall clock; the test server's clock started there too.
    let v = Arc::new(verifier(&server, &session).token_use(TokenUse::Access).build().unwrap());
    let app = axum::Router::new()
        .route("/api/me", get(|Claims(claims): Claims| async move { claims.username().unwrap_or("").to_owned() }))
        .layer(RequireBearerLayer::new(v));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/me", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::new();

    let ok = http.get(&url).bearer_auth(&session.access).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), jwt_claims(&session.access)["username"].as_str().unwrap());

    let none = http.get(&url).send().await.unwrap();
    assert_eq!((none.status().as_u16(), none.headers()["www-authenticate"].to_str().unwrap()), (401, "Bearer"));
    let mut forged = session.access.clone();
    forged.replace_range(forged.len() - 6.., "AAAAAA");
    let refused = http.get(&url).bearer_auth(&forged).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    let challenge = refused.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(challenge.starts_with("Bearer error=\"invalid_token\""), "{challenge}");
    let id_token = http.get(&url).bearer_auth(&session.id).send().await.unwrap();
    assert_eq!(id_token.status(), 401);
}
