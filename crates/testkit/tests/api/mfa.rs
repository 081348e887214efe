//! Multi-factor authentication through the AWS SDK for Rust: the pool's MFA configuration,
//! software tokens (RFC 6238 codes made here from the secret the server gave), preferences, the
//! SMS_MFA / SOFTWARE_TOKEN_MFA / EMAIL_OTP / SELECT_MFA_TYPE / MFA_SETUP challenges in the
//! password and admin flows and on the hosted pages — and the attacks: a replayed code, a
//! session reused or carried to another user, brute force of the six digits.
use std::collections::HashMap;

use crate::common::*;
use crate::hosted::{authorize_path, field, form_action, hosted_pool, query_param, Browser, CALLBACK};
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, EmailMfaConfigType, SmsConfigurationType, SmsMfaConfigType, SmsMfaSettingsType,
    SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType, UserPoolMfaType, VerifySoftwareTokenResponseType,
};
use aws_sdk_cognitoidentityprovider::Client;
use cognate_crypto::totp;
use cognate_domain::Clock;

const PHONE: &str = "+15555550100";

/// The current code of a base32 secret, by the server's clock.
pub(crate) fn code_now(server: &TestServer, secret: &str) -> String {
    let bytes = totp::decode_secret(secret).unwrap();
    totp::code_for_step(&bytes, totp::step_at(server.clock.now()))
}

fn sms_configuration() -> SmsConfigurationType {
    SmsConfigurationType::builder().sns_caller_arn("arn:aws:iam::000000000000:role/sms").build()
}

/// Turns MFA on for a pool with the given mode and every factor.
async fn all_factors(sdk: &Client, pool_id: &str, mode: UserPoolMfaType) {
    sdk.set_user_pool_mfa_config()
        .user_pool_id(pool_id)
        .sms_mfa_configuration(
            SmsMfaConfigType::builder()
                .sms_authentication_message("Your Cruddur code is {####}")
                .sms_configuration(sms_configuration())
                .build(),
        )
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
        .email_mfa_configuration(EmailMfaConfigType::builder().message("Sign-in code: {####}").subject("Code").build())
        .mfa_configuration(mode)
        .send()
        .await
        .unwrap();
}

/// Signs a user in and sets up a software token for them with their access token: the secret.
pub(crate) async fn set_up_totp(server: &TestServer, sdk: &Client, client_id: &str, email: &str) -> String {
    let signed_in = sign_in(sdk, client_id, email, PASSWORD).await.unwrap();
    let access = signed_in.authentication_result().unwrap().access_token().unwrap().to_owned();
    let secret = sdk.associate_software_token().access_token(&access).send().await.unwrap().secret_code.unwrap();
    assert_eq!(secret.len(), 52);
    let verified = sdk
        .verify_software_token()
        .access_token(&access)
        .user_code(code_now(server, &secret))
        .friendly_device_name("phone")
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), Some(&VerifySoftwareTokenResponseType::Success));
    sdk.set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .unwrap();
    // Its first code was spent verifying it: the sign-ins below use the next one.
    server.clock.advance(30);
    secret
}

