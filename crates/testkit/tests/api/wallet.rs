//! Wallet sign-in (Sign-In with Ethereum) through CUSTOM_AUTH: the AWS SDK for Rust sends
//! Cognate's `WalletSignIn` member (added to the body before signing, as the SDK's model lacks
//! it) and signs in with keys that sign as wallets do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::{
    RespondToAuthChallengeError, RespondToAuthChallengeOutput,
};
use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, PreventUserExistenceErrorTypes,
};
use aws_sdk_cognitoidentityprovider::Client;
use cognate_crypto::ethereum::WalletKey;
use serde_json::{json, Value};

use crate::common::*;

const NOT_THE_WALLETS: &str =
    "The signature is not the wallet's: it was made with another key or over another message.";

/// Adds `member` to an SDK request's JSON body before it is signed.
fn with_member(req: &mut aws_smithy_runtime_api::http::Request, name: &'static str, member: &Value) {
    let mut body: Value = serde_json::from_slice(req.body().bytes().expect("a body in memory")).unwrap();
    body[name] = member.clone();
    let bytes = serde_json::to_vec(&body).unwrap();
    req.headers_mut().insert("content-length", bytes.len().to_string());
    *req.body_mut() = aws_smithy_types::body::SdkBody::from(bytes);
}

/// Keeps the raw body of a response, for the members the SDK's model does not know.
#[derive(Debug, Clone, Default)]
struct RawBody(Arc<Mutex<Vec<u8>>>);

impl Intercept for RawBody {
    fn name(&self) -> &'static str {
        "RawBody"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        *self.0.lock().unwrap() = context.response().body().bytes().unwrap_or_default().to_vec();
        Ok(())
    }
}

/// DescribeUserPool's `WalletSignIn`, as the server sent it.
async fn described_setting(sdk: &Client, pool_id: &str) -> Value {
    let raw = RawBody::default();
    sdk.describe_user_pool().user_pool_id(pool_id).customize().interceptor(raw.clone()).send().await.unwrap();
    let body: Value = serde_json::from_slice(&raw.0.lock().unwrap()).unwrap();
    body["UserPool"]["WalletSignIn"].clone()
}

/// A pool with wallet sign-in set as `setting`, and a public client allowing CUSTOM_AUTH.
async fn wallet_pool(sdk: &Client, setting: Value, admin_only: bool, prevent: bool) -> (String, String) {
    let pool = sdk
        .create_user_pool()
        .pool_name("wallets")
        .admin_create_user_config(AdminCreateUserConfigType::builder().allow_admin_create_user_only(admin_only).build())
        .customize()
        .mutate_request(move |req| with_member(req, "WalletSignIn", &setting))
        .send()
        .await
        .unwrap();
    let pool_id = pool.user_pool().unwrap().id().unwrap().to_owned();
    let flows = [ExplicitAuthFlowsType::AllowCustomAuth, ExplicitAuthFlowsType::AllowRefreshTokenAuth];
    let prevent =
        if prevent { PreventUserExistenceErrorTypes::Enabled } else { PreventUserExistenceErrorTypes::Legacy };
    let client = client_with_flows(sdk, &pool_id, &flows).prevent_user_existence_errors(prevent).send().await.unwrap();
    (pool_id, client_id(client))
}

/// InitiateAuth CUSTOM_AUTH for `username`: the session and the challenge's parameters.
async fn challenge(sdk: &Client, client_id: &str, username: &str) -> (String, HashMap<String, String>) {
    let started = initiate(sdk, client_id, AuthFlowType::CustomAuth, &[("USERNAME", username)]).await.unwrap();
    assert_eq!(started.challenge_name(), Some(&ChallengeNameType::CustomChallenge));
    (started.session().unwrap().to_owned(), started.challenge_parameters().cloned().unwrap())
}

async fn answer(
    sdk: &Client,
    client_id: &str,
    username: &str,
    session: &str,
    signature: &str,
) -> Result<RespondToAuthChallengeOutput, SdkError<RespondToAuthChallengeError>> {
    sdk.respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::CustomChallenge)
        .session(session)
        .challenge_responses("USERNAME", username)
        .challenge_responses("ANSWER", signature)
        .send()
        .await
}

