//! The wire protocol itself: SigV4 on admin actions, malformed requests, unknown and unsupported
//! actions, oversized bodies, CORS, health. Raw HTTP where the SDK would refuse to send.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;

async fn post(server: &TestServer, target: &str, body: &str) -> (u16, Option<String>, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(&server.url)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", target)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let kind = response.headers().get("x-amzn-errortype").map(|v| v.to_str().unwrap().to_owned());
    let json = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, kind, json)
}

#[tokio::test]
async fn admin_actions_require_a_valid_signature() {
    let server = TestServer::start().await;
    let (status, kind, body) =
        post(&server, "AWSCognitoIdentityProviderService.ListUserPools", r#"{"MaxResults":10}"#).await;
    assert_eq!((status, kind.as_deref()), (400, Some("UnrecognizedClientException")));
    assert_eq!(body["__type"], "UnrecognizedClientException");

    let unknown_key = server.sdk_with_key("AKIANOTCONFIGURED000", "whatever");
    assert_eq!(code(unknown_key.list_user_pools().max_results(10).send().await), "UnrecognizedClientException");
    let wrong_secret = server.sdk_with_key(cognate_testkit::ACCESS_KEY_ID, "not-the-secret");
    assert_eq!(code(wrong_secret.list_user_pools().max_results(10).send().await), "InvalidSignatureException");
    assert_eq!(
        code(wrong_secret.admin_get_user().user_pool_id("us-east-1_abcdefghi").username("x").send().await),
        "InvalidSignatureException"
    );
    assert!(server.sdk().list_user_pools().max_results(10).send().await.is_ok());

    // A public action needs no credentials at all; a public caller adding UserPoolId to
    // InitiateAuth does not reach the admin flows.
    let (_, kind, _) = post(
        &server,
        "AWSCognitoIdentityProviderService.SignUp",
        r#"{"ClientId":"nope","Username":"a","Password":"b"}"#,
    )
    .await;
    assert_eq!(kind.as_deref(), Some("ResourceNotFoundException"));
    let sdk = server.sdk();
    let (pool_id, client_id) = username_pool(&sdk).await;
    let body = serde_json::json!({"UserPoolId": pool_id, "ClientId": client_id, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "x", "PASSWORD": "y"}});
    let (_, kind, body) = post(&server, "AWSCognitoIdentityProviderService.InitiateAuth", &body.to_string()).await;
    assert_eq!(kind.as_deref(), Some("InvalidParameterException"));
    assert_eq!(body["message"], "Initiate Auth method not supported.");
}

#[tokio::test]
async fn malformed_requests_get_clear_errors() {
    let server = TestServer::start().await;
    let (status, kind, _) = post(&server, "AWSCognitoIdentityProviderService.SignUp", "{not json").await;
    assert_eq!((status, kind.as_deref()), (400, Some("SerializationException")));
    let (_, kind, _) = post(&server, "AWSCognitoIdentityProviderService.SignUp", r#"{"ClientId": 5}"#).await;
    assert_eq!(kind.as_deref(), Some("SerializationException"));
    let (_, kind, body) = post(&server, "AWSCognitoIdentityProviderService.SignUp", r#"{"Username":"a"}"#).await;
    assert_eq!(kind.as_deref(), Some("InvalidParameterException"));
    assert!(body["message"].as_str().unwrap().contains("'clientId'"));
    let (_, kind, _) = post(&server, "AWSCognitoIdentityProviderService.NoSuchAction", "{}").await;
    assert_eq!(kind.as_deref(), Some("UnknownOperationException"));
    let (_, kind, _) = post(&server, "SomeOtherService.SignUp", "{}").await;
    assert_eq!(kind.as_deref(), Some("UnknownOperationException"));
    let (_, kind, body) =
        post(&server, "AWSCognitoIdentityProviderService.UpdateAuthEventFeedback", r#"{"UserPoolId":"x"}"#).await;
    assert_eq!(kind.as_deref(), Some("UnsupportedOperationException"));
    assert_eq!(body["message"], "UpdateAuthEventFeedback is not supported by Cognate yet.");
    let huge = format!(r#"{{"ClientId":"{}"}}"#, "x".repeat(cognate_http::MAX_BODY_BYTES));
    let (status, kind, _) = post(&server, "AWSCognitoIdentityProviderService.SignUp", &huge).await;
    assert_eq!((status, kind.as_deref()), (413, Some("RequestEntityTooLargeException")));
    let (_, kind, _) = post(
        &server,
        "AWSCognitoIdentityProviderService.GetUser",
        &format!(r#"{{"AccessToken":"{}"}}"#, "a.".repeat(9000)),
    )
    .await;
    assert_eq!(kind.as_deref(), Some("NotAuthorizedException"));
}

#[tokio::test]
async fn browsers_may_call_the_api_and_health_reports_the_database() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let preflight = client
        .request(reqwest::Method::OPTIONS, &server.url)
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,x-amz-target,x-amz-user-agent")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let health = client.get(format!("{}/health", server.url)).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let missing = client.get(format!("{}/us-east-1_nosuchpoo/.well-known/jwks.json", server.url)).send().await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}