pub(crate) async fn answer(
    sdk: &Client,
    client_id: &str,
    challenge: ChallengeNameType,
    session: &str,
    responses: &[(&str, &str)],
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeError,
    >,
> {
    let mut request = sdk.respond_to_auth_challenge().client_id(client_id).challenge_name(challenge).session(session);
    for (name, value) in responses {
        request = request.challenge_responses(*name, *value);
    }
    request.send().await
}

#[tokio::test]
async fn the_pool_configuration_round_trips_and_a_setting_that_cannot_work_is_refused() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = email_pool(&sdk).await;

    let off = sdk.get_user_pool_mfa_config().user_pool_id(&pool_id).send().await.unwrap();
    assert_eq!(off.mfa_configuration(), Some(&UserPoolMfaType::Off));
    let refused =
        sdk.set_user_pool_mfa_config().user_pool_id(&pool_id).mfa_configuration(UserPoolMfaType::On).send().await;
    assert_eq!(code(refused), "InvalidParameterException", "ON with no factor would lock everyone out");
    let no_placeholder = sdk
        .set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .sms_mfa_configuration(
            SmsMfaConfigType::builder()
                .sms_authentication_message("no code here")
                .sms_configuration(sms_configuration())
                .build(),
        )
        .send()
        .await;
    assert_eq!(code(no_placeholder), "InvalidParameterException");

    all_factors(&sdk, &pool_id, UserPoolMfaType::Optional).await;
    let got = sdk.get_user_pool_mfa_config().user_pool_id(&pool_id).send().await.unwrap();
    assert_eq!(got.mfa_configuration(), Some(&UserPoolMfaType::Optional));
    assert!(got.software_token_mfa_configuration().unwrap().enabled());
    let sms = got.sms_mfa_configuration().unwrap();
    assert_eq!(sms.sms_authentication_message(), Some("Your Cruddur code is {####}"));
    assert_eq!(sms.sms_configuration().unwrap().sns_caller_arn(), "arn:aws:iam::000000000000:role/sms");
    assert_eq!(got.email_mfa_configuration().unwrap().subject(), Some("Code"));
    let described = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    assert_eq!(described.user_pool().unwrap().mfa_configuration(), Some(&UserPoolMfaType::Optional));

    // UpdateUserPool has no software-token member: the token configuration survives it.
    sdk.update_user_pool().user_pool_id(&pool_id).mfa_configuration(UserPoolMfaType::On).send().await.unwrap();
    let after = sdk.get_user_pool_mfa_config().user_pool_id(&pool_id).send().await.unwrap();
    assert_eq!(after.mfa_configuration(), Some(&UserPoolMfaType::On));
    assert!(after.software_token_mfa_configuration().unwrap().enabled());
    assert!(after.sms_mfa_configuration().is_none(), "UpdateUserPool without SmsConfiguration drops SMS");
}

