//! Sign-up and confirmation through the AWS SDK for Rust: the tutorial's journey and its errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, DeliveryMediumType};

#[tokio::test]
async fn sign_up_confirm_and_sign_in_with_email_as_username() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;

    let signed_up = sdk
        .sign_up()
        .client_id(&client_id)
        .username("Andrew@Example.com")
        .password(PASSWORD)
        .user_attributes(attr("name", "Andrew Brown"))
        .user_attributes(attr("preferred_username", "andrewbrown"))
        .send()
        .await
        .unwrap();
    assert!(!signed_up.user_confirmed());
    let delivery = signed_up.code_delivery_details().unwrap();
    assert_eq!(delivery.delivery_medium(), Some(&DeliveryMediumType::Email));
    assert_eq!(delivery.destination(), Some("A***@E***"));
    assert_eq!(delivery.attribute_name(), Some("email"));

    // Unconfirmed users are told so (with the right password only).
    let before = sign_in(&sdk, &client_id, "Andrew@Example.com", PASSWORD).await;
    assert_eq!(error(before), ("UserNotConfirmedException".into(), "User is not confirmed.".into()));

    let message = server.messages().pop().unwrap();
    assert_eq!(message["pool_id"], pool_id.as_str());
    assert_eq!(message["channel"], "EMAIL");
    assert_eq!(message["purpose"], "SIGN_UP");
    let code = message["code"].as_str().unwrap();
    assert!(message["message"].as_str().unwrap().contains(code));
    sdk.confirm_sign_up()
        .client_id(&client_id)
        .username("Andrew@Example.com")
        .confirmation_code(code)
        .send()
        .await
        .unwrap();

    // The username is generated (the sub); the email signs in, in any case (the SDK default pool
    // is case sensitive, but the email is matched as given).
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("Andrew@Example.com").send().await.unwrap();
    assert_eq!(user.username(), signed_up.user_sub());
    assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
    let attrs: std::collections::HashMap<_, _> =
        user.user_attributes().iter().map(|a| (a.name(), a.value().unwrap_or(""))).collect();
    assert_eq!(attrs["email_verified"], "true");
    assert_eq!(attrs["email"], "Andrew@Example.com");
    assert_eq!(attrs["sub"], signed_up.user_sub());

    let auth = sign_in(&sdk, &client_id, "Andrew@Example.com", PASSWORD).await.unwrap();
    let tokens = auth.authentication_result().unwrap();
    let me = sdk.get_user().access_token(tokens.access_token().unwrap()).send().await.unwrap();
    assert_eq!(me.username(), signed_up.user_sub());
    assert!(me.user_attributes().iter().any(|a| a.name() == "preferred_username" && a.value() == Some("andrewbrown")));
}

#[tokio::test]
async fn sign_up_refuses_duplicates_weak_passwords_and_bad_attributes() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (_, client_id) = email_pool(&sdk).await;
    let sign_up = |username: &str, password: &str| {
        sdk.sign_up()
            .client_id(&client_id)
            .username(username)
            .password(password)
            .user_attributes(attr("name", "N"))
            .send()
    };
    sign_up("dup@example.com", PASSWORD).await.unwrap();
    assert_eq!(
        error(sign_up("dup@example.com", PASSWORD).await),
        ("UsernameExistsException".into(), "An account with the given email already exists.".into())
    );
    assert_eq!(
        error(sign_up("weak@example.com", "short").await),
        ("InvalidPasswordException".into(), "Password did not conform with policy: Password not long enough".into())
    );
    assert_eq!(
        error(sign_up("weak@example.com", "alllowercase1!").await).1,
        "Password did not conform with policy: Password must have uppercase characters"
    );
    assert_eq!(
        error(sign_up("not-an-email", PASSWORD).await),
        ("InvalidParameterException".into(), "Username should be an email.".into())
    );
    // `name` is required by this pool's schema.
    let missing = sdk.sign_up().client_id(&client_id).username("noname@example.com").password(PASSWORD).send().await;
    assert_eq!(code(missing), "InvalidParameterException");
    let unknown = sdk
        .sign_up()
        .client_id(&client_id)
        .username("x@example.com")
        .password(PASSWORD)
        .user_attributes(attr("name", "N"))
        .user_attributes(attr("custom:nope", "1"))
        .send()
        .await;
    assert_eq!(code(unknown), "InvalidParameterException");
    let no_client = sdk.sign_up().client_id("nosuchclient").username("y@example.com").password(PASSWORD).send().await;
    assert_eq!(
        error(no_client),
        ("ResourceNotFoundException".into(), "User pool client nosuchclient does not exist.".into())
    );
    // Nothing was created by the failed attempts.
    assert_eq!(server.messages().len(), 1);
}