#[tokio::test]
async fn a_wallet_signs_the_message_and_is_signed_in_as_the_same_user_each_time() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let setting = json!({"Domain": "app.example:8443", "Uri": "https://app.example:8443/", "ChainId": 10, "Statement": "Sign in to the example app."});
    let (pool_id, client_id) = wallet_pool(&sdk, setting, false, true).await;
    let wallet = WalletKey::generate();
    let address = wallet.address().checksummed();

    let (session, params) = challenge(&sdk, &client_id, &address).await;
    let message = &params["MESSAGE"];
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines[0], "app.example:8443 wants you to sign in with your Ethereum account:");
    assert_eq!(lines[1], address);
    assert_eq!(lines[3], "Sign in to the example app.");
    assert_eq!(lines[5], "URI: https://app.example:8443/");
    assert_eq!(lines[6], "Version: 1");
    assert_eq!(lines[7], "Chain ID: 10");
    assert_eq!(lines[8], format!("Nonce: {}", params["NONCE"]));
    assert!(lines[9].starts_with("Issued At: ") && lines[10].starts_with("Expiration Time: "));
    assert_eq!(params["ADDRESS"], address);
    assert_eq!(params["USERNAME"], address.to_lowercase());

    let signed = answer(&sdk, &client_id, &params["USERNAME"], &session, &wallet.personal_sign(message)).await.unwrap();
    let tokens = signed.authentication_result().unwrap();
    let claims = jwt_claims(tokens.access_token().unwrap());
    assert_eq!(claims["username"], address.to_lowercase());
    // The username is the address in lowercase, whatever case the wallet gave.
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username(address.to_lowercase()).send().await.unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");

    // The second sign-in, with the lowercase address this time, is the same user.
    let (session, params) = challenge(&sdk, &client_id, &address.to_lowercase()).await;
    assert_ne!(params["NONCE"], lines[8].trim_start_matches("Nonce: "), "each message has a new nonce");
    let again = answer(&sdk, &client_id, &address, &session, &wallet.personal_sign(&params["MESSAGE"])).await.unwrap();
    let again = jwt_claims(again.authentication_result().unwrap().id_token().unwrap());
    assert_eq!(again["sub"], claims["sub"]);
    assert_eq!(sdk.list_users().user_pool_id(&pool_id).send().await.unwrap().users().len(), 1);
}

#[tokio::test]
async fn signatures_of_another_wallet_message_domain_or_chain_and_replays_are_refused() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = wallet_pool(&sdk, json!({}), false, true).await;
    let wallet = WalletKey::generate();
    let address = wallet.address().checksummed();
    let (session, params) = challenge(&sdk, &client_id, &address).await;
    let message = params["MESSAGE"].clone();
    // The default domain and URI are the server's public URL.
    let authority = server.url.trim_start_matches("http://");
    assert!(message.starts_with(&format!("{authority} wants you to sign in")), "{message}");
    assert!(message.contains(&format!("URI: {}\n", server.url)) && message.contains("Chain ID: 1\n"));

    // Malformed answers are refused before the session is spent.
    let (code, text) = error(answer(&sdk, &client_id, &address, &session, "0x1234").await);
    assert_eq!(code, "InvalidParameterException");
    assert!(text.contains("130 hexadecimal digits"), "{text}");

    // A signature by another wallet, or by this one over a message for another domain or
    // chain (as a phishing site would get it): each session answered so is spent and refused.
    let stranger = WalletKey::generate();
    let other_domain = message.replacen(authority, "evil.example", 1);
    let other_chain = message.replace("Chain ID: 1\n", "Chain ID: 5\n");
    let forgeries =
        [stranger.personal_sign(&message), wallet.personal_sign(&other_domain), wallet.personal_sign(&other_chain)];
    for (i, forged) in forgeries.iter().enumerate() {
        let session = if i == 0 { session.clone() } else { challenge(&sdk, &client_id, &address).await.0 };
        let (code, text) = error(answer(&sdk, &client_id, &address, &session, forged).await);
        assert_eq!((code.as_str(), text.as_str()), ("NotAuthorizedException", NOT_THE_WALLETS), "forgery {i}");
    }
    assert!(sdk.list_users().user_pool_id(&pool_id).send().await.unwrap().users().is_empty());

    // The right answer once; the same answer again is a replay, and it is no answer to a new message.
    let (session, params) = challenge(&sdk, &client_id, &address).await;
    let signature = wallet.personal_sign(&params["MESSAGE"]);
    answer(&sdk, &client_id, &address, &session, &signature).await.unwrap();
    let (code, text) = error(answer(&sdk, &client_id, &address, &session, &signature).await);
    assert_eq!(
        (code.as_str(), text.as_str()),
        ("NotAuthorizedException", "Invalid session for the user, session can only be used once.")
    );
    let (fresh, _) = challenge(&sdk, &client_id, &address).await;
    assert_eq!(error(answer(&sdk, &client_id, &address, &fresh, &signature).await).1, NOT_THE_WALLETS);

    // A session for one wallet is no session for another.
    let (session, params) = challenge(&sdk, &client_id, &address).await;
    let theirs = stranger.personal_sign(&params["MESSAGE"]);
    let (code, text) = error(answer(&sdk, &client_id, &stranger.address().checksummed(), &session, &theirs).await);
    assert_eq!((code.as_str(), text.as_str()), ("NotAuthorizedException", "Invalid session for the user."));

    // A message answered after it expired.
    let (session, params) = challenge(&sdk, &client_id, &address).await;
    server.clock.advance(3 * 60 + 1);
    let late = answer(&sdk, &client_id, &address, &session, &wallet.personal_sign(&params["MESSAGE"])).await;
    assert_eq!(
        error(late),
        ("NotAuthorizedException".into(), "Invalid session for the user, session is expired.".into())
    );
}