#[tokio::test]
async fn a_software_token_is_set_up_then_asked_for_and_each_code_works_once() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    confirmed_user(&server, &sdk, &client_id, "totp@example.com").await;

    // Without TOTP in the pool there is nothing to associate.
    let first = sign_in(&sdk, &client_id, "totp@example.com", PASSWORD).await.unwrap();
    let access = first.authentication_result().unwrap().access_token().unwrap().to_owned();
    let (kind, message) = error(sdk.associate_software_token().access_token(&access).send().await);
    assert_eq!(
        (kind.as_str(), message.as_str()),
        ("SoftwareTokenMFANotFoundException", "Software Token MFA has not been enabled by the userPool.")
    );

    all_factors(&sdk, &pool_id, UserPoolMfaType::Optional).await;
    let early = sdk
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).build())
        .send()
        .await;
    assert_eq!(error(early).1, "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA");
    let secret = sdk.associate_software_token().access_token(&access).send().await.unwrap().secret_code.unwrap();
    let wrong = sdk.verify_software_token().access_token(&access).user_code("000000").send().await;
    assert_eq!(code(wrong), "EnableSoftwareTokenMFAException");
    sdk.verify_software_token().access_token(&access).user_code(code_now(&server, &secret)).send().await.unwrap();
    let user = sdk.get_user().access_token(&access).send().await.unwrap();
    assert!(user.user_mfa_setting_list().is_empty(), "verified, not yet turned on");
    sdk.set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .unwrap();
    let user = sdk.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(user.preferred_mfa_setting(), Some("SOFTWARE_TOKEN_MFA"));
    assert_eq!(user.user_mfa_setting_list(), ["SOFTWARE_TOKEN_MFA"]);
    let admin_view = sdk.admin_get_user().user_pool_id(&pool_id).username("totp@example.com").send().await.unwrap();
    assert_eq!(admin_view.preferred_mfa_setting(), Some("SOFTWARE_TOKEN_MFA"));
    let factors = sdk.get_user_auth_factors().access_token(&access).send().await.unwrap();
    assert_eq!(factors.user_mfa_setting_list(), ["SOFTWARE_TOKEN_MFA"]);
    assert_eq!(factors.configured_user_auth_factors().iter().map(|f| f.as_str()).collect::<Vec<_>>(), ["PASSWORD"]);

    // The code that verified the token does not also sign in.
    let challenged = sign_in(&sdk, &client_id, "totp@example.com", PASSWORD).await.unwrap();
    assert_eq!(challenged.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa));
    assert!(challenged.authentication_result().is_none());
    let session = challenged.session().unwrap().to_owned();
    let username = challenged.challenge_parameters().unwrap()["USER_ID_FOR_SRP"].clone();
    let spent = code_now(&server, &secret);
    let replay = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        &session,
        &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", &spent)],
    )
    .await;
    assert_eq!(error(replay), ("CodeMismatchException".into(), "Invalid code or auth state for the user.".into()));

    // The next step's code works, with the same session (a wrong code did not spend it).
    server.clock.advance(30);
    let fresh = code_now(&server, &secret);
    let done = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        &session,
        &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", &fresh)],
    )
    .await
    .unwrap();
    let tokens = done.authentication_result().unwrap();
    let claims = jwt_claims(tokens.access_token().unwrap());
    assert_eq!(claims["username"], username.as_str());
    let again = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        &session,
        &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", &fresh)],
    )
    .await;
    assert_eq!(code(again), "NotAuthorizedException", "a session answers once");

    // The same code in a new sign-in within its window is a replay.
    let next = sign_in(&sdk, &client_id, "totp@example.com", PASSWORD).await.unwrap();
    let replayed = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        next.session().unwrap(),
        &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", &fresh)],
    )
    .await;
    assert_eq!(code(replayed), "CodeMismatchException");

    let events =
        sdk.admin_list_user_auth_events().user_pool_id(&pool_id).username("totp@example.com").send().await.unwrap();
    let passed = events
        .auth_events()
        .iter()
        .find(|e| e.event_response().map(|r| r.as_str()) == Some("Pass") && e.challenge_responses().len() == 2);
    assert!(passed.is_some(), "the MFA sign-in is recorded with its two factors");
}

#[tokio::test]
async fn guessing_the_six_digits_locks_the_account_and_a_known_password_does_not_reset_it() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    all_factors(&sdk, &pool_id, UserPoolMfaType::Optional).await;
    confirmed_user(&server, &sdk, &client_id, "guess@example.com").await;
    let secret = set_up_totp(&server, &sdk, &client_id, "guess@example.com").await;

    let challenged = sign_in(&sdk, &client_id, "guess@example.com", PASSWORD).await.unwrap();
    let session = challenged.session().unwrap().to_owned();
    let username = challenged.challenge_parameters().unwrap()["USER_ID_FOR_SRP"].clone();
    let right = code_now(&server, &secret);
    let wrong = if right == "123456" { "654321" } else { "123456" };
    for _ in 0..5 {
        let guess = answer(
            &sdk,
            &client_id,
            ChallengeNameType::SoftwareTokenMfa,
            &session,
            &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", wrong)],
        )
        .await;
        assert_eq!(code(guess), "CodeMismatchException");
    }
    let locked = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        &session,
        &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", &right)],
    )
    .await;
    assert_eq!(error(locked).1, "Password attempts exceeded", "even the right code waits out the lock");
    let password_again = sign_in(&sdk, &client_id, "guess@example.com", PASSWORD).await;
    assert_eq!(error(password_again).1, "Password attempts exceeded");

    // After the lock, a right password does not clear the count: one more wrong code doubles it.
    server.clock.advance(2);
    let retry = sign_in(&sdk, &client_id, "guess@example.com", PASSWORD).await.unwrap();
    let session = retry.session().unwrap().to_owned();
    let guess = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        &session,
        &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", wrong)],
    )
    .await;
    assert_eq!(code(guess), "CodeMismatchException");
    let still = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        &session,
        &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", &right)],
    )
    .await;
    assert_eq!(error(still).1, "Password attempts exceeded");
    server.clock.advance(3);
    let fine = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        &session,
        &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", &code_now(&server, &secret))],
    )
    .await;
    assert!(fine.unwrap().authentication_result().is_some());
}