#[tokio::test]
async fn confirmation_codes_are_single_use_expire_and_cap_attempts() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (_, client_id) = username_pool(&sdk).await;
    let sign_up = |name: &str| {
        sdk.sign_up()
            .client_id(&client_id)
            .username(name)
            .password(PASSWORD)
            .user_attributes(attr("email", &format!("{name}@example.com")))
            .send()
    };
    let confirm = |name: &str, code: &str| {
        sdk.confirm_sign_up().client_id(&client_id).username(name).confirmation_code(code).send()
    };

    // Wrong code, then the right one, then a replay.
    sign_up("carol").await.unwrap();
    let good = server.last_code("carol").unwrap();
    let wrong = if good == "000000" { "000001" } else { "000000" };
    assert_eq!(
        error(confirm("carol", wrong).await),
        ("CodeMismatchException".into(), "Invalid verification code provided, please try again.".into())
    );
    confirm("carol", &good).await.unwrap();
    assert_eq!(
        error(confirm("carol", &good).await),
        ("NotAuthorizedException".into(), "User cannot be confirmed. Current status is CONFIRMED".into())
    );

    // A code older than 24 hours has expired; a resent one works and replaces the first.
    sign_up("dave").await.unwrap();
    let first = server.last_code("dave").unwrap();
    server.clock.advance(24 * 3600 + 1);
    assert_eq!(code(confirm("dave", &first).await), "ExpiredCodeException");
    let resent = sdk.resend_confirmation_code().client_id(&client_id).username("dave").send().await.unwrap();
    assert_eq!(resent.code_delivery_details().unwrap().destination(), Some("d***@e***"));
    let second = server.last_code("dave").unwrap();
    if first != second {
        assert_eq!(code(confirm("dave", &first).await), "CodeMismatchException");
    }
    confirm("dave", &second).await.unwrap();

    // Five wrong guesses void the code: even the right one is refused afterwards.
    sign_up("erin").await.unwrap();
    let right = server.last_code("erin").unwrap();
    let wrong = if right == "111111" { "222222" } else { "111111" };
    for _ in 0..5 {
        assert_eq!(code(confirm("erin", wrong).await), "CodeMismatchException");
    }
    assert_eq!(code(confirm("erin", &right).await), "LimitExceededException");
    assert_eq!(code(confirm("erin", &right).await), "ExpiredCodeException");

    // Unknown users.
    assert_eq!(code(confirm("nobody", "123456").await), "UserNotFoundException");
    assert_eq!(
        code(sdk.resend_confirmation_code().client_id(&client_id).username("carol").send().await),
        "InvalidParameterException"
    );
}

#[tokio::test]
async fn clients_with_a_secret_require_the_secret_hash() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = username_pool(&sdk).await;
    let created = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("backend")
        .generate_secret(true)
        .explicit_auth_flows(aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let client = created.user_pool_client().unwrap();
    let (client_id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    assert_eq!(secret.len(), 51);

    let without = sdk.sign_up().client_id(client_id).username("frank").password(PASSWORD).send().await;
    assert_eq!(
        error(without),
        (
            "NotAuthorizedException".into(),
            format!("Client {client_id} is configured for secret but secret was not received")
        )
    );
    let wrong =
        sdk.sign_up().client_id(client_id).secret_hash("bm9wZQ==").username("frank").password(PASSWORD).send().await;
    assert_eq!(
        error(wrong),
        ("NotAuthorizedException".into(), format!("Unable to verify secret hash for client {client_id}"))
    );

    let hash = cognate_crypto::mac::secret_hash(secret, "frank", client_id);
    sdk.sign_up()
        .client_id(client_id)
        .secret_hash(&hash)
        .username("frank")
        .password(PASSWORD)
        .user_attributes(attr("email", "frank@example.com"))
        .send()
        .await
        .unwrap();
    let frank_code = server.last_code("frank").unwrap();
    sdk.confirm_sign_up()
        .client_id(client_id)
        .secret_hash(&hash)
        .username("frank")
        .confirmation_code(frank_code)
        .send()
        .await
        .unwrap();
    let auth = sdk
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "frank")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", &hash)
        .send()
        .await
        .unwrap();
    let refresh = auth.authentication_result().unwrap().refresh_token().unwrap();
    let refreshed = sdk
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", refresh)
        .auth_parameters("SECRET_HASH", &hash)
        .send()
        .await
        .unwrap();
    assert!(refreshed.authentication_result().unwrap().access_token().is_some());
    let plain = sdk
        .get_tokens_from_refresh_token()
        .client_id(client_id)
        .client_secret(secret)
        .refresh_token(refresh)
        .send()
        .await;
    assert!(plain.unwrap().authentication_result().unwrap().id_token().is_some());
    let bad = sdk
        .get_tokens_from_refresh_token()
        .client_id(client_id)
        .client_secret("wrong".repeat(6))
        .refresh_token(refresh)
        .send()
        .await;
    assert_eq!(code(bad), "NotAuthorizedException");
}

#[tokio::test]
async fn usernames_follow_the_pools_case_sensitivity() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let insensitive = sdk
        .create_user_pool()
        .pool_name("ci")
        .username_configuration(
            aws_sdk_cognitoidentityprovider::types::UsernameConfigurationType::builder()
                .case_sensitive(false)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let insensitive = insensitive.user_pool().unwrap().id().unwrap().to_owned();
    let (sensitive, _) = username_pool(&sdk).await;
    for pool in [&insensitive, &sensitive] {
        sdk.admin_create_user()
            .user_pool_id(pool)
            .username("Grace")
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
    }
    assert!(sdk.admin_get_user().user_pool_id(&insensitive).username("GRACE").send().await.is_ok());
    assert_eq!(
        code(sdk.admin_get_user().user_pool_id(&sensitive).username("GRACE").send().await),
        "UserNotFoundException"
    );
    assert_eq!(
        code(sdk.admin_create_user().user_pool_id(&insensitive).username("grace").send().await),
        "UsernameExistsException"
    );
}
