//! SRP sign-in (USER_SRP_AUTH → PASSWORD_VERIFIER) through the AWS SDK for Rust, with Cognate's
//! client half doing what Amplify and amazon-cognito-identity-js do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cognate_crypto::srp::{claim_signature, timestamp, ClientSession};

struct Proof {
    username: String,
    secret_block: String,
    signature: String,
    timestamp: String,
}

/// Runs the client's side of SRP: A, then the proof for the server's challenge.
async fn srp_sign_in(
    server: &TestServer,
    sdk: &aws_sdk_cognitoidentityprovider::Client,
    pool_id: &str,
    client_id: &str,
    username: &str,
    password: &str,
) -> (
    Result<aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput, String>,
    Proof,
) {
    let client = ClientSession::start([0x42; 128]);
    let challenge = sdk
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("SRP_A", hex::encode(&client.public_a))
        .send()
        .await
        .unwrap();
    assert_eq!(challenge.challenge_name(), Some(&ChallengeNameType::PasswordVerifier));
    let p = challenge.challenge_parameters().unwrap();
    let user_id = p["USER_ID_FOR_SRP"].clone();
    let decode = |h: &str| hex::decode(if h.len() % 2 == 1 { format!("0{h}") } else { h.to_owned() }).unwrap();
    let pool_name = pool_id.split_once('_').unwrap().1;
    let key = client.key(&decode(&p["SRP_B"]), &decode(&p["SALT"]), pool_name, &user_id, password).unwrap();
    let now = timestamp(server.clock.now_seconds());
    let block = B64.decode(&p["SECRET_BLOCK"]).unwrap();
    let proof = Proof {
        username: p["USERNAME"].clone(),
        secret_block: p["SECRET_BLOCK"].clone(),
        signature: B64.encode(claim_signature(&key, pool_name, &user_id, &block, &now)),
        timestamp: now,
    };
    let answer = respond(sdk, client_id, &proof).await;
    (answer, proof)
}

async fn respond(
    sdk: &aws_sdk_cognitoidentityprovider::Client,
    client_id: &str,
    proof: &Proof,
) -> Result<aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput, String>
{
    sdk.respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", &proof.username)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &proof.secret_block)
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", &proof.signature)
        .challenge_responses("TIMESTAMP", &proof.timestamp)
        .send()
        .await
        .map_err(|e| {
            use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
            format!("{}: {}", e.code().unwrap_or(""), e.message().unwrap_or(""))
        })
}

#[tokio::test]
async fn srp_sign_in_proves_the_password_without_sending_it() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = email_pool(&sdk).await;
    let client_id = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("amplify")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let client_id = client_id.user_pool_client().unwrap().client_id().unwrap().to_owned();
    confirmed_user(&server, &sdk, &client_id, "srp@example.com").await;

    let (answer, proof) = srp_sign_in(&server, &sdk, &pool_id, &client_id, "srp@example.com", PASSWORD).await;
    let tokens = answer.unwrap();
    let id = jwt_claims(tokens.authentication_result().unwrap().id_token().unwrap());
    assert_eq!(id["email"], "srp@example.com");
    assert_eq!(
        id["cognito:username"].as_str().unwrap(),
        proof.username,
        "email pools use the internal username for SRP"
    );
    assert_eq!(
        respond(&sdk, &client_id, &proof).await.unwrap_err(),
        "NotAuthorizedException: Incorrect username or password.",
        "a proof works once"
    );

    let (wrong, _) = srp_sign_in(&server, &sdk, &pool_id, &client_id, "srp@example.com", "Wrong-Horse-1").await;
    assert_eq!(wrong.unwrap_err(), "NotAuthorizedException: Incorrect username or password.");
    let events =
        sdk.admin_list_user_auth_events().user_pool_id(&pool_id).username("srp@example.com").send().await.unwrap();
    assert_eq!(events.auth_events()[0].event_response().unwrap().as_str(), "Fail", "a wrong proof is a failed sign-in");

    // A ≡ 0 (mod N) is refused; so is a timestamp far from now.
    let zero = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "srp@example.com")
        .auth_parameters("SRP_A", "0")
        .send()
        .await
        .unwrap();
    let p = zero.challenge_parameters().unwrap();
    let forged = Proof {
        username: p["USERNAME"].clone(),
        secret_block: p["SECRET_BLOCK"].clone(),
        signature: B64.encode([0u8; 32]),
        timestamp: timestamp(server.clock.now_seconds()),
    };
    assert!(respond(&sdk, &client_id, &forged).await.unwrap_err().starts_with("InvalidParameterException"));

    // The password flow is not enabled for this client, SRP is.
    assert_eq!(code(sign_in(&sdk, &client_id, "srp@example.com", PASSWORD).await), "InvalidParameterException");
}

#[tokio::test]
async fn every_way_of_setting_a_password_makes_a_verifier() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = username_pool(&sdk).await;
    // AdminCreateUser + NEW_PASSWORD_REQUIRED after SRP; then AdminSetUserPassword; then recovery.
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("sam")
        .temporary_password("Temp-Horse-1")
        .user_attributes(attr("email", "sam@example.com"))
        .user_attributes(attr("email_verified", "true"))
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let client = ClientSession::start([9; 128]);
    let start = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "sam")
        .auth_parameters("SRP_A", hex::encode(&client.public_a))
        .send()
        .await;
    // username_pool's client allows only password and refresh flows.
    assert_eq!(code(start), "InvalidParameterException");
    let srp_client = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("srp")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let srp_client = srp_client.user_pool_client().unwrap().client_id().unwrap().to_owned();
    let (answer, proof) = srp_sign_in(&server, &sdk, &pool_id, &srp_client, "sam", "Temp-Horse-1").await;
    let answer = answer.unwrap();
    assert_eq!(answer.challenge_name(), Some(&ChallengeNameType::NewPasswordRequired));
    sdk.respond_to_auth_challenge()
        .client_id(&srp_client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(answer.session().unwrap())
        .challenge_responses("USERNAME", &proof.username)
        .challenge_responses("NEW_PASSWORD", "Chosen-Horse-2")
        .send()
        .await
        .unwrap();
    assert!(srp_sign_in(&server, &sdk, &pool_id, &srp_client, "sam", "Chosen-Horse-2").await.0.is_ok());
    sdk.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("sam")
        .password("Admin-Horse-3")
        .permanent(true)
        .send()
        .await
        .unwrap();
    assert!(srp_sign_in(&server, &sdk, &pool_id, &srp_client, "sam", "Admin-Horse-3").await.0.is_ok());
    assert!(srp_sign_in(&server, &sdk, &pool_id, &srp_client, "sam", "Chosen-Horse-2").await.0.is_err());
    sdk.forgot_password().client_id(&srp_client).username("sam").send().await.unwrap();
    let code_sent = server.last_code("sam@example.com").unwrap();
    sdk.confirm_forgot_password()
        .client_id(&srp_client)
        .username("sam")
        .confirmation_code(code_sent)
        .password("Recovered-Horse-4")
        .send()
        .await
        .unwrap();
    assert!(srp_sign_in(&server, &sdk, &pool_id, &srp_client, "sam", "Recovered-Horse-4").await.0.is_ok());
}