#[tokio::test]
async fn a_session_names_one_user_and_an_expired_one_is_refused() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    all_factors(&sdk, &pool_id, UserPoolMfaType::Optional).await;
    confirmed_user(&server, &sdk, &client_id, "ann@example.com").await;
    confirmed_user(&server, &sdk, &client_id, "bob@example.com").await;
    let ann_secret = set_up_totp(&server, &sdk, &client_id, "ann@example.com").await;
    set_up_totp(&server, &sdk, &client_id, "bob@example.com").await;

    let bob = sign_in(&sdk, &client_id, "bob@example.com", PASSWORD).await.unwrap();
    let ann_code = code_now(&server, &ann_secret);
    let crossed = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        bob.session().unwrap(),
        &[("USERNAME", "ann@example.com"), ("SOFTWARE_TOKEN_MFA_CODE", &ann_code)],
    )
    .await;
    assert_eq!(error(crossed), ("NotAuthorizedException".into(), "Invalid session for the user.".into()));
    let other_challenge = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SmsMfa,
        bob.session().unwrap(),
        &[("USERNAME", "bob@example.com"), ("SMS_MFA_CODE", "123456")],
    )
    .await;
    assert_eq!(code(other_challenge), "NotAuthorizedException");

    let ann = sign_in(&sdk, &client_id, "ann@example.com", PASSWORD).await.unwrap();
    server.clock.advance(3 * 60 + 1);
    let late = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        ann.session().unwrap(),
        &[("USERNAME", "ann@example.com"), ("SOFTWARE_TOKEN_MFA_CODE", &code_now(&server, &ann_secret))],
    )
    .await;
    assert_eq!(error(late).1, "Invalid session for the user, session is expired.");
}

