//! Choice-based sign-in (USER_AUTH) through the AWS SDK for Rust: the pool's SignInPolicy,
//! SELECT_CHALLENGE with the factors a user can complete, a password answered in the same
//! request (and retried on the same session), passwordless codes by email and text message, a
//! preference, GetUserAuthFactors — and what is refused: a client without ALLOW_USER_AUTH, a
//! factor not offered, a replayed session, codes where MFA is required.
use crate::common::*;
use crate::mfa::answer;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFactorType, AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, SmsConfigurationType, UserPoolMfaType,
};
use aws_sdk_cognitoidentityprovider::Client;

const PHONE: &str = "+15555550177";

/// A pool allowing a password, email codes and text codes first, SMS set up, and a client that
/// allows USER_AUTH.
async fn choice_pool(sdk: &Client) -> (String, String) {
    let pool = sdk
        .create_user_pool()
        .pool_name("choice")
        .username_attributes(aws_sdk_cognitoidentityprovider::types::UsernameAttributeType::Email)
        .auto_verified_attributes(aws_sdk_cognitoidentityprovider::types::VerifiedAttributeType::Email)
        .policies(first_factors(&[AuthFactorType::Password, AuthFactorType::EmailOtp, AuthFactorType::SmsOtp]))
        .sms_configuration(SmsConfigurationType::builder().sns_caller_arn("arn:aws:iam::000000000000:role/sms").build())
        .send()
        .await
        .unwrap();
    let pool_id = pool.user_pool().unwrap().id().unwrap().to_owned();
    let flows = [ExplicitAuthFlowsType::AllowUserAuth, ExplicitAuthFlowsType::AllowRefreshTokenAuth];
    (pool_id.clone(), client_id(client_with_flows(sdk, &pool_id, &flows).send().await.unwrap()))
}

