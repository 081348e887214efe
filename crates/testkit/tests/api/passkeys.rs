//! Passkeys through the AWS SDK for Rust, with a software authenticator as the browser: the
//! pool's WebAuthnConfiguration, registration shaped as Cognito shapes it, list and delete, the
//! WEB_AUTHN challenge of USER_AUTH (ES256 and RS256), a passkey counting as MFA — and what must
//! be refused: a replayed registration or assertion, an assertion for another challenge, a
//! counter going backwards, another user's passkey, a stranger's authenticator, another site's
//! origin or RP ID, no user verification where it is required, the client and cap checks.
use aws_sdk_cognitoidentityprovider::types::{
    AuthFactorType, AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, SoftwareTokenMfaConfigType,
    UserPoolMfaType, UserVerificationType, UsernameAttributeType, WebAuthnConfigurationType,
};
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_types::{Document, Number};
use cognate_testkit::authenticator::SoftAuthenticator;
use serde_json::Value;

use crate::common::*;
use crate::mfa::answer;

fn to_document(value: &Value) -> Document {
    match value {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Number::PosInt(u),
            (None, Some(i)) => Number::NegInt(i),
            _ => Number::Float(n.as_f64().unwrap()),
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(a) => Document::Array(a.iter().map(to_document).collect()),
        Value::Object(o) => Document::Object(o.iter().map(|(k, v)| (k.clone(), to_document(v))).collect()),
    }
}