#[tokio::test]
async fn sms_and_email_codes_are_sent_masked_and_prove_the_destination() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    all_factors(&sdk, &pool_id, UserPoolMfaType::Optional).await;
    confirmed_user(&server, &sdk, &client_id, "sms@example.com").await;
    sdk.admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("sms@example.com")
        .user_attributes(attr("phone_number", PHONE))
        .send()
        .await
        .unwrap();
    sdk.admin_set_user_mfa_preference()
        .user_pool_id(&pool_id)
        .username("sms@example.com")
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .unwrap();

    let challenged = sign_in(&sdk, &client_id, "sms@example.com", PASSWORD).await.unwrap();
    assert_eq!(challenged.challenge_name(), Some(&ChallengeNameType::SmsMfa));
    let params = challenged.challenge_parameters().unwrap();
    assert_eq!(params["CODE_DELIVERY_DELIVERY_MEDIUM"], "SMS");
    assert_eq!(params["CODE_DELIVERY_DESTINATION"], "+*******0100");
    let message = server.messages().into_iter().rev().find(|m| m["destination"] == PHONE).unwrap();
    assert_eq!(message["purpose"], "MFA");
    let sms_code = message["code"].as_str().unwrap().to_owned();
    assert_eq!(message["message"], format!("Your Cruddur code is {sms_code}"));
    let username = params["USER_ID_FOR_SRP"].clone();
    let done = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SmsMfa,
        challenged.session().unwrap(),
        &[("USERNAME", &username), ("SMS_MFA_CODE", &sms_code)],
    )
    .await
    .unwrap();
    let id = jwt_claims(done.authentication_result().unwrap().id_token().unwrap());
    assert_eq!(id["phone_number_verified"], true, "the code proved the phone");

    // Email as the preferred factor, through the admin action.
    sdk.admin_set_user_mfa_preference()
        .user_pool_id(&pool_id)
        .username("sms@example.com")
        .email_mfa_settings(
            aws_sdk_cognitoidentityprovider::types::EmailMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let by_email = sign_in(&sdk, &client_id, "sms@example.com", PASSWORD).await.unwrap();
    assert_eq!(by_email.challenge_name(), Some(&ChallengeNameType::EmailOtp));
    assert_eq!(by_email.challenge_parameters().unwrap()["CODE_DELIVERY_DESTINATION"], "s***@e***");
    let mail = server.messages().into_iter().rev().find(|m| m["destination"] == "sms@example.com").unwrap();
    assert_eq!((mail["subject"].as_str(), mail["channel"].as_str()), (Some("Code"), Some("EMAIL")));
    let email_code = mail["code"].as_str().unwrap().to_owned();
    let wrong = answer(
        &sdk,
        &client_id,
        ChallengeNameType::EmailOtp,
        by_email.session().unwrap(),
        &[("USERNAME", &username), ("EMAIL_OTP_CODE", &sms_code)],
    )
    .await;
    if sms_code != email_code {
        assert_eq!(code(wrong), "CodeMismatchException", "the SMS code is not the email's");
    }
    let done = answer(
        &sdk,
        &client_id,
        ChallengeNameType::EmailOtp,
        by_email.session().unwrap(),
        &[("USERNAME", &username), ("EMAIL_OTP_CODE", &email_code)],
    )
    .await
    .unwrap();
    assert!(done.authentication_result().is_some());
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("sms@example.com").send().await.unwrap();
    assert_eq!(user.preferred_mfa_setting(), Some("EMAIL_OTP"));
    assert_eq!(user.user_mfa_setting_list(), ["SMS_MFA", "EMAIL_OTP"]);
}

#[tokio::test]
async fn several_factors_without_a_preference_are_chosen_from_and_the_legacy_setting_turns_sms_on() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    all_factors(&sdk, &pool_id, UserPoolMfaType::Optional).await;
    confirmed_user(&server, &sdk, &client_id, "both@example.com").await;
    let secret = set_up_totp(&server, &sdk, &client_id, "both@example.com").await;
    sdk.admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("both@example.com")
        .user_attributes(attr("phone_number", PHONE))
        .send()
        .await
        .unwrap();
    sdk.admin_set_user_settings()
        .user_pool_id(&pool_id)
        .username("both@example.com")
        .mfa_options(
            aws_sdk_cognitoidentityprovider::types::MfaOptionType::builder()
                .delivery_medium(aws_sdk_cognitoidentityprovider::types::DeliveryMediumType::Sms)
                .attribute_name("phone_number")
                .build(),
        )
        .send()
        .await
        .unwrap();
    sdk.admin_set_user_mfa_preference()
        .user_pool_id(&pool_id)
        .username("both@example.com")
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(false).build())
        .send()
        .await
        .unwrap();
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("both@example.com").send().await.unwrap();
    assert_eq!(user.mfa_options().len(), 1);
    assert_eq!(user.preferred_mfa_setting(), None);

    let challenged = sign_in(&sdk, &client_id, "both@example.com", PASSWORD).await.unwrap();
    assert_eq!(challenged.challenge_name(), Some(&ChallengeNameType::SelectMfaType));
    let choices = &challenged.challenge_parameters().unwrap()["MFAS_CAN_CHOOSE"];
    assert_eq!(serde_json::from_str::<Vec<String>>(choices).unwrap(), ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]);
    let username = challenged.challenge_parameters().unwrap()["USER_ID_FOR_SRP"].clone();
    let session = challenged.session().unwrap();
    let not_offered = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SelectMfaType,
        session,
        &[("USERNAME", &username), ("ANSWER", "EMAIL_OTP")],
    )
    .await;
    assert_eq!(code(not_offered), "InvalidParameterException");
    let chosen = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SelectMfaType,
        session,
        &[("USERNAME", &username), ("ANSWER", "SOFTWARE_TOKEN_MFA")],
    )
    .await
    .unwrap();
    assert_eq!(chosen.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa));
    assert_ne!(chosen.session(), Some(session), "a new session for the chosen factor");
    let done = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SoftwareTokenMfa,
        chosen.session().unwrap(),
        &[("USERNAME", &username), ("SOFTWARE_TOKEN_MFA_CODE", &code_now(&server, &secret))],
    )
    .await
    .unwrap();
    assert!(done.authentication_result().is_some());

    // The legacy switch turns SMS off again.
    sdk.admin_set_user_settings()
        .user_pool_id(&pool_id)
        .username("both@example.com")
        .set_mfa_options(Some(vec![]))
        .send()
        .await
        .unwrap();
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("both@example.com").send().await.unwrap();
    assert!(user.mfa_options().is_empty());
    assert_eq!(user.user_mfa_setting_list(), ["SOFTWARE_TOKEN_MFA"]);
}