#[tokio::test]
async fn where_only_administrators_create_users_a_strange_wallet_is_not_signed_up() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let wallet = WalletKey::generate();
    let address = wallet.address().checksummed();

    let (_, legacy) = wallet_pool(&sdk, json!({}), true, false).await;
    let started = initiate(&sdk, &legacy, AuthFlowType::CustomAuth, &[("USERNAME", &address)]).await;
    assert_eq!(code(started), "UserNotFoundException");

    // Under PreventUserExistenceErrors the stranger signs like anyone else and is refused after.
    let (pool_id, client_id) = wallet_pool(&sdk, json!({}), true, true).await;
    let (session, params) = challenge(&sdk, &client_id, &address).await;
    let refused = answer(&sdk, &client_id, &address, &session, &wallet.personal_sign(&params["MESSAGE"])).await;
    assert_eq!(error(refused), ("NotAuthorizedException".into(), "Incorrect username or password.".into()));
    assert!(sdk.list_users().user_pool_id(&pool_id).send().await.unwrap().users().is_empty());
}

#[tokio::test]
async fn a_mistyped_address_a_disabled_user_and_repeated_forgeries_are_refused() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = wallet_pool(&sdk, json!({}), false, true).await;
    let wallet = WalletKey::generate();
    let address = wallet.address().checksummed();

    // One letter's case changed: the EIP-55 checksum no longer holds.
    let position = address.find(|c: char| c.is_ascii_alphabetic() && c != 'x').unwrap();
    let mut mistyped = address.clone();
    let flipped = mistyped.as_bytes()[position] ^ 0x20;
    mistyped.replace_range(position..=position, &(flipped as char).to_string());
    let (name, text) = error(initiate(&sdk, &client_id, AuthFlowType::CustomAuth, &[("USERNAME", &mistyped)]).await);
    assert_eq!(name, "InvalidParameterException");
    assert!(text.contains("EIP-55"), "{text}");

    // A name that is no address goes to the (absent) custom-auth triggers.
    let other = initiate(&sdk, &client_id, AuthFlowType::CustomAuth, &[("USERNAME", "alice")]).await;
    assert_eq!(code(other), "InvalidUserPoolConfigurationException");

    let (session, params) = challenge(&sdk, &client_id, &address).await;
    answer(&sdk, &client_id, &address, &session, &wallet.personal_sign(&params["MESSAGE"])).await.unwrap();

    // Forged signatures count as failed sign-ins, as wrong passwords do: five lock the user out.
    let stranger = WalletKey::generate();
    for _ in 0..5 {
        let (session, params) = challenge(&sdk, &client_id, &address).await;
        let forged = answer(&sdk, &client_id, &address, &session, &stranger.personal_sign(&params["MESSAGE"])).await;
        assert_eq!(code(forged), "NotAuthorizedException");
    }
    let locked = initiate(&sdk, &client_id, AuthFlowType::CustomAuth, &[("USERNAME", &address)]).await;
    assert_eq!(error(locked).1, "Password attempts exceeded");

    server.clock.advance(15 * 60);
    sdk.admin_disable_user().user_pool_id(&pool_id).username(address.to_lowercase()).send().await.unwrap();
    let disabled = initiate(&sdk, &client_id, AuthFlowType::CustomAuth, &[("USERNAME", &address)]).await;
    assert_eq!(error(disabled), ("NotAuthorizedException".into(), "User is disabled.".into()));
}

#[tokio::test]
async fn update_user_pool_keeps_the_setting_unless_it_is_sent() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = wallet_pool(&sdk, json!({"ChainId": 137}), false, true).await;
    let address = WalletKey::generate().address().checksummed();

    // Terraform, the CLI and the SDKs cannot send the member: their updates leave it on.
    sdk.update_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    let (_, params) = challenge(&sdk, &client_id, &address).await;
    assert_eq!(params["CHAIN_ID"], "137");
    assert_eq!(described_setting(&sdk, &pool_id).await, json!({"Enabled": true, "ChainId": 137}));

    let refused = sdk
        .update_user_pool()
        .user_pool_id(&pool_id)
        .customize()
        .mutate_request(|req| with_member(req, "WalletSignIn", &json!({"Statement": "two\nlines"})))
        .send()
        .await;
    assert_eq!(code(refused), "InvalidParameterException");

    sdk.update_user_pool()
        .user_pool_id(&pool_id)
        .customize()
        .mutate_request(|req| with_member(req, "WalletSignIn", &json!({"Enabled": false})))
        .send()
        .await
        .unwrap();
    let off = initiate(&sdk, &client_id, AuthFlowType::CustomAuth, &[("USERNAME", &address)]).await;
    assert_eq!(code(off), "InvalidUserPoolConfigurationException");
    assert_eq!(described_setting(&sdk, &pool_id).await, Value::Null);
}

#[tokio::test]
async fn a_pool_that_requires_mfa_refuses_wallets_before_they_sign() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = wallet_pool(&sdk, json!({}), false, true).await;
    require_software_token_mfa(&sdk, &pool_id).await;
    let address = WalletKey::generate().address().checksummed();
    let refused = initiate(&sdk, &client_id, AuthFlowType::CustomAuth, &[("USERNAME", &address)]).await;
    assert_eq!(
        error(refused),
        ("NotAuthorizedException".into(), "This user pool requires MFA, which a wallet sign-in cannot give.".into())
    );
}
