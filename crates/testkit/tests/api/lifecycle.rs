//! User and token lifecycle through the AWS SDK for Rust: recovery, sign-out and revocation,
//! disabling, lockout, code caps and auth events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ExplicitAuthFlowsType, PreventUserExistenceErrorTypes};

/// A pool with a confirmed user whose email is verified; returns (pool, client, email).
async fn setup(server: &TestServer) -> (aws_sdk_cognitoidentityprovider::Client, String, String, String) {
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    let email = "lifecycle@example.com".to_owned();
    confirmed_user(server, &sdk, &client_id, &email).await;
    (sdk, pool_id, client_id, email)
}

#[tokio::test]
async fn forgotten_passwords_are_recovered_with_a_single_use_code() {
    let server = TestServer::start().await;
    let (sdk, _, client_id, email) = setup(&server).await;
    let sent = sdk.forgot_password().client_id(&client_id).username(&email).send().await.unwrap();
    let delivery = sent.code_delivery_details().unwrap();
    assert_eq!(delivery.destination(), Some("l***@e***"));
    let message = server.messages().pop().unwrap();
    assert_eq!(message["purpose"], "FORGOT_PASSWORD");
    let code = message["code"].as_str().unwrap().to_owned();
    let confirm = |code: &str, password: &str| {
        sdk.confirm_forgot_password()
            .client_id(&client_id)
            .username(&email)
            .confirmation_code(code)
            .password(password)
            .send()
    };
    let wrong = if code == "000000" { "000001" } else { "000000" };
    assert_eq!(code_of(confirm(wrong, "New-Horse-2").await), "CodeMismatchException");
    assert_eq!(code_of(confirm(&code, "weak").await), "InvalidPasswordException");
    confirm(&code, "New-Horse-2").await.unwrap();
    assert_eq!(code_of(confirm(&code, "Newer-Horse-3").await), "ExpiredCodeException", "a code works once");
    assert_eq!(code_of(sign_in(&sdk, &client_id, &email, PASSWORD).await), "NotAuthorizedException");
    sign_in(&sdk, &client_id, &email, "New-Horse-2").await.unwrap();

    // A code is good for an hour.
    sdk.forgot_password().client_id(&client_id).username(&email).send().await.unwrap();
    let late = server.last_code(&email).unwrap();
    server.clock.advance(3601);
    assert_eq!(code_of(confirm(&late, "Late-Horse-4").await), "ExpiredCodeException");
}

fn code_of<T, E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata>(r: Result<T, E>) -> String {
    code(r)
}

#[tokio::test]
async fn recovery_needs_a_verified_address_and_hides_unknown_users_when_asked() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    sdk.sign_up()
        .client_id(&client_id)
        .username("unverified@example.com")
        .password(PASSWORD)
        .user_attributes(attr("name", "U"))
        .send()
        .await
        .unwrap();
    let (kind, message) =
        error(sdk.forgot_password().client_id(&client_id).username("unverified@example.com").send().await);
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.contains("no registered/verified email"));
    assert_eq!(
        code(sdk.forgot_password().client_id(&client_id).username("ghost@example.com").send().await),
        "UserNotFoundException"
    );
    let quiet = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("quiet")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .send()
        .await
        .unwrap();
    let quiet = quiet.user_pool_client().unwrap().client_id().unwrap().to_owned();
    let simulated = sdk.forgot_password().client_id(&quiet).username("ghost@example.com").send().await.unwrap();
    assert_eq!(simulated.code_delivery_details().unwrap().destination(), Some("g***@e***"));
    let before = server.messages().len();
    let confirm = sdk
        .confirm_forgot_password()
        .client_id(&quiet)
        .username("ghost@example.com")
        .confirmation_code("123456")
        .password("New-Horse-2")
        .send()
        .await;
    assert_eq!(code(confirm), "CodeMismatchException");
    assert_eq!(server.messages().len(), before, "nothing is sent to unknown users");
}