#[tokio::test]
async fn a_required_pool_sets_up_a_software_token_during_sign_in_through_the_admin_flow() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    require_software_token_mfa(&sdk, &pool_id).await;
    confirmed_user(&server, &sdk, &client_id, "new@example.com").await;

    let challenged = sdk
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "new@example.com")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(challenged.challenge_name(), Some(&ChallengeNameType::MfaSetup));
    let params = challenged.challenge_parameters().unwrap();
    assert_eq!(params["MFAS_CAN_SETUP"], r#"["SOFTWARE_TOKEN_MFA"]"#);
    let username = params["USER_ID_FOR_SRP"].clone();
    let session = challenged.session().unwrap().to_owned();

    // The setup session is not an access token.
    assert_eq!(code(sdk.get_user().access_token(&session).send().await), "NotAuthorizedException");
    let too_soon = sdk
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::MfaSetup)
        .session(&session)
        .challenge_responses("USERNAME", &username)
        .send()
        .await;
    assert_eq!(code(too_soon), "InvalidParameterException", "nothing was set up yet");

    let associated = sdk.associate_software_token().session(&session).send().await.unwrap();
    let setup_session = associated.session().unwrap().to_owned();
    assert_ne!(setup_session, session);
    let stale = sdk.verify_software_token().session(&session).user_code("123456").send().await;
    assert_eq!(code(stale), "NotAuthorizedException", "each setup step hands out a new session");
    let verified = sdk
        .verify_software_token()
        .session(&setup_session)
        .user_code(code_now(&server, associated.secret_code().unwrap()))
        .send()
        .await
        .unwrap();
    let done = sdk
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::MfaSetup)
        .session(verified.session().unwrap())
        .challenge_responses("USERNAME", &username)
        .send()
        .await
        .unwrap();
    let access = done.authentication_result().unwrap().access_token().unwrap().to_owned();
    let user = sdk.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(user.preferred_mfa_setting(), Some("SOFTWARE_TOKEN_MFA"));

    // A pool that requires MFA does not let the user turn it off.
    let off = sdk
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(false).build())
        .send()
        .await;
    assert_eq!(code(off), "InvalidParameterException");

    // The next sign-in asks for the token.
    server.clock.advance(30);
    let next = sign_in(&sdk, &client_id, "new@example.com", PASSWORD).await.unwrap();
    assert_eq!(next.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa));
}

