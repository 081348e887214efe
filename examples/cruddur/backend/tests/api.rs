//! The Cruddur API's real router with tokens from a real Cognate (made through the AWS SDK for
//! Rust): public and protected routes, posting, the moderators' group, CORS, and the gateway
//! mode's trust in cognate-gate's headers only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ExplicitAuthFlowsType, MessageActionType};
use aws_sdk_cognitoidentityprovider::Client;
use axum::body::Body;
use axum::Router;
use cognate_testkit::TestServer;
use cognate_verify::{TokenUse, Verifier};
use cruddur_backend::{router, ApiConfig, Authentication};
use http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

const PASSWORD: &str = "Correct-Horse-1";
const FRONT_END: &str = "http://127.0.0.1:3000";

struct Pool {
    sdk: Client,
    pool_id: String,
    client_id: String,
}

async fn pool(server: &TestServer) -> Pool {
    let sdk = server.sdk();
    let pool = sdk.create_user_pool().pool_name("cruddur").send().await.unwrap();
    let pool_id = pool.user_pool().unwrap().id().unwrap().to_owned();
    let client = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("web")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let client_id = client.user_pool_client().unwrap().client_id().unwrap().to_owned();
    sdk.create_group().user_pool_id(&pool_id).group_name("moderators").send().await.unwrap();
    Pool { sdk, pool_id, client_id }
}

impl Pool {
    async fn user(&self, username: &str) {
        self.sdk
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
        self.sdk
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .unwrap();
    }

    /// (access token, id token)
    async fn sign_in(&self, username: &str) -> (String, String) {
        let out = self
            .sdk
            .initiate_auth()
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap();
        let result = out.authentication_result().unwrap();
        (result.access_token().unwrap().to_owned(), result.id_token().unwrap().to_owned())
    }

    fn verifying_api(&self, server: &TestServer) -> Router {
        let base = || {
            Verifier::builder(format!("{}/{}", server.url, self.pool_id))
                .client_id(&self.client_id)
                .token_use(TokenUse::Access)
        };
        let access = base().build().unwrap();
        let moderators = base().shared_jwks(access.jwks().clone()).group("moderators").build().unwrap();
        api(Authentication::Verify { access: Arc::new(access), moderators: Arc::new(moderators) })
    }
}

fn api(authentication: Authentication) -> Router {
    router(ApiConfig {
        authentication,
        cors_origins: vec![FRONT_END.into()],
        moderators_group: "moderators".into(),
        now: time::OffsetDateTime::now_utc,
    })
}

async fn call(app: &Router, request: Request<Body>) -> (StatusCode, http::HeaderMap, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    (parts.status, parts.headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn get(path: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request.body(Body::empty()).unwrap()
}

fn post(path: &str, token: &str, body: Value) -> Request<Body> {
    Request::post(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn the_feed_is_public_and_the_callers_own_cruds_need_a_valid_access_token() {
    let server = TestServer::start().await;
    let pool = pool(&server).await;
    pool.user("andrew").await;
    let (access, id) = pool.sign_in("andrew").await;
    let app = pool.verifying_api(&server);

    let (status, _, home) = call(&app, get("/api/activities/home", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(home["activities"][1]["message"], "Cloud is very fun!");

    for token in [None, Some("garbage"), Some(id.as_str())] {
        let (status, headers, body) = call(&app, get("/api/activities/me", token)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert!(headers["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
        assert!(body["message"].is_string());
    }
    let mut tampered = access.clone();
    tampered.replace_range(tampered.len() - 4.., "AAAA");
    assert_eq!(call(&app, get("/api/activities/me", Some(&tampered))).await.0, StatusCode::UNAUTHORIZED);

    let (status, _, me) = call(&app, get("/api/activities/me", Some(&access))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((me["username"].as_str(), me["verified_by"].as_str()), (Some("andrew"), Some("cognate-verify")));
    assert_eq!(me["activities"], Value::Array(vec![]));

    let crud = serde_json::json!({ "message": "  First crud!  ", "handle": "andrewbrown", "display_name": "Andrew" });
    let (status, _, created) = call(&app, post("/api/activities", &access, crud)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["message"], "First crud!");
    let (_, _, me) = call(&app, get("/api/activities/me", Some(&access))).await;
    assert_eq!(me["activities"][0]["uuid"], created["uuid"]);
    let (_, _, home) = call(&app, get("/api/activities/home", None)).await;
    assert_eq!(home["activities"][0]["handle"], "andrewbrown");
    assert!(home["activities"][0].get("author_sub").is_none(), "the author's sub is never shown");

    let long = serde_json::json!({ "message": "x".repeat(281) });
    assert_eq!(call(&app, post("/api/activities", &access, long)).await.0, StatusCode::BAD_REQUEST);
    let anonymous = Request::post("/api/activities")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"message":"hi"}"#))
        .unwrap();
    assert_eq!(call(&app, anonymous).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_moderation_route_needs_the_group_in_the_token() {
    let server = TestServer::start().await;
    let pool = pool(&server).await;
    pool.user("worf").await;
    let app = pool.verifying_api(&server);
    let (access, _) = pool.sign_in("worf").await;
    let (status, headers, _) = call(&app, get("/api/moderation/reports", Some(&access))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(headers["www-authenticate"].to_str().unwrap().contains("insufficient_scope"));

    pool.sdk
        .admin_add_user_to_group()
        .user_pool_id(&pool.pool_id)
        .username("worf")
        .group_name("moderators")
        .send()
        .await
        .unwrap();
    let (access, _) = pool.sign_in("worf").await;
    let (status, _, body) = call(&app, get("/api/moderation/reports", Some(&access))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["moderator"], "worf");
}

#[tokio::test]
async fn cors_allows_the_front_end_to_send_the_authorization_header() {
    let app = api(Authentication::Gateway);
    let preflight = |origin: &str| {
        Request::options("/api/activities/me")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .body(Body::empty())
            .unwrap()
    };
    let (_, headers, _) = call(&app, preflight(FRONT_END)).await;
    assert_eq!(headers["access-control-allow-origin"], FRONT_END);
    assert!(headers["access-control-allow-headers"].to_str().unwrap().contains("authorization"));
    let (_, headers, _) = call(&app, preflight("http://evil.example")).await;
    assert!(headers.get("access-control-allow-origin").is_none());
    let (_, headers, _) =
        call(&app, Request::get("/api/activities/home").header("origin", FRONT_END).body(Body::empty()).unwrap()).await;
    assert_eq!(headers["access-control-expose-headers"], "authorization");
}

#[tokio::test]
async fn behind_the_gateway_only_the_gates_headers_identify_the_caller() {
    let app = api(Authentication::Gateway);
    // A bearer token is not enough: in this mode the API never looks at it.
    let (status, _, _) = call(&app, get("/api/activities/me", Some("anything"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let from_gate = |path: &str, groups: &str| {
        Request::get(path)
            .header("x-cognate-sub", "5b1c7a0e-0000-4000-8000-000000000001")
            .header("x-cognate-username", "andrew")
            .header("x-cognate-groups", groups)
            .body(Body::empty())
            .unwrap()
    };
    let (status, _, me) = call(&app, from_gate("/api/activities/me", "")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((me["username"].as_str(), me["verified_by"].as_str()), (Some("andrew"), Some("cognate-gate")));
    assert_eq!(call(&app, from_gate("/api/moderation/reports", "readers")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(call(&app, from_gate("/api/moderation/reports", "readers,moderators")).await.0, StatusCode::OK);
}