async fn user_auth(
    sdk: &Client,
    client_id: &str,
    username: &str,
    more: &[(&str, &str)],
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
    >,
> {
    let mut parameters = vec![("USERNAME", username)];
    parameters.extend_from_slice(more);
    initiate(sdk, client_id, AuthFlowType::UserAuth, &parameters).await
}

/// A confirmed user with a verified email and a verified phone number.
async fn reachable_user(server: &TestServer, sdk: &Client, pool_id: &str, client_id: &str, email: &str) {
    sdk.sign_up()
        .client_id(client_id)
        .username(email)
        .password(PASSWORD)
        .user_attributes(attr("email", email))
        .send()
        .await
        .unwrap();
    let code = server.last_code(email).unwrap();
    sdk.confirm_sign_up().client_id(client_id).username(email).confirmation_code(code).send().await.unwrap();
    sdk.admin_update_user_attributes()
        .user_pool_id(pool_id)
        .username(email)
        .user_attributes(attr("phone_number", PHONE))
        .user_attributes(attr("phone_number_verified", "true"))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_user_chooses_how_to_sign_in_and_codes_alone_sign_them_in() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = choice_pool(&sdk).await;
    let described = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    let policy = described.user_pool().unwrap().policies().unwrap().sign_in_policy().unwrap();
    assert_eq!(
        policy.allowed_first_auth_factors(),
        [AuthFactorType::Password, AuthFactorType::EmailOtp, AuthFactorType::SmsOtp]
    );
    let email = "choice@example.com";
    reachable_user(&server, &sdk, &pool_id, &client_id, email).await;

    // No preference: the choice, among what this user can complete.
    let select = user_auth(&sdk, &client_id, email, &[]).await.unwrap();
    assert_eq!(select.challenge_name(), Some(&ChallengeNameType::SelectChallenge));
    assert_eq!(
        select.available_challenges(),
        [
            ChallengeNameType::Password,
            ChallengeNameType::PasswordSrp,
            ChallengeNameType::EmailOtp,
            ChallengeNameType::SmsOtp
        ]
    );
    let session = select.session().unwrap().to_owned();
    let not_offered = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SelectChallenge,
        &session,
        &[("USERNAME", email), ("ANSWER", "WEB_AUTHN")],
    )
    .await;
    assert_eq!(code(not_offered), "InvalidParameterException");
    // The password in the same request; a wrong one keeps the session for the retry.
    let wrong = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SelectChallenge,
        &session,
        &[("USERNAME", email), ("ANSWER", "PASSWORD"), ("PASSWORD", "Wrong-Horse-9")],
    )
    .await;
    assert_eq!(error(wrong), ("NotAuthorizedException".into(), "Incorrect username or password.".into()));
    let done = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SelectChallenge,
        &session,
        &[("USERNAME", email), ("ANSWER", "PASSWORD"), ("PASSWORD", PASSWORD)],
    )
    .await
    .unwrap();
    let access = done.authentication_result().unwrap().access_token().unwrap().to_owned();
    assert_eq!(jwt_claims(&access)["username"].as_str().map(str::len), Some(36));
    let replay = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SelectChallenge,
        &session,
        &[("USERNAME", email), ("ANSWER", "PASSWORD"), ("PASSWORD", PASSWORD)],
    )
    .await;
    assert_eq!(code(replay), "NotAuthorizedException", "the choice's session works once");
    let factors = sdk.get_user_auth_factors().access_token(&access).send().await.unwrap();
    assert_eq!(
        factors.configured_user_auth_factors(),
        [AuthFactorType::Password, AuthFactorType::EmailOtp, AuthFactorType::SmsOtp]
    );

    // Preferred: an email code, sent at once; a wrong code is retried on the same session.
    let emailed = user_auth(&sdk, &client_id, email, &[("PREFERRED_CHALLENGE", "EMAIL_OTP")]).await.unwrap();
    assert_eq!(emailed.challenge_name(), Some(&ChallengeNameType::EmailOtp));
    let p = emailed.challenge_parameters().unwrap();
    assert_eq!(
        (p["CODE_DELIVERY_DELIVERY_MEDIUM"].as_str(), p["CODE_DELIVERY_DESTINATION"].as_str()),
        ("EMAIL", "c***@e***")
    );
    let username = p["USER_ID_FOR_SRP"].clone();
    let session = emailed.session().unwrap();
    let wrong = answer(
        &sdk,
        &client_id,
        ChallengeNameType::EmailOtp,
        session,
        &[("USERNAME", &username), ("EMAIL_OTP_CODE", "000000")],
    )
    .await;
    assert_eq!(code(wrong), "CodeMismatchException");
    let code_sent = server.last_code(email).unwrap();
    let by_email = answer(
        &sdk,
        &client_id,
        ChallengeNameType::EmailOtp,
        session,
        &[("USERNAME", &username), ("EMAIL_OTP_CODE", &code_sent)],
    )
    .await
    .unwrap();
    assert!(by_email.authentication_result().unwrap().refresh_token().is_some(), "a code alone signs in");

    // Chosen: a text.
    let select = user_auth(&sdk, &client_id, email, &[("PREFERRED_CHALLENGE", "WEB_AUTHN")]).await.unwrap();
    assert_eq!(select.challenge_name(), Some(&ChallengeNameType::SelectChallenge), "no passkey: the choice instead");
    let texted = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SelectChallenge,
        select.session().unwrap(),
        &[("USERNAME", email), ("ANSWER", "SMS_OTP")],
    )
    .await
    .unwrap();
    assert_eq!(texted.challenge_name(), Some(&ChallengeNameType::SmsOtp));
    let by_text = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SmsOtp,
        texted.session().unwrap(),
        &[("USERNAME", &username), ("SMS_OTP_CODE", &server.last_code(PHONE).unwrap())],
    )
    .await
    .unwrap();
    assert!(by_text.authentication_result().is_some());

    // The admin twin, with a password preferred.
    let admin = sdk
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PREFERRED_CHALLENGE", "PASSWORD")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    assert!(admin.authentication_result().is_some());
}