#[tokio::test]
async fn the_hosted_pages_ask_for_the_second_factor_and_set_up_a_token_with_a_qr_code() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = hosted_pool(&server, &sdk).await;
    require_software_token_mfa(&sdk, &pool_id).await;
    let mut browser = Browser::new(&server);
    let login = browser.get(&authorize_path(&client_id, "&scope=openid")).await.location.unwrap();
    let page = browser.get(&login).await;
    let action = form_action(&page.body);
    let csrf = field(&page.body, "_csrf");
    let setup = browser.post(&action, &[("_csrf", &csrf), ("username", "alice"), ("password", PASSWORD)]).await;
    assert_eq!(setup.status, 200, "{}", setup.body);
    assert!(setup.body.contains("Set up an authenticator app"), "{}", setup.body);
    assert!(setup.body.contains("<svg"), "the setup URI as a QR code");
    let secret = field(&setup.body, "secret");
    let form: HashMap<&str, String> = ["_csrf", "session", "username", "challenge", "MFAS_CAN_SETUP"]
        .into_iter()
        .map(|name| (name, field(&setup.body, name)))
        .collect();
    let post = |code: String| {
        let mut fields: Vec<(&str, String)> = form.iter().map(|(k, v)| (*k, v.clone())).collect();
        fields.push(("secret", secret.clone()));
        fields.push(("code", code));
        fields
    };
    let wrong: Vec<(&str, String)> = post("000000".into());
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let retry = browser.post(&action, &wrong).await;
    assert_eq!(retry.status, 400);
    assert!(retry.body.contains("Incorrect code"), "{}", retry.body);
    assert_eq!(field(&retry.body, "secret"), secret, "the same secret is shown again");
    let right = post(code_now(&server, &secret));
    let mut right: Vec<(&str, &str)> = right.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let csrf_again = field(&retry.body, "_csrf");
    right.retain(|(k, _)| *k != "_csrf");
    right.push(("_csrf", &csrf_again));
    let done = browser.post(&action, &right).await;
    assert_eq!(done.status, 302, "{}", done.body);
    let location = done.location.unwrap();
    assert!(location.starts_with(CALLBACK), "{location}");
    assert!(query_param(&location, "code").is_some());

    // Next time the page asks for the code; a wrong one shows the step again.
    server.clock.advance(30);
    let mut other = Browser::new(&server);
    let login = other.get(&authorize_path(&client_id, "&scope=openid")).await.location.unwrap();
    let page = other.get(&login).await;
    let csrf = field(&page.body, "_csrf");
    let step = other.post(&action, &[("_csrf", &csrf), ("username", "alice"), ("password", PASSWORD)]).await;
    assert!(step.body.contains("Enter the code from your authenticator app"), "{}", step.body);
    let fields = |body: &str, code: &str| -> Vec<(String, String)> {
        ["_csrf", "session", "username", "challenge"]
            .iter()
            .map(|n| (n.to_string(), field(body, n)))
            .chain([("code".to_string(), code.to_string())])
            .collect()
    };
    let wrong = fields(&step.body, "000000");
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let again = other.post(&action, &wrong).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("Incorrect code"));
    let right = fields(&again.body, &code_now(&server, &secret));
    let right: Vec<(&str, &str)> = right.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let done = other.post(&action, &right).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert!(done.location.unwrap().starts_with(CALLBACK));
}