#[tokio::test]
async fn change_password_and_admin_reset() {
    let server = TestServer::start().await;
    let (sdk, pool_id, client_id, email) = setup(&server).await;
    let tokens = sign_in(&sdk, &client_id, &email, PASSWORD).await.unwrap();
    let access = tokens.authentication_result().unwrap().access_token().unwrap().to_owned();
    let change = |old: &str, new: &str| {
        sdk.change_password().access_token(&access).previous_password(old).proposed_password(new).send()
    };
    assert_eq!(
        error(change("Wrong-Horse-9", "Changed-Horse-5").await),
        ("NotAuthorizedException".into(), "Incorrect username or password.".into())
    );
    assert_eq!(code(change(PASSWORD, "short").await), "InvalidPasswordException");
    change(PASSWORD, "Changed-Horse-5").await.unwrap();
    sign_in(&sdk, &client_id, &email, "Changed-Horse-5").await.unwrap();

    sdk.admin_reset_user_password().user_pool_id(&pool_id).username(&email).send().await.unwrap();
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username(&email).send().await.unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "RESET_REQUIRED");
    assert_eq!(
        error(sign_in(&sdk, &client_id, &email, "Changed-Horse-5").await),
        ("PasswordResetRequiredException".into(), "Password reset required for the user".into())
    );
    let code = server.last_code(&email).unwrap();
    sdk.confirm_forgot_password()
        .client_id(&client_id)
        .username(&email)
        .confirmation_code(code)
        .password("Reset-Horse-6")
        .send()
        .await
        .unwrap();
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username(&email).send().await.unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
    sign_in(&sdk, &client_id, &email, "Reset-Horse-6").await.unwrap();
}

#[tokio::test]
async fn sign_out_and_revocation_refuse_old_tokens_everywhere() {
    let server = TestServer::start().await;
    let (sdk, pool_id, client_id, email) = setup(&server).await;
    let session = |r: aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput| {
        let t = r.authentication_result().unwrap();
        (t.access_token().unwrap().to_owned(), t.refresh_token().unwrap().to_owned())
    };
    let refresh = |token: String| {
        sdk.initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", token)
            .send()
    };
    let revoked = ("NotAuthorizedException".to_owned(), "Access Token has been revoked".to_owned());

    // RevokeToken ends one session; the other goes on.
    let (access_a, refresh_a) = session(sign_in(&sdk, &client_id, &email, PASSWORD).await.unwrap());
    let (access_b, refresh_b) = session(sign_in(&sdk, &client_id, &email, PASSWORD).await.unwrap());
    let refreshed_a = refresh(refresh_a.clone()).await.unwrap();
    let access_a2 = refreshed_a.authentication_result().unwrap().access_token().unwrap().to_owned();
    sdk.revoke_token().client_id(&client_id).token(&refresh_a).send().await.unwrap();
    assert_eq!(error(sdk.get_user().access_token(&access_a).send().await), revoked);
    assert_eq!(error(sdk.get_user().access_token(&access_a2).send().await), revoked, "tokens minted by refresh too");
    assert_eq!(
        error(refresh(refresh_a.clone()).await),
        ("NotAuthorizedException".into(), "Refresh Token has been revoked".into())
    );
    sdk.get_user().access_token(&access_b).send().await.unwrap();
    sdk.revoke_token().client_id(&client_id).token("unknown-token").send().await.unwrap();
    assert_eq!(
        code(sdk.revoke_token().client_id(&client_id).token(&access_b).send().await),
        "UnsupportedTokenTypeException"
    );

    // GlobalSignOut ends every session of the user.
    let (access_c, refresh_c) = session(sign_in(&sdk, &client_id, &email, PASSWORD).await.unwrap());
    sdk.global_sign_out().access_token(&access_b).send().await.unwrap();
    for access in [&access_b, &access_c] {
        assert_eq!(error(sdk.get_user().access_token(access).send().await), revoked);
        assert_eq!(
            code(sdk.update_user_attributes().access_token(access).user_attributes(attr("name", "X")).send().await),
            "NotAuthorizedException"
        );
    }
    for token in [refresh_b, refresh_c] {
        assert_eq!(code(refresh(token).await), "NotAuthorizedException");
    }

    // A new sign-in works; the admin can sign the user out too.
    let (access_d, refresh_d) = session(sign_in(&sdk, &client_id, &email, PASSWORD).await.unwrap());
    sdk.get_user().access_token(&access_d).send().await.unwrap();
    sdk.admin_user_global_sign_out().user_pool_id(&pool_id).username(&email).send().await.unwrap();
    assert_eq!(error(sdk.get_user().access_token(&access_d).send().await), revoked);
    assert_eq!(code(refresh(refresh_d).await), "NotAuthorizedException");
}