#[tokio::test]
async fn what_user_auth_refuses() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = choice_pool(&sdk).await;
    let email = "refused@example.com";
    reachable_user(&server, &sdk, &pool_id, &client_id, email).await;

    // A client that does not allow the flow; an unknown first factor.
    let password_client = public_client(&sdk, &pool_id).await;
    assert_eq!(code(user_auth(&sdk, &password_client, email, &[]).await), "InvalidParameterException");
    assert_eq!(
        code(user_auth(&sdk, &client_id, email, &[("PREFERRED_CHALLENGE", "CARRIER_PIGEON")]).await),
        "InvalidParameterException"
    );
    assert_eq!(code(user_auth(&sdk, &client_id, "nobody@example.com", &[]).await), "UserNotFoundException");

    // Where every sign-in needs a second factor, a code is not offered as the first.
    sdk.set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .software_token_mfa_configuration(
            aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap();
    let select = user_auth(&sdk, &client_id, email, &[("PREFERRED_CHALLENGE", "EMAIL_OTP")]).await.unwrap();
    assert_eq!(select.challenge_name(), Some(&ChallengeNameType::SelectChallenge));
    assert_eq!(select.available_challenges(), [ChallengeNameType::Password, ChallengeNameType::PasswordSrp]);
    let mfa = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SelectChallenge,
        select.session().unwrap(),
        &[("USERNAME", email), ("ANSWER", "PASSWORD"), ("PASSWORD", PASSWORD)],
    )
    .await
    .unwrap();
    assert_eq!(mfa.challenge_name(), Some(&ChallengeNameType::SmsMfa), "the password is followed by MFA");
}

#[tokio::test]
async fn the_session_of_sign_up_signs_the_confirmed_user_in_once() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = choice_pool(&sdk).await;
    let email = "newcomer@example.com";
    let signed_up = sdk
        .sign_up()
        .client_id(&client_id)
        .username(email)
        .password(PASSWORD)
        .user_attributes(attr("email", email))
        .send()
        .await
        .unwrap();
    let first = signed_up.session().expect("SignUp's session").to_owned();
    let with_session = |session: String| {
        sdk.initiate_auth()
            .client_id(&client_id)
            .auth_flow(AuthFlowType::UserAuth)
            .auth_parameters("USERNAME", email)
            .session(session)
            .send()
    };
    assert_eq!(code(with_session(first.clone()).await), "UserNotConfirmedException", "not confirmed yet");

    // ConfirmSignUp checks the session it is given and gives one that signs in, once.
    let code_sent = server.last_code(email).unwrap();
    let bad = sdk
        .confirm_sign_up()
        .client_id(&client_id)
        .username(email)
        .confirmation_code(&code_sent)
        .session("x".repeat(40));
    assert_eq!(code(bad.send().await), "NotAuthorizedException");
    let confirmed = sdk
        .confirm_sign_up()
        .client_id(&client_id)
        .username(email)
        .confirmation_code(code_sent)
        .session(&first)
        .send()
        .await
        .unwrap();
    let session = confirmed.session().expect("ConfirmSignUp's session").to_owned();
    let other_client = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("other")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserAuth)
        .send()
        .await
        .unwrap();
    let other = other_client.user_pool_client().unwrap().client_id().unwrap();
    let elsewhere = sdk
        .initiate_auth()
        .client_id(other)
        .auth_flow(AuthFlowType::UserAuth)
        .auth_parameters("USERNAME", email)
        .session(&session)
        .send()
        .await;
    assert_eq!(code(elsewhere), "NotAuthorizedException", "another client's");
    let done = with_session(session.clone()).await.unwrap();
    let tokens = done.authentication_result().expect("signed in at once");
    assert_eq!(jwt_claims(tokens.id_token().unwrap())["email"], email);
    assert_eq!(code(with_session(session).await), "NotAuthorizedException", "used once");

    // A client without USER_AUTH gets no session.
    let plain = public_client(&sdk, &pool_id).await;
    let other_user = sdk
        .sign_up()
        .client_id(&plain)
        .username("plain@example.com")
        .password(PASSWORD)
        .user_attributes(attr("email", "plain@example.com"))
        .send()
        .await
        .unwrap();
    assert!(other_user.session().is_none());
}