fn to_json(document: &Document) -> Value {
    match document {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(Number::PosInt(u)) => Value::from(*u),
        Document::Number(Number::NegInt(i)) => Value::from(*i),
        Document::Number(Number::Float(f)) => Value::from(*f),
        Document::String(s) => Value::String(s.clone()),
        Document::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Document::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

/// A pool allowing a password or a passkey first, passkeys bound to `localhost` with user
/// verification required, and a public client allowing USER_AUTH and password sign-in.
async fn passkey_pool(sdk: &Client) -> (String, String) {
    let pool = sdk
        .create_user_pool()
        .pool_name("passkeys")
        .username_attributes(UsernameAttributeType::Email)
        .policies(first_factors(&[AuthFactorType::Password, AuthFactorType::WebAuthn]))
        .send()
        .await
        .unwrap();
    let pool_id = pool.user_pool().unwrap().id().unwrap().to_owned();
    let config = sdk
        .set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .web_authn_configuration(
            WebAuthnConfigurationType::builder()
                .relying_party_id("localhost")
                .user_verification(UserVerificationType::Required)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let web_authn = config.web_authn_configuration().unwrap();
    assert_eq!(web_authn.relying_party_id(), Some("localhost"));
    assert_eq!(web_authn.user_verification(), Some(&UserVerificationType::Required));
    (pool_id.clone(), user_auth_client(sdk, &pool_id).await)
}

async fn user_auth_client(sdk: &Client, pool_id: &str) -> String {
    let client = sdk
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name("passkeys")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    client.user_pool_client().unwrap().client_id().unwrap().to_owned()
}

/// A confirmed user signed in with their password: the access token.
async fn signed_in_user(server: &TestServer, sdk: &Client, pool_id: &str, client_id: &str, email: &str) -> String {
    sdk.admin_create_user()
        .user_pool_id(pool_id)
        .username(email)
        .user_attributes(attr("email", email))
        .user_attributes(attr("email_verified", "true"))
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    sdk.admin_set_user_password()
        .user_pool_id(pool_id)
        .username(email)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let _ = server;
    let tokens = sign_in(sdk, client_id, email, PASSWORD).await.unwrap();
    tokens.authentication_result().unwrap().access_token().unwrap().to_owned()
}

/// Registers `authenticator` for the bearer of `access_token`: the creation options it answered.
async fn register(sdk: &Client, access_token: &str, authenticator: &mut SoftAuthenticator) -> Value {
    let started = sdk.start_web_authn_registration().access_token(access_token).send().await.unwrap();
    let options = to_json(started.credential_creation_options());
    let credential = authenticator.register(&options);
    sdk.complete_web_authn_registration()
        .access_token(access_token)
        .credential(to_document(&credential))
        .send()
        .await
        .unwrap();
    options
}

/// USER_AUTH preferring WEB_AUTHN: the session and the parsed request options.
async fn passkey_challenge(sdk: &Client, client_id: &str, email: &str) -> (String, Value) {
    let started =
        initiate(sdk, client_id, AuthFlowType::UserAuth, &[("USERNAME", email), ("PREFERRED_CHALLENGE", "WEB_AUTHN")])
            .await
            .unwrap();
    assert_eq!(started.challenge_name(), Some(&ChallengeNameType::WebAuthn));
    let options = started.challenge_parameters().unwrap()["CREDENTIAL_REQUEST_OPTIONS"].clone();
    (started.session().unwrap().to_owned(), serde_json::from_str(&options).unwrap())
}

async fn answer_passkey(
    sdk: &Client,
    client_id: &str,
    email: &str,
    session: &str,
    assertion: &Value,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeError,
    >,
> {
    let credential = assertion.to_string();
    answer(sdk, client_id, ChallengeNameType::WebAuthn, session, &[("USERNAME", email), ("CREDENTIAL", &credential)])
        .await
}

#[tokio::test]
async fn a_passkey_is_registered_listed_used_to_sign_in_without_a_password_and_deleted() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = passkey_pool(&sdk).await;
    let email = "pia@example.com";
    let access = signed_in_user(&server, &sdk, &pool_id, &client_id, email).await;
    let sub = jwt_claims(&access)["sub"].as_str().unwrap().to_owned();

    let mut key = SoftAuthenticator::es256();
    let options = register(&sdk, &access, &mut key).await;
    // The creation options as Cognito shapes them.
    assert_eq!(options["rp"], serde_json::json!({ "id": "localhost", "name": "localhost" }));
    assert_eq!(key.user_handle, sub.as_bytes(), "user.id is the sub");
    assert_eq!(options["user"]["name"], email);
    assert_eq!(options["user"]["displayName"], "");
    assert_eq!(options["challenge"].as_str().unwrap().len(), 43, "32 random bytes");
    let algorithms: Vec<i64> =
        options["pubKeyCredParams"].as_array().unwrap().iter().map(|p| p["alg"].as_i64().unwrap()).collect();
    assert_eq!(algorithms, [-7, -257]);
    assert_eq!(options["timeout"], 60000);
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(options["authenticatorSelection"]["userVerification"], "required");
    assert!(options.get("attestation").is_none());

    let listed = sdk.list_web_authn_credentials().access_token(&access).send().await.unwrap();
    let [credential] = listed.credentials() else { panic!("one passkey: {listed:?}") };
    assert_eq!(credential.credential_id(), key.id());
    assert_eq!(credential.relying_party_id(), "localhost");
    assert_eq!(credential.authenticator_attachment(), Some("platform"));
    assert_eq!(credential.authenticator_transports(), ["internal"]);
    assert_eq!(credential.friendly_credential_name(), "Platform passkey");
    assert!(credential.created_at().secs() > 1_600_000_000);

    // A second Start excludes the registered passkey.
    let again = sdk.start_web_authn_registration().access_token(&access).send().await.unwrap();
    let excluded = to_json(again.credential_creation_options())["excludeCredentials"].clone();
    assert_eq!(excluded[0]["id"], key.id());

    // USER_AUTH offers it, and signs in with it alone.
    let factors = sdk.get_user_auth_factors().access_token(&access).send().await.unwrap();
    assert!(factors.configured_user_auth_factors().contains(&AuthFactorType::WebAuthn));
    let select = initiate(&sdk, &client_id, AuthFlowType::UserAuth, &[("USERNAME", email)]).await.unwrap();
    assert_eq!(
        select.available_challenges(),
        [ChallengeNameType::Password, ChallengeNameType::PasswordSrp, ChallengeNameType::WebAuthn]
    );

    let (session, request) = passkey_challenge(&sdk, &client_id, email).await;
    assert_eq!(request["rpId"], "localhost");
    assert_eq!(request["userVerification"], "required");
    assert_eq!(request["timeout"], 180000);
    assert_eq!(request["allowCredentials"], serde_json::json!([{ "id": key.id(), "type": "public-key" }]));
    let assertion = key.assert(&request);
    let signed_in = answer_passkey(&sdk, &client_id, email, &session, &assertion).await.unwrap();
    let result = signed_in.authentication_result().expect("tokens");
    let claims = jwt_claims(result.id_token().unwrap());
    assert_eq!(claims["sub"], sub.as_str());
    sdk.get_user().access_token(result.access_token().unwrap()).send().await.unwrap();

    // The same assertion again: the session is spent.
    assert_eq!(code(answer_passkey(&sdk, &client_id, email, &session, &assertion).await), "NotAuthorizedException");

    // Through SELECT_CHALLENGE, then deleted while a challenge is out: refused, and not offered.
    let select = initiate(&sdk, &client_id, AuthFlowType::UserAuth, &[("USERNAME", email)]).await.unwrap();
    let chosen = answer(
        &sdk,
        &client_id,
        ChallengeNameType::SelectChallenge,
        select.session().unwrap(),
        &[("USERNAME", email), ("ANSWER", "WEB_AUTHN")],
    )
    .await
    .unwrap();
    assert_eq!(chosen.challenge_name(), Some(&ChallengeNameType::WebAuthn));
    let request: Value =
        serde_json::from_str(&chosen.challenge_parameters().unwrap()["CREDENTIAL_REQUEST_OPTIONS"]).unwrap();
    sdk.delete_web_authn_credential().access_token(&access).credential_id(key.id()).send().await.unwrap();
    let late = key.assert(&request);
    assert_eq!(
        code(answer_passkey(&sdk, &client_id, email, chosen.session().unwrap(), &late).await),
        "NotAuthorizedException"
    );
    assert!(sdk.list_web_authn_credentials().access_token(&access).send().await.unwrap().credentials().is_empty());
    let (kind, _) = error(sdk.delete_web_authn_credential().access_token(&access).credential_id(key.id()).send().await);
    assert_eq!(kind, "ResourceNotFoundException");
    let select = initiate(
        &sdk,
        &client_id,
        AuthFlowType::UserAuth,
        &[("USERNAME", email), ("PREFERRED_CHALLENGE", "WEB_AUTHN")],
    )
    .await
    .unwrap();
    assert_eq!(select.challenge_name(), Some(&ChallengeNameType::SelectChallenge));
    assert!(!select.available_challenges().contains(&ChallengeNameType::WebAuthn));
}

#[tokio::test]
async fn rs256_passkeys_work_and_the_cap_is_twenty() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = passkey_pool(&sdk).await;
    let email = "ren@example.com";
    let access = signed_in_user(&server, &sdk, &pool_id, &client_id, email).await;
    let mut rsa = SoftAuthenticator::rs256();
    register(&sdk, &access, &mut rsa).await;
    let (session, request) = passkey_challenge(&sdk, &client_id, email).await;
    let assertion = rsa.assert(&request);
    assert!(answer_passkey(&sdk, &client_id, email, &session, &assertion)
        .await
        .unwrap()
        .authentication_result()
        .is_some());

    for _ in 1..20 {
        register(&sdk, &access, &mut SoftAuthenticator::es256()).await;
    }
    let (kind, _) = error(sdk.start_web_authn_registration().access_token(&access).send().await);
    assert_eq!(kind, "LimitExceededException");
    let first = sdk.list_web_authn_credentials().access_token(&access).max_results(15).send().await.unwrap();
    assert_eq!(first.credentials().len(), 15);
    let rest = sdk
        .list_web_authn_credentials()
        .access_token(&access)
        .next_token(first.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.credentials().len(), 5);
    assert!(rest.next_token().is_none());
}

#[tokio::test]
async fn registrations_are_refused_with_cognitos_exceptions() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = passkey_pool(&sdk).await;
    let access = signed_in_user(&server, &sdk, &pool_id, &client_id, "rui@example.com").await;
    let other_user = signed_in_user(&server, &sdk, &pool_id, &client_id, "oda@example.com").await;
    let second_client = user_auth_client(&sdk, &pool_id).await;
    let same_user_other_client = sign_in(&sdk, &second_client, "rui@example.com", PASSWORD).await.unwrap();
    let same_user_other_client =
        same_user_other_client.authentication_result().unwrap().access_token().unwrap().to_owned();

    let complete = |token: &str, credential: &Value| {
        sdk.complete_web_authn_registration().access_token(token).credential(to_document(credential)).send()
    };
    let start = || async {
        to_json(
            sdk.start_web_authn_registration()
                .access_token(&access)
                .send()
                .await
                .unwrap()
                .credential_creation_options(),
        )
    };

    let mut key = SoftAuthenticator::es256();
    let options = start().await;
    let answered = key.register(&options);
    assert_eq!(error(complete(&other_user, &answered).await).0, "WebAuthnChallengeNotFoundException", "another user");
    assert_eq!(error(complete(&same_user_other_client, &answered).await).0, "WebAuthnClientMismatchException");
    let garbage = serde_json::json!({ "id": "x", "response": {} });
    assert_eq!(
        error(complete(&access, &garbage).await),
        ("InvalidParameterException".into(), "Credential data is not valid".into())
    );

    let mut evil = SoftAuthenticator::es256();
    evil.origin = "https://evil.example".into();
    let answered = evil.register(&start().await);
    assert_eq!(error(complete(&access, &answered).await).0, "WebAuthnOriginNotAllowedException");
    let mut elsewhere = SoftAuthenticator::es256();
    elsewhere.rp_id = Some("example.com".into());
    let answered = elsewhere.register(&start().await);
    assert_eq!(error(complete(&access, &answered).await).0, "WebAuthnRelyingPartyMismatchException");
    let mut unverified = SoftAuthenticator::es256();
    unverified.user_verified = false;
    let answered = unverified.register(&start().await);
    assert_eq!(error(complete(&access, &answered).await).0, "NotAuthorizedException");

    // A good answer once; the same answer again finds no challenge; a late one neither.
    let answered = key.register(&options);
    complete(&access, &answered).await.unwrap();
    assert_eq!(error(complete(&access, &answered).await).0, "WebAuthnChallengeNotFoundException");
    let late = SoftAuthenticator::es256().register(&start().await);
    server.clock.advance(301);
    let fresh = sign_in(&sdk, &client_id, "rui@example.com", PASSWORD).await.unwrap();
    let fresh = fresh.authentication_result().unwrap().access_token().unwrap().to_owned();
    assert_eq!(error(complete(&fresh, &late).await).0, "WebAuthnChallengeNotFoundException");

    // A pool without passkeys, and one without a relying party.
    let (plain_pool, plain_client) = email_pool(&sdk).await;
    confirmed_user(&server, &sdk, &plain_client, "nia@example.com").await;
    let token = sign_in(&sdk, &plain_client, "nia@example.com", PASSWORD).await.unwrap();
    let token = token.authentication_result().unwrap().access_token().unwrap().to_owned();
    assert_eq!(
        error(sdk.start_web_authn_registration().access_token(&token).send().await).0,
        "WebAuthnNotEnabledException"
    );
    sdk.update_user_pool()
        .user_pool_id(&plain_pool)
        .policies(first_factors(&[AuthFactorType::WebAuthn]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error(sdk.start_web_authn_registration().access_token(&token).send().await).0,
        "WebAuthnConfigurationMissingException"
    );
    let bad = sdk
        .set_user_pool_mfa_config()
        .user_pool_id(&plain_pool)
        .web_authn_configuration(WebAuthnConfigurationType::builder().relying_party_id("https://x").build())
        .send()
        .await;
    assert_eq!(error(bad).0, "InvalidParameterException");
}

#[tokio::test]
async fn forged_and_replayed_assertions_are_refused() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = passkey_pool(&sdk).await;
    let (ada, bob) = ("ada@example.com", "bob@example.com");
    let ada_token = signed_in_user(&server, &sdk, &pool_id, &client_id, ada).await;
    let bob_token = signed_in_user(&server, &sdk, &pool_id, &client_id, bob).await;
    let mut ada_key = SoftAuthenticator::es256();
    register(&sdk, &ada_token, &mut ada_key).await;
    let mut bob_key = SoftAuthenticator::es256();
    register(&sdk, &bob_token, &mut bob_key).await;

    let refused = |result: Result<_, _>| {
        error::<(), _>(result.map(
            |_: aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput| (),
        ))
    };

    // An assertion made for another challenge.
    let (session_a, _) = passkey_challenge(&sdk, &client_id, ada).await;
    let (_, request_b) = passkey_challenge(&sdk, &client_id, ada).await;
    let crossed = ada_key.assert(&request_b);
    assert_eq!(
        refused(answer_passkey(&sdk, &client_id, ada, &session_a, &crossed).await).0,
        "WebAuthnChallengeNotFoundException"
    );

    // Another user's passkey, and an authenticator nobody registered, on ada's session.
    let (session, request) = passkey_challenge(&sdk, &client_id, ada).await;
    let bobs = bob_key.assert(&request);
    assert_eq!(refused(answer_passkey(&sdk, &client_id, ada, &session, &bobs).await).0, "NotAuthorizedException");
    let stranger = SoftAuthenticator::es256().assert(&request);
    assert_eq!(refused(answer_passkey(&sdk, &client_id, ada, &session, &stranger).await).0, "NotAuthorizedException");

    // Another site's origin, and no user verification where the pool requires it.
    let mut phished = SoftAuthenticator::es256();
    std::mem::swap(&mut phished, &mut ada_key);
    phished.origin = "https://evil.example".into();
    let forged = phished.assert(&request);
    assert_eq!(
        refused(answer_passkey(&sdk, &client_id, ada, &session, &forged).await).0,
        "WebAuthnOriginNotAllowedException"
    );
    phished.origin = "http://localhost:3000".into();
    phished.user_verified = false;
    let unverified = phished.assert(&request);
    assert_eq!(refused(answer_passkey(&sdk, &client_id, ada, &session, &unverified).await).0, "NotAuthorizedException");
    phished.user_verified = true;
    std::mem::swap(&mut phished, &mut ada_key);

    // Five refusals lock the account as five wrong passwords do: even the right assertion waits.
    let good = ada_key.assert(&request);
    let (kind, message) = refused(answer_passkey(&sdk, &client_id, ada, &session, &good).await);
    assert_eq!((kind.as_str(), message.as_str()), ("NotAuthorizedException", "Password attempts exceeded"));
    server.clock.advance(30);

    // The right assertion still works on the same session; then a counter going backwards
    // (a cloned authenticator) is refused.
    let good = ada_key.assert(&request);
    let tokens = answer_passkey(&sdk, &client_id, ada, &session, &good).await.unwrap();
    assert!(tokens.authentication_result().is_some());
    let (session, request) = passkey_challenge(&sdk, &client_id, ada).await;
    ada_key.counter -= 3;
    let cloned = ada_key.assert(&request);
    assert_eq!(refused(answer_passkey(&sdk, &client_id, ada, &session, &cloned).await).0, "NotAuthorizedException");
    let events = sdk.admin_list_user_auth_events().user_pool_id(&pool_id).username(ada).send().await.unwrap();
    let failures =
        events.auth_events().iter().filter(|e| e.event_response().map(|r| r.as_str()) == Some("Fail")).count();
    assert_eq!(failures, 6, "every refusal recorded");
}

#[tokio::test]
async fn a_user_verified_passkey_counts_as_mfa_where_the_pool_and_the_user_say_so() {
    use aws_sdk_cognitoidentityprovider::types::{SoftwareTokenMfaSettingsType, WebAuthnMfaSettingsType};
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = passkey_pool(&sdk).await;
    let email = "mia@example.com";
    let access = signed_in_user(&server, &sdk, &pool_id, &client_id, email).await;
    let mut key = SoftAuthenticator::es256();
    register(&sdk, &access, &mut key).await;
    let passkey_mfa = |on: bool| {
        sdk.set_user_mfa_preference()
            .access_token(&access)
            .web_authn_mfa_settings(WebAuthnMfaSettingsType::builder().enabled(on).build())
            .send()
    };
    let multi_factor = |uv: UserVerificationType| {
        WebAuthnConfigurationType::builder()
            .relying_party_id("localhost")
            .user_verification(uv)
            .factor_configuration(aws_sdk_cognitoidentityprovider::types::WebAuthnFactorConfigurationType::MultiFactorWithUserVerification)
            .build()
    };

    // The pool must allow it, and the user needs another factor first.
    assert_eq!(error(passkey_mfa(true).await).0, "InvalidParameterException", "a single-factor pool");
    sdk.set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
        .mfa_configuration(UserPoolMfaType::Optional)
        .web_authn_configuration(multi_factor(UserVerificationType::Preferred))
        .send()
        .await
        .unwrap();
    let described = sdk.get_user_pool_mfa_config().user_pool_id(&pool_id).send().await.unwrap();
    assert_eq!(
        described.web_authn_configuration().unwrap().factor_configuration().map(|f| f.as_str()),
        Some("MULTI_FACTOR_WITH_USER_VERIFICATION")
    );
    assert_eq!(error(passkey_mfa(true).await).0, "InvalidParameterException", "no other factor yet");
    let secret = sdk.associate_software_token().access_token(&access).send().await.unwrap().secret_code.unwrap();
    let totp_code = crate::mfa::code_now(&server, &secret);
    sdk.verify_software_token().access_token(&access).user_code(totp_code).send().await.unwrap();
    sdk.set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();

    // MFA required, passkey MFA off: a passkey is not offered.
    sdk.set_user_pool_mfa_config().user_pool_id(&pool_id).mfa_configuration(UserPoolMfaType::On).send().await.unwrap();
    let select = initiate(&sdk, &client_id, AuthFlowType::UserAuth, &[("USERNAME", email)]).await.unwrap();
    assert!(!select.available_challenges().contains(&ChallengeNameType::WebAuthn));

    // Turned on: offered, user verification required of this user, and it signs in alone.
    passkey_mfa(true).await.unwrap();
    let (session, request) = passkey_challenge(&sdk, &client_id, email).await;
    assert_eq!(request["userVerification"], "required", "two factors need the user verified");
    key.user_verified = false;
    let unverified = key.assert(&request);
    assert_eq!(code(answer_passkey(&sdk, &client_id, email, &session, &unverified).await), "NotAuthorizedException");
    key.user_verified = true;
    let verified = key.assert(&request);
    let tokens = answer_passkey(&sdk, &client_id, email, &session, &verified).await.unwrap();
    assert!(tokens.authentication_result().is_some());
    let events = sdk.admin_list_user_auth_events().user_pool_id(&pool_id).username(email).send().await.unwrap();
    let last = &events.auth_events()[0];
    assert!(last.challenge_responses().iter().any(|c| c.challenge_name().map(|n| n.as_str()) == Some("Mfa")));

    // Turned off again: not offered where MFA is required.
    passkey_mfa(false).await.unwrap();
    let select = initiate(&sdk, &client_id, AuthFlowType::UserAuth, &[("USERNAME", email)]).await.unwrap();
    assert!(!select.available_challenges().contains(&ChallengeNameType::WebAuthn));
}

/// The hosted pages without a password: the login page offers a passkey and an emailed code to
/// a client that allows USER_AUTH; the passkey step carries the request options for its script
/// and takes the browser's answer; both end at the callback with a code that exchanges for
/// tokens of that user.
#[tokio::test]
async fn the_hosted_login_page_signs_in_with_a_passkey_or_an_emailed_code() {
    use crate::hosted::{authorize_path, exchange, field, form_action, unescape, Browser, CALLBACK, VERIFIER};
    use aws_sdk_cognitoidentityprovider::types::OAuthFlowType;

    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = passkey_pool(&sdk).await;
    sdk.update_user_pool()
        .user_pool_id(&pool_id)
        .auto_verified_attributes(aws_sdk_cognitoidentityprovider::types::VerifiedAttributeType::Email)
        .policies(first_factors(&[AuthFactorType::Password, AuthFactorType::EmailOtp, AuthFactorType::WebAuthn]))
        .send()
        .await
        .unwrap();
    sdk.create_user_pool_domain().user_pool_id(&pool_id).domain("passkey-pages").send().await.unwrap();
    let client = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("hosted")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .callback_urls(CALLBACK)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap();
    let client_id = client.user_pool_client().unwrap().client_id().unwrap().to_owned();
    let email = "hosted-pk@example.com";
    let access = signed_in_user(&server, &sdk, &pool_id, &client_id, email).await;
    let sub = jwt_claims(&access)["sub"].as_str().unwrap().to_owned();
    let mut key = SoftAuthenticator::es256();
    register(&sdk, &access, &mut key).await;

    let mut browser = Browser::new(&server);
    let login = browser.get(&authorize_path(&client_id, "&scope=openid")).await.location.unwrap();
    let page = browser.get(&login).await;
    assert!(page.body.contains(">Sign in with a passkey</button>") && page.body.contains(">Email me a code</button>"));
    assert!(!page.body.contains("<script"), "the login form itself needs no script");
    let action = form_action(&page.body);
    let csrf = field(&page.body, "_csrf");

    // The passkey step: its options for the script, answered with the authenticator's assertion.
    let step = browser.post(&action, &[("_csrf", &csrf), ("username", email), ("first_factor", "WEB_AUTHN")]).await;
    assert_eq!(step.status, 200, "{}", step.body);
    assert!(step.body.contains(r#"<script src="/hosted/passkey.js"></script>"#));
    let options: Value = serde_json::from_str(&field(&step.body, "options")).unwrap();
    assert_eq!(options["rpId"], "localhost");
    let assertion = key.assert(&options).to_string();
    let answer = |step: &str, credential: &str| {
        [
            ("_csrf", field(step, "_csrf")),
            ("username", field(step, "username")),
            ("session", field(step, "session")),
            ("challenge", "WEB_AUTHN".to_owned()),
            ("credential", credential.to_owned()),
        ]
    };
    let garbled = answer(&step.body, "{}");
    let form: Vec<(&str, &str)> = garbled.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let retry = browser.post(&action, &form).await;
    assert_eq!(retry.status, 400);
    assert!(retry.body.contains("Credential data is not valid"), "{}", retry.body);
    let good = answer(&retry.body, &assertion);
    let form: Vec<(&str, &str)> = good.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let done = browser.post(&action, &form).await;
    assert_eq!(done.status, 302, "{}", done.body);
    let location = done.location.unwrap();
    assert!(location.starts_with(CALLBACK), "{location}");
    let code = crate::hosted::query_param(&location, "code").unwrap();
    let (status, tokens) = exchange(&server, &client_id, &code, VERIFIER).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(jwt_claims(tokens["id_token"].as_str().unwrap())["sub"], sub.as_str());

    // Signed in on the pages, /passkeys/add adds another passkey and goes back to the app.
    let add_path = format!("/passkeys/add?client_id={client_id}&redirect_uri={}", crate::hosted::urlencode(CALLBACK));
    let add = browser.get(&add_path).await;
    assert_eq!(add.status, 200, "{}", add.body);
    assert!(add.body.contains(r#"data-ceremony="create""#) && add.body.contains("/hosted/passkey.js"));
    let creation: Value = serde_json::from_str(&field(&add.body, "options")).unwrap();
    assert_eq!(creation["excludeCredentials"][0]["id"], key.id(), "the passkey it has is excluded");
    let mut second = SoftAuthenticator::es256();
    let created = second.register(&creation).to_string();
    let added =
        browser.post(&form_action(&add.body), &[("_csrf", &field(&add.body, "_csrf")), ("credential", &created)]).await;
    assert_eq!((added.status, added.location.as_deref()), (302, Some(CALLBACK)), "{}", added.body);
    let listed = sdk.list_web_authn_credentials().access_token(&access).send().await.unwrap();
    assert_eq!(listed.credentials().len(), 2);
    let replayed =
        browser.post(&form_action(&add.body), &[("_csrf", &field(&add.body, "_csrf")), ("credential", &created)]).await;
    assert_eq!(replayed.status, 400);
    assert!(replayed.body.contains("The WebAuthn registration challenge was not found or has expired."));
    let nobody = Browser::new(&server).get(&add_path).await;
    assert_eq!(nobody.status, 401, "no session: sign in first");
    assert!(nobody.body.contains("Sign in first, then add your passkey."));
    let elsewhere = format!("/passkeys/add?client_id={client_id}&redirect_uri=https%3A%2F%2Fevil.example%2F");
    assert_eq!(browser.get(&elsewhere).await.status, 400, "only the client's callback URLs");

    // An emailed code, in another browser.
    let mut other = Browser::new(&server);
    let login = other.get(&authorize_path(&client_id, "&scope=openid")).await.location.unwrap();
    let page = other.get(&login).await;
    let (action, csrf) = (form_action(&page.body), field(&page.body, "_csrf"));
    let step = other.post(&action, &[("_csrf", &csrf), ("username", email), ("first_factor", "EMAIL_OTP")]).await;
    assert!(unescape(&step.body).contains("We sent a code by email"), "{}", step.body);
    let sent = server.last_code(email).unwrap();
    let form = [
        ("_csrf", field(&step.body, "_csrf")),
        ("username", field(&step.body, "username")),
        ("session", field(&step.body, "session")),
        ("challenge", "EMAIL_OTP".to_owned()),
        ("code", sent),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let done = other.post(&action, &form).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert!(done.location.unwrap().starts_with(CALLBACK));

    // Someone without a passkey is told so; the script is served as a script.
    let stranger = signed_in_user(&server, &sdk, &pool_id, &client_id, "nopk@example.com").await;
    let _ = stranger;
    let page = other.get(&login).await;
    let csrf = field(&page.body, "_csrf");
    let refused =
        other.post(&action, &[("_csrf", &csrf), ("username", "nopk@example.com"), ("first_factor", "WEB_AUTHN")]).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("This way of signing in is not available for this account."));
    let script = reqwest::get(format!("{}/hosted/passkey.js", server.url)).await.unwrap();
    assert_eq!(script.headers()["content-type"], "text/javascript; charset=utf-8");
    assert!(script.text().await.unwrap().contains("navigator.credentials.get"));
}