#[tokio::test]
async fn disabled_users_cannot_sign_in_refresh_or_use_their_tokens() {
    let server = TestServer::start().await;
    let (sdk, pool_id, client_id, email) = setup(&server).await;
    let signed_in = sign_in(&sdk, &client_id, &email, PASSWORD).await.unwrap();
    let tokens = signed_in.authentication_result().unwrap();
    sdk.admin_disable_user().user_pool_id(&pool_id).username(&email).send().await.unwrap();
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username(&email).send().await.unwrap();
    assert!(!user.enabled());
    assert_eq!(
        error(sign_in(&sdk, &client_id, &email, PASSWORD).await),
        ("NotAuthorizedException".into(), "User is disabled.".into())
    );
    assert_eq!(
        code(sdk.get_user().access_token(tokens.access_token().unwrap()).send().await),
        "NotAuthorizedException"
    );
    let refresh = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token().unwrap())
        .send()
        .await;
    assert_eq!(code(refresh), "NotAuthorizedException");
    sdk.admin_enable_user().user_pool_id(&pool_id).username(&email).send().await.unwrap();
    sign_in(&sdk, &client_id, &email, PASSWORD).await.unwrap();

    // DeleteUser: the bearer removes themselves.
    let fresh = sign_in(&sdk, &client_id, &email, PASSWORD).await.unwrap();
    sdk.delete_user()
        .access_token(fresh.authentication_result().unwrap().access_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(sdk.admin_get_user().user_pool_id(&pool_id).username(&email).send().await),
        "UserNotFoundException"
    );
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_on_cognitos_curve() {
    let server = TestServer::start().await;
    let (sdk, pool_id, client_id, email) = setup(&server).await;
    let locked = ("NotAuthorizedException".to_owned(), "Password attempts exceeded".to_owned());
    for _ in 0..5 {
        assert_eq!(
            error(sign_in(&sdk, &client_id, &email, "Wrong-Horse-0").await).1,
            "Incorrect username or password."
        );
    }
    // Locked for 2^0 = 1 second: even the right password is refused.
    assert_eq!(error(sign_in(&sdk, &client_id, &email, PASSWORD).await), locked);
    server.clock.advance(1);
    assert_eq!(error(sign_in(&sdk, &client_id, &email, "Wrong-Horse-0").await).1, "Incorrect username or password.");
    // The 6th failure locks for 2 seconds.
    server.clock.advance(1);
    assert_eq!(error(sign_in(&sdk, &client_id, &email, PASSWORD).await), locked);
    server.clock.advance(1);
    sign_in(&sdk, &client_id, &email, PASSWORD).await.unwrap();
    // Success resets the count: the next failure does not lock.
    assert_eq!(error(sign_in(&sdk, &client_id, &email, "Wrong-Horse-0").await).1, "Incorrect username or password.");
    sign_in(&sdk, &client_id, &email, PASSWORD).await.unwrap();

    // The lock tops out at 15 minutes.
    for _ in 0..20 {
        let _ = sign_in(&sdk, &client_id, &email, "Wrong-Horse-0").await;
        server.clock.advance(900);
    }
    let _ = sign_in(&sdk, &client_id, &email, "Wrong-Horse-0").await;
    server.clock.advance(899);
    assert_eq!(error(sign_in(&sdk, &client_id, &email, PASSWORD).await), locked);
    server.clock.advance(1);
    sign_in(&sdk, &client_id, &email, PASSWORD).await.unwrap();

    // Every attempt is an auth event, newest first.
    let events =
        sdk.admin_list_user_auth_events().user_pool_id(&pool_id).username(&email).max_results(3).send().await.unwrap();
    let events = events.auth_events();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].event_type().unwrap().as_str(), "SignIn");
    assert_eq!(events[0].event_response().unwrap().as_str(), "Pass");
    assert_eq!(events[1].event_response().unwrap().as_str(), "Fail");
    assert_eq!(events[1].challenge_responses()[0].challenge_response().unwrap().as_str(), "Failure");
}

#[tokio::test]
async fn code_requests_are_capped_per_user() {
    let server = TestServer::start().await;
    let (sdk, _, client_id, email) = setup(&server).await;
    for _ in 0..5 {
        sdk.forgot_password().client_id(&client_id).username(&email).send().await.unwrap();
    }
    assert_eq!(
        error(sdk.forgot_password().client_id(&client_id).username(&email).send().await),
        ("LimitExceededException".into(), "Attempt limit exceeded, please try after some time.".into())
    );
    server.clock.advance(3601);
    sdk.forgot_password().client_id(&client_id).username(&email).send().await.unwrap();
}