#[tokio::test]
async fn a_required_pool_with_email_codes_sets_up_email_mfa_during_sign_in() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = username_pool(&sdk).await;
    sdk.set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .email_mfa_configuration(EmailMfaConfigType::builder().message("Your code: {####}").build())
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap();
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("carol")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    sdk.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("carol")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();

    let challenged = sign_in(&sdk, &client_id, "carol", PASSWORD).await.unwrap();
    assert_eq!(challenged.challenge_name(), Some(&ChallengeNameType::MfaSetup));
    assert_eq!(challenged.challenge_parameters().unwrap()["MFAS_CAN_SETUP"], r#"["EMAIL_OTP"]"#);
    let session = challenged.session().unwrap();
    let bad = answer(
        &sdk,
        &client_id,
        ChallengeNameType::MfaSetup,
        session,
        &[("USERNAME", "carol"), ("EMAIL", "not-an-address")],
    )
    .await;
    assert_eq!(code(bad), "InvalidParameterException");
    let otp = answer(
        &sdk,
        &client_id,
        ChallengeNameType::MfaSetup,
        session,
        &[("USERNAME", "carol"), ("EMAIL", "carol@example.com")],
    )
    .await
    .unwrap();
    assert_eq!(otp.challenge_name(), Some(&ChallengeNameType::EmailOtp));
    assert_eq!(otp.challenge_parameters().unwrap()["CODE_DELIVERY_DESTINATION"], "c***@e***");
    let sent = server.last_code("carol@example.com").unwrap();
    let done = answer(
        &sdk,
        &client_id,
        ChallengeNameType::EmailOtp,
        otp.session().unwrap(),
        &[("USERNAME", "carol"), ("EMAIL_OTP_CODE", &sent)],
    )
    .await
    .unwrap();
    let id = jwt_claims(done.authentication_result().unwrap().id_token().unwrap());
    assert_eq!((id["email"].as_str(), id["email_verified"].as_bool()), (Some("carol@example.com"), Some(true)));
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("carol").send().await.unwrap();
    assert_eq!(user.preferred_mfa_setting(), Some("EMAIL_OTP"));

    // The next sign-in sends a code to that address.
    let next = sign_in(&sdk, &client_id, "carol", PASSWORD).await.unwrap();
    assert_eq!(next.challenge_name(), Some(&ChallengeNameType::EmailOtp));
}

#[tokio::test]
async fn the_sms_spend_cap_stops_the_next_text_and_sign_in_says_so() {
    let server = TestServer::start_configured(|config| {
        config.sms_limits = cognate_domain::SmsLimits { daily_per_pool: Some(3), hourly_per_destination: Some(2) };
    })
    .await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    all_factors(&sdk, &pool_id, UserPoolMfaType::Optional).await;
    for (email, phone) in [("one@example.com", "+15555550161"), ("two@example.com", "+15555550162")] {
        confirmed_user(&server, &sdk, &client_id, email).await;
        sdk.admin_update_user_attributes()
            .user_pool_id(&pool_id)
            .username(email)
            .user_attributes(attr("phone_number", phone))
            .send()
            .await
            .unwrap();
        sdk.admin_set_user_mfa_preference()
            .user_pool_id(&pool_id)
            .username(email)
            .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
            .send()
            .await
            .unwrap();
    }
    let texts = |to: &str| server.messages().iter().filter(|m| m["destination"] == to).count();
    for _ in 0..2 {
        let challenged = sign_in(&sdk, &client_id, "one@example.com", PASSWORD).await.unwrap();
        assert_eq!(challenged.challenge_name(), Some(&ChallengeNameType::SmsMfa));
    }
    let (kind, message) = error(sign_in(&sdk, &client_id, "one@example.com", PASSWORD).await);
    assert_eq!(kind, "CodeDeliveryFailureException", "{message}");
    assert_eq!(texts("+15555550161"), 2, "the third text to one number in an hour was not sent");
    // The pool's day: one more text for the other number, then none.
    sign_in(&sdk, &client_id, "two@example.com", PASSWORD).await.unwrap();
    assert_eq!(code(sign_in(&sdk, &client_id, "two@example.com", PASSWORD).await), "CodeDeliveryFailureException");
    assert_eq!(texts("+15555550162"), 1);
    // Email codes are not texts: they still go out.
    sdk.admin_set_user_mfa_preference()
        .user_pool_id(&pool_id)
        .username("two@example.com")
        .email_mfa_settings(
            aws_sdk_cognitoidentityprovider::types::EmailMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let by_email = sign_in(&sdk, &client_id, "two@example.com", PASSWORD).await.unwrap();
    assert_eq!(by_email.challenge_name(), Some(&ChallengeNameType::EmailOtp));
    // The next day the pool may text again.
    server.clock.advance(86_400);
    let texted = sign_in(&sdk, &client_id, "one@example.com", PASSWORD).await.unwrap();
    assert_eq!(texted.challenge_name(), Some(&ChallengeNameType::SmsMfa));
}
