//! Lambda triggers as signed webhooks: a local receiver plays the functions, records each
//! event, and answers as a Lambda handler would (the returned event, a thrown error, silence).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, LambdaConfigType, PreTokenGenerationLambdaVersionType,
    PreTokenGenerationVersionConfigType, UsernameAttributeType, VerifiedAttributeType,
};
use aws_sdk_cognitoidentityprovider::Client;
use serde_json::{json, Value};

use crate::common::*;

pub(crate) const SECRET: &[u8] = b"trigger-secret-for-tests";

/// What a function does with its event.
pub(crate) type Handler = Arc<dyn Fn(&str, &mut Value) -> Reply + Send + Sync>;

/// A function's answer.
pub(crate) enum Reply {
    /// The (changed) event.
    Event,
    /// `throw new Error(message)`.
    Throw(&'static str),
    /// Not JSON at all.
    Garbage,
    /// No answer within the server's timeout.
    Hang,
}

/// The receiver: every event it got, by function name, and the URL template to point at it.
pub(crate) struct Functions {
    pub(crate) url: String,
    seen: Arc<Mutex<Vec<(String, Value)>>>,
}

impl Functions {
    /// Starts a receiver that checks each call's signature and runs `handler`.
    pub(crate) async fn start(handler: Handler) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = seen.clone();
        let app = axum::Router::new().route(
            "/{function}",
            axum::routing::post(
                move |axum::extract::Path(function): axum::extract::Path<String>,
                      headers: http::HeaderMap,
                      body: bytes::Bytes| {
                    let (kept, handler) = (kept.clone(), handler.clone());
                    async move {
                        let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                        let timestamp: i64 = header("x-cognate-timestamp").parse().unwrap_or(0);
                        let expected = cognate_outbound::signing::signature(SECRET, timestamp, &body);
                        if header("x-cognate-signature") != expected {
                            return (http::StatusCode::UNAUTHORIZED, String::new());
                        }
                        let mut event: Value = serde_json::from_slice(&body).unwrap();
                        kept.lock().unwrap().push((function.clone(), event.clone()));
                        match handler(&function, &mut event) {
                            Reply::Event => (http::StatusCode::OK, event.to_string()),
                            Reply::Throw(message) => (
                                http::StatusCode::BAD_REQUEST,
                                json!({"errorMessage": message, "errorType": "Error"}).to_string(),
                            ),
                            Reply::Garbage => (http::StatusCode::OK, "<html>oops</html>".into()),
                            Reply::Hang => {
                                tokio::time::sleep(Duration::from_secs(3)).await;
                                (http::StatusCode::OK, event.to_string())
                            }
                        }
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/{{function}}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, seen }
    }

    /// The events `function` got, oldest first.
    pub(crate) fn events(&self, function: &str) -> Vec<Value> {
        self.seen.lock().unwrap().iter().filter(|(f, _)| f == function).map(|(_, e)| e.clone()).collect()
    }
}

pub(crate) fn arn(function: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{function}")
}

/// PreTokenGenerationConfig: `version` of the function `name`.
fn versioned(version: PreTokenGenerationLambdaVersionType, name: &str) -> PreTokenGenerationVersionConfigType {
    PreTokenGenerationVersionConfigType::builder().lambda_version(version).lambda_arn(arn(name)).build().unwrap()
}

/// An email pool with `config` and a client allowing password, SRP, custom and refresh flows.
pub(crate) async fn pool_with(sdk: &Client, config: LambdaConfigType) -> (String, String) {
    let pool = sdk
        .create_user_pool()
        .pool_name("triggers")
        .username_attributes(UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .lambda_config(config)
        .send()
        .await
        .unwrap();
    let pool_id = pool.user_pool().unwrap().id().unwrap().to_owned();
    use ExplicitAuthFlowsType::*;
    let flows = [AllowUserPasswordAuth, AllowUserSrpAuth, AllowCustomAuth, AllowRefreshTokenAuth];
    (pool_id.clone(), client_id(client_with_flows(sdk, &pool_id, &flows).send().await.unwrap()))
}

async fn sign_up(
    sdk: &Client,
    client_id: &str,
    email: &str,
) -> aws_sdk_cognitoidentityprovider::operation::sign_up::SignUpOutput {
    sdk.sign_up()
        .client_id(client_id)
        .username(email)
        .password(PASSWORD)
        .user_attributes(attr("email", email))
        .validation_data(attr("invite", "abc"))
        .client_metadata("source", "test")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn lambda_config_is_kept_and_shown_and_unmapped_functions_are_refused() {
    let functions = Functions::start(Arc::new(|_, _| Reply::Event)).await;
    let server = TestServer::start_with_triggers(&functions.url, SECRET).await;
    let sdk = server.sdk();
    let config = LambdaConfigType::builder()
        .pre_sign_up(arn("preSignUp"))
        .define_auth_challenge(arn("define"))
        .pre_token_generation_config(versioned(PreTokenGenerationLambdaVersionType::V20, "preToken"))
        .build();
    let (pool_id, _) = pool_with(&sdk, config).await;
    let shown = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    let shown = shown.user_pool().unwrap().lambda_config().unwrap();
    assert_eq!(shown.pre_sign_up(), Some(arn("preSignUp").as_str()));
    assert_eq!(shown.pre_token_generation(), Some(arn("preToken").as_str()), "the legacy key names the same function");
    let configured = shown.pre_token_generation_config().unwrap();
    assert_eq!(configured.lambda_version(), &PreTokenGenerationLambdaVersionType::V20);

    let sns = LambdaConfigType::builder().pre_sign_up("arn:aws:sns:us-east-1:123456789012:topic-name").build();
    let (kind, message) = error(sdk.create_user_pool().pool_name("x").lambda_config(sns).send().await);
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.contains("has no endpoint"), "{message}");
    let mismatch = LambdaConfigType::builder()
        .pre_token_generation(arn("a"))
        .pre_token_generation_config(versioned(PreTokenGenerationLambdaVersionType::V10, "b"))
        .build();
    assert_eq!(
        code(sdk.create_user_pool().pool_name("x").lambda_config(mismatch).send().await),
        "InvalidParameterException"
    );

    let unconfigured = TestServer::start().await;
    let any = LambdaConfigType::builder().pre_sign_up(arn("preSignUp")).build();
    let (kind, message) = error(unconfigured.sdk().create_user_pool().pool_name("x").lambda_config(any).send().await);
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.contains("[[triggers.functions]]"), "the message says how to map it: {message}");
}

#[tokio::test]
async fn pre_sign_up_confirms_and_verifies_and_post_confirmation_hears_of_it() {
    let functions = Functions::start(Arc::new(|function, event| {
        let email = event["request"]["userAttributes"]["email"].as_str().unwrap_or("").to_owned();
        match function {
            "preSignUp" if email.ends_with("@blocked.example") => {
                Reply::Throw("Registration from this domain is not allowed.")
            }
            "preSignUp" if email.starts_with("auto") => {
                event["response"]["autoConfirmUser"] = json!(true);
                event["response"]["autoVerifyEmail"] = json!(true);
                Reply::Event
            }
            _ => Reply::Event,
        }
    }))
    .await;
    let server = TestServer::start_with_triggers(&functions.url, SECRET).await;
    let sdk = server.sdk();
    let config =
        LambdaConfigType::builder().pre_sign_up(arn("preSignUp")).post_confirmation(arn("postConfirmation")).build();
    let (pool_id, client_id) = pool_with(&sdk, config).await;

    let auto = sign_up(&sdk, &client_id, "auto@example.com").await;
    assert!(auto.user_confirmed(), "PreSignUp's autoConfirmUser confirms the user");
    assert!(auto.code_delivery_details().is_none(), "no code goes to a confirmed, verified user");
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("auto@example.com").send().await.unwrap();
    let verified = user.user_attributes().iter().find(|a| a.name() == "email_verified").and_then(|a| a.value());
    assert_eq!(verified, Some("true"));
    sign_in(&sdk, &client_id, "auto@example.com", PASSWORD).await.expect("the confirmed user signs in");

    let pre = &functions.events("preSignUp")[0];
    assert_eq!(pre["version"], "1");
    assert_eq!(pre["triggerSource"], "PreSignUp_SignUp");
    assert_eq!((pre["region"].as_str(), pre["userPoolId"].as_str()), (Some("us-east-1"), Some(pool_id.as_str())));
    assert_eq!(pre["callerContext"]["clientId"], client_id.as_str());
    assert_eq!(pre["callerContext"]["awsSdkVersion"], "aws-sdk-unknown-unknown");
    assert_eq!(pre["request"]["validationData"], json!({"invite": "abc"}));
    assert_eq!(pre["request"]["clientMetadata"], json!({"source": "test"}));
    assert_eq!(pre["request"]["userAttributes"]["cognito:user_status"], "UNCONFIRMED");
    assert_eq!(pre["response"], json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}));
    let post = &functions.events("postConfirmation")[0];
    assert_eq!(post["triggerSource"], "PostConfirmation_ConfirmSignUp");
    assert_eq!(post["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");

    let plain = sign_up(&sdk, &client_id, "plain@example.com").await;
    assert!(!plain.user_confirmed());
    let sent = server.last_code("plain@example.com").unwrap();
    sdk.confirm_sign_up()
        .client_id(&client_id)
        .username("plain@example.com")
        .confirmation_code(sent)
        .client_metadata("step", "confirm")
        .send()
        .await
        .unwrap();
    let confirmed = functions.events("postConfirmation");
    assert_eq!(confirmed.len(), 2, "ConfirmSignUp runs PostConfirmation");
    assert_eq!(confirmed[1]["request"]["clientMetadata"], json!({"step": "confirm"}));

    let (kind, message) = error(
        sdk.sign_up()
            .client_id(&client_id)
            .username("eve@blocked.example")
            .password(PASSWORD)
            .user_attributes(attr("email", "eve@blocked.example"))
            .send()
            .await,
    );
    assert_eq!(kind, "UserLambdaValidationException");
    assert_eq!(message, "PreSignUp failed with error Registration from this domain is not allowed..");
    let refused = sdk.admin_get_user().user_pool_id(&pool_id).username("eve@blocked.example").send().await;
    assert_eq!(code(refused), "UserNotFoundException", "a refused sign-up stores nobody");
}

#[tokio::test]
async fn sign_in_runs_pre_and_post_authentication_and_pre_token_v2_shapes_both_tokens() {
    let functions = Functions::start(Arc::new(|function, event| match function {
        "preAuthentication" if event["request"]["validationData"]["deny"] == "yes" => Reply::Throw("Not today."),
        "preToken" => {
            event["response"]["claimsAndScopeOverrideDetails"] = json!({
                "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme"}, "claimsToSuppress": ["email"]},
                "accessTokenGeneration": {
                    "claimsToAddOrOverride": {"roles": ["editor"], "sub": "forged"},
                    "scopesToAdd": ["api/read"],
                },
            });
            Reply::Event
        }
        _ => Reply::Event,
    }))
    .await;
    let server = TestServer::start_with_triggers(&functions.url, SECRET).await;
    let sdk = server.sdk();
    let config = LambdaConfigType::builder()
        .pre_authentication(arn("preAuthentication"))
        .post_authentication(arn("postAuthentication"))
        .pre_token_generation_config(versioned(PreTokenGenerationLambdaVersionType::V20, "preToken"))
        .build();
    let (_, client_id) = pool_with(&sdk, config).await;
    sdk.sign_up()
        .client_id(&client_id)
        .username("ana@example.com")
        .password(PASSWORD)
        .user_attributes(attr("email", "ana@example.com"))
        .send()
        .await
        .unwrap();
    let code = server.last_code("ana@example.com").unwrap();
    sdk.confirm_sign_up()
        .client_id(&client_id)
        .username("ana@example.com")
        .confirmation_code(code)
        .send()
        .await
        .unwrap();

    let signed_in = sign_in(&sdk, &client_id, "ana@example.com", PASSWORD).await.unwrap();
    let result = signed_in.authentication_result().unwrap();
    let id = jwt_claims(result.id_token().unwrap());
    let access = jwt_claims(result.access_token().unwrap());
    assert_eq!(id["tenant"], "acme");
    assert!(id.get("email").is_none(), "suppressed");
    assert_eq!(access["roles"], json!(["editor"]));
    assert_ne!(access["sub"], "forged", "sub cannot be overridden");
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin api/read");
    sdk.get_user().access_token(result.access_token().unwrap()).send().await.expect("the token still works");

    let pre_token = &functions.events("preToken")[0];
    assert_eq!(
        (pre_token["version"].as_str(), pre_token["triggerSource"].as_str()),
        (Some("2"), Some("TokenGeneration_Authentication"))
    );
    assert_eq!(pre_token["request"]["scopes"], json!(["aws.cognito.signin.user.admin"]));
    assert_eq!(
        pre_token["request"]["groupConfiguration"],
        json!({"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null})
    );
    assert_eq!(functions.events("preAuthentication")[0]["triggerSource"], "PreAuthentication_Authentication");
    let post = &functions.events("postAuthentication")[0];
    assert_eq!(
        (post["triggerSource"].as_str(), post["request"]["newDeviceUsed"].as_bool()),
        (Some("PostAuthentication_Authentication"), Some(false))
    );

    let refreshed = initiate(
        &sdk,
        &client_id,
        AuthFlowType::RefreshTokenAuth,
        &[("REFRESH_TOKEN", result.refresh_token().unwrap())],
    )
    .await
    .unwrap();
    let refreshed = jwt_claims(refreshed.authentication_result().unwrap().id_token().unwrap());
    assert_eq!(refreshed["tenant"], "acme");
    assert_eq!(functions.events("preToken")[1]["triggerSource"], "TokenGeneration_RefreshTokens");

    let denied = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "ana@example.com")
        .auth_parameters("PASSWORD", PASSWORD)
        .client_metadata("deny", "yes")
        .send()
        .await;
    assert_eq!(
        error(denied),
        ("UserLambdaValidationException".into(), "PreAuthentication failed with error Not today..".into())
    );
}

/// SignUp of `email` to a new pool of `server` whose PreSignUp is the receiver's function.
async fn sign_up_checked(server: &TestServer, email: &str) -> (String, String) {
    let sdk = server.sdk();
    let (_, client_id) = pool_with(&sdk, LambdaConfigType::builder().pre_sign_up(arn("preSignUp")).build()).await;
    let answer =
        sdk.sign_up().client_id(&client_id).username(email).password(PASSWORD).user_attributes(attr("email", email));
    error(answer.send().await)
}

#[tokio::test]
async fn failures_are_answered_as_cognito_words_them() {
    let functions = Functions::start(Arc::new(|_, event| {
        match event["request"]["userAttributes"]["email"].as_str().unwrap_or("") {
            "slow@example.com" => Reply::Hang,
            "garbage@example.com" => Reply::Garbage,
            _ => Reply::Event,
        }
    }))
    .await;
    let server = TestServer::start_with_triggers(&functions.url, SECRET).await;
    let (kind, message) = sign_up_checked(&server, "slow@example.com").await;
    assert_eq!(kind, "UnexpectedLambdaException");
    assert_eq!(message, "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.");
    assert_eq!(functions.events("preSignUp").len(), 3, "three attempts, as Cognito makes");
    assert_eq!(
        sign_up_checked(&server, "garbage@example.com").await,
        ("InvalidLambdaResponseException".into(), "Invalid lambda function output : Invalid JSON".into())
    );

    let stranger = TestServer::start_with_triggers(&functions.url, b"another-secret-0123").await;
    let (_, message) = sign_up_checked(&stranger, "a@example.com").await;
    assert_eq!(message, "PreSignUp invocation failed due to error AccessDeniedException.");

    let down = TestServer::start_with_triggers("http://127.0.0.1:1/{function}", SECRET).await;
    assert_eq!(sign_up_checked(&down, "a@example.com").await.0, "UnexpectedLambdaException");
}

#[tokio::test]
async fn user_migration_moves_a_user_on_sign_in_and_on_forgot_password() {
    let functions = Functions::start(Arc::new(|_, event| {
        let user = event["userName"].as_str().unwrap_or("").to_owned();
        let password = event["request"]["password"].as_str();
        match (user.as_str(), password) {
            ("old@example.com", Some("Legacy-Password-1")) | ("forgetful@example.com", None) => {
                event["response"]["userAttributes"] = json!({"email": user, "email_verified": "true"});
                event["response"]["finalUserStatus"] = json!("CONFIRMED");
                event["response"]["messageAction"] = json!("SUPPRESS");
                Reply::Event
            }
            _ => Reply::Throw("Bad password"),
        }
    }))
    .await;
    let server = TestServer::start_with_triggers(&functions.url, SECRET).await;
    let sdk = server.sdk();
    let (pool_id, client_id) =
        pool_with(&sdk, LambdaConfigType::builder().user_migration(arn("migrate")).build()).await;

    let wrong = sign_in(&sdk, &client_id, "old@example.com", "Guess-Password-1").await;
    assert_eq!(
        error(wrong),
        ("UserNotFoundException".into(), format!("Exception migrating user in app client {client_id}"))
    );
    let moved = sign_in(&sdk, &client_id, "old@example.com", "Legacy-Password-1").await.expect("migrated on sign-in");
    let id = jwt_claims(moved.authentication_result().unwrap().id_token().unwrap());
    assert_eq!(id["email"], "old@example.com");
    let event = &functions.events("migrate")[1];
    assert_eq!(event["triggerSource"], "UserMigration_Authentication");
    assert_eq!(event["request"]["password"], "Legacy-Password-1");
    sign_in(&sdk, &client_id, "old@example.com", "Legacy-Password-1").await.expect("the password now lives here");
    assert_eq!(functions.events("migrate").len(), 2, "a migrated user is not asked about again");

    let forgot = sdk.forgot_password().client_id(&client_id).username("forgetful@example.com");
    forgot.client_metadata("app", "web").send().await.unwrap();
    let event = functions.events("migrate").pop().unwrap();
    assert_eq!(event["triggerSource"], "UserMigration_ForgotPassword");
    assert_eq!(event["request"]["clientMetadata"], json!({"app": "web"}));
    assert!(event["request"].get("password").is_none());
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("forgetful@example.com").send().await.unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "RESET_REQUIRED", "no password came with a forgotten one");
    let code = server.last_code("forgetful@example.com").expect("the recovery code went out");
    sdk.confirm_forgot_password()
        .client_id(&client_id)
        .username("forgetful@example.com")
        .confirmation_code(code)
        .password(PASSWORD)
        .send()
        .await
        .unwrap();
    sign_in(&sdk, &client_id, "forgetful@example.com", PASSWORD).await.expect("signs in with the new password");
}

/// Define/Create/Verify for a one-question challenge: three tries, then failure.
fn quiz(function: &str, event: &mut Value) -> Reply {
    let session = event["request"]["session"].as_array().cloned().unwrap_or_default();
    match function {
        "define" => {
            let last = session.last();
            let response = &mut event["response"];
            if last.is_some_and(|l| l["challengeName"] == "CUSTOM_CHALLENGE" && l["challengeResult"] == true) {
                response["issueTokens"] = json!(true);
                response["failAuthentication"] = json!(false);
            } else if session.len() >= 3 {
                response["failAuthentication"] = json!(true);
            } else if last.is_some_and(|l| l["challengeName"] == "SRP_A") {
                response["challengeName"] = json!("PASSWORD_VERIFIER");
            } else {
                response["challengeName"] = json!("CUSTOM_CHALLENGE");
            }
            Reply::Event
        }
        "create" => {
            event["response"]["publicChallengeParameters"] = json!({"question": "2 + 3?"});
            event["response"]["privateChallengeParameters"] = json!({"answer": "5"});
            event["response"]["challengeMetadata"] = json!(format!("QUESTION-{}", session.len()));
            Reply::Event
        }
        "verify" => {
            let right = event["request"]["challengeAnswer"] == event["request"]["privateChallengeParameters"]["answer"];
            event["response"]["answerCorrect"] = json!(right);
            Reply::Event
        }
        _ => Reply::Event,
    }
}

#[tokio::test]
async fn custom_auth_runs_the_define_create_verify_loop() {
    let functions = Functions::start(Arc::new(quiz)).await;
    let server = TestServer::start_with_triggers(&functions.url, SECRET).await;
    let sdk = server.sdk();
    let config = LambdaConfigType::builder()
        .define_auth_challenge(arn("define"))
        .create_auth_challenge(arn("create"))
        .verify_auth_challenge_response(arn("verify"))
        .build();
    let (_, client_id) = pool_with(&sdk, config).await;
    confirmed(&server, &sdk, &client_id, "cy@example.com").await;

    let started =
        initiate(&sdk, &client_id, AuthFlowType::CustomAuth, &[("USERNAME", "cy@example.com")]).await.unwrap();
    assert_eq!(started.challenge_name(), Some(&ChallengeNameType::CustomChallenge));
    let parameters = started.challenge_parameters().unwrap();
    assert_eq!(parameters["question"], "2 + 3?");
    assert!(parameters.contains_key("USERNAME"));
    assert!(!parameters.contains_key("answer"), "private parameters stay private");
    let answer = |session: &str, value: &str| {
        sdk.respond_to_auth_challenge()
            .client_id(&client_id)
            .challenge_name(ChallengeNameType::CustomChallenge)
            .session(session)
            .challenge_responses("USERNAME", "cy@example.com")
            .challenge_responses("ANSWER", value)
            .client_metadata("lang", "en")
            .send()
    };
    let wrong = answer(started.session().unwrap(), "4").await.unwrap();
    assert_eq!(wrong.challenge_name(), Some(&ChallengeNameType::CustomChallenge), "another try, with a new session");
    assert_ne!(wrong.session(), started.session());
    assert_eq!(
        code(answer(started.session().unwrap(), "5").await),
        "NotAuthorizedException",
        "a session is spent once"
    );
    let right = answer(wrong.session().unwrap(), "5").await.unwrap();
    let tokens = right.authentication_result().expect("issueTokens gives tokens");
    sdk.get_user().access_token(tokens.access_token().unwrap()).send().await.unwrap();

    let defines = functions.events("define");
    assert_eq!(defines[0]["request"]["session"], json!([]));
    assert_eq!(
        defines[2]["request"]["session"],
        json!([
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": false, "challengeMetadata": "QUESTION-0"},
            {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": true, "challengeMetadata": "QUESTION-1"},
        ])
    );
    let verify = &functions.events("verify")[0];
    assert_eq!(verify["request"]["challengeAnswer"], "4");
    assert_eq!(verify["request"]["privateChallengeParameters"], json!({"answer": "5"}));
    assert_eq!(verify["request"]["clientMetadata"], json!({"lang": "en"}));

    // Three wrong answers: DefineAuthChallenge fails the sign-in.
    let started =
        initiate(&sdk, &client_id, AuthFlowType::CustomAuth, &[("USERNAME", "cy@example.com")]).await.unwrap();
    let mut session = started.session().unwrap().to_owned();
    for _ in 0..2 {
        session = answer(&session, "0").await.unwrap().session().unwrap().to_owned();
    }
    let (kind, _) = error(answer(&session, "0").await);
    assert_eq!(kind, "NotAuthorizedException");
}

#[tokio::test]
async fn custom_auth_without_its_triggers_is_a_pool_configuration_error() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (_, client_id) = pool_with(&sdk, LambdaConfigType::builder().build()).await;
    let (kind, message) =
        error(initiate(&sdk, &client_id, AuthFlowType::CustomAuth, &[("USERNAME", "x@example.com")]).await);
    assert_eq!(kind, "InvalidUserPoolConfigurationException");
    assert_eq!(message, "Custom auth lambda trigger is not configured for the user pool.");
}

#[tokio::test]
async fn custom_message_rewords_codes_but_keeps_the_placeholder() {
    let functions = Functions::start(Arc::new(|_, event| {
        match event["triggerSource"].as_str() {
            Some("CustomMessage_SignUp") => {
                event["response"]["emailSubject"] = json!("Welcome to Cruddur");
                event["response"]["emailMessage"] =
                    json!(format!("Hi! Your code is {}.", event["request"]["codeParameter"].as_str().unwrap()));
            }
            Some("CustomMessage_ForgotPassword") => event["response"]["emailMessage"] = json!("No code here"),
            _ => {}
        }
        Reply::Event
    }))
    .await;
    let server = TestServer::start_with_triggers(&functions.url, SECRET).await;
    let sdk = server.sdk();
    let (pool_id, client_id) =
        pool_with(&sdk, LambdaConfigType::builder().custom_message(arn("message")).build()).await;
    sign_up(&sdk, &client_id, "mo@example.com").await;
    let sent = server.messages().pop().unwrap();
    let code = server.last_code("mo@example.com").unwrap();
    assert_eq!(sent["message"], format!("Hi! Your code is {code}."));
    let event = &functions.events("message")[0];
    assert_eq!(event["request"]["codeParameter"], "{####}");
    assert_eq!(event["request"]["usernameParameter"], Value::Null);
    assert_eq!(event["callerContext"]["clientId"], client_id.as_str(), "the client that asked");
    assert_eq!(event["request"]["clientMetadata"], json!({"source": "test"}), "SignUp's ClientMetadata");

    sdk.confirm_sign_up()
        .client_id(&client_id)
        .username("mo@example.com")
        .confirmation_code(code)
        .send()
        .await
        .unwrap();
    sdk.forgot_password().client_id(&client_id).username("mo@example.com").send().await.unwrap();
    let recovery = server.messages().pop().unwrap();
    assert!(
        recovery["message"].as_str().unwrap().contains(&server.last_code("mo@example.com").unwrap()),
        "a text without the code is not used"
    );
    assert_eq!(functions.events("message")[1]["triggerSource"], "CustomMessage_ForgotPassword");

    // An administrator's reset names no client, as Cognito's events say, but passes its metadata.
    sdk.admin_reset_user_password()
        .user_pool_id(&pool_id)
        .username("mo@example.com")
        .client_metadata("by", "support")
        .send()
        .await
        .unwrap();
    let reset = functions.events("message").pop().unwrap();
    assert_eq!(reset["callerContext"]["clientId"], "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(reset["request"]["clientMetadata"], json!({"by": "support"}));

    // Every other message's ClientMetadata reaches it too.
    sdk.sign_up()
        .client_id(&client_id)
        .username("nia@example.com")
        .password(PASSWORD)
        .user_attributes(attr("email", "nia@example.com"))
        .send()
        .await
        .unwrap();
    let resend = sdk.resend_confirmation_code().client_id(&client_id).username("nia@example.com");
    resend.client_metadata("again", "1").send().await.unwrap();
    let resent = functions.events("message").pop().unwrap();
    assert_eq!(resent["triggerSource"], "CustomMessage_ResendCode");
    assert_eq!(resent["request"]["clientMetadata"], json!({"again": "1"}));

    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("ola@example.com")
        .user_attributes(attr("email", "ola@example.com"))
        .client_metadata("invited_by", "mo")
        .send()
        .await
        .unwrap();
    let invitation = functions.events("message").pop().unwrap();
    assert_eq!(invitation["triggerSource"], "CustomMessage_AdminCreateUser");
    assert_eq!(invitation["request"]["clientMetadata"], json!({"invited_by": "mo"}));

    confirmed(&server, &sdk, &client_id, "pia@example.com").await;
    let signed_in = sign_in(&sdk, &client_id, "pia@example.com", PASSWORD).await.unwrap();
    let token = signed_in.authentication_result().unwrap().access_token().unwrap().to_owned();
    let update = sdk.update_user_attributes().access_token(&token).user_attributes(attr("email", "pia2@example.com"));
    update.client_metadata("screen", "profile").send().await.unwrap();
    let changed = functions.events("message").pop().unwrap();
    assert_eq!(changed["triggerSource"], "CustomMessage_UpdateUserAttribute");
    assert_eq!(changed["callerContext"]["clientId"], client_id.as_str(), "the token's client asked");
    assert_eq!(changed["request"]["clientMetadata"], json!({"screen": "profile"}));
    let again = sdk.get_user_attribute_verification_code().access_token(&token).attribute_name("email");
    again.client_metadata("screen", "verify").send().await.unwrap();
    let verify = functions.events("message").pop().unwrap();
    assert_eq!(verify["triggerSource"], "CustomMessage_VerifyUserAttribute");
    assert_eq!(verify["callerContext"]["clientId"], client_id.as_str());
    assert_eq!(verify["request"]["clientMetadata"], json!({"screen": "verify"}));
}

/// A confirmed user with the test password.
async fn confirmed(server: &TestServer, sdk: &Client, client_id: &str, email: &str) {
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
}

#[tokio::test]
async fn pre_token_v3_shapes_client_credentials_tokens_and_names_the_new_password_step() {
    let functions = Functions::start(Arc::new(|_, event| {
        event["response"]["claimsAndScopeOverrideDetails"] = json!({
            "idTokenGeneration": {"claimsToAddOrOverride": {"step": "id"}},
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"tier": "gold", "client_id": "forged"},
                "scopesToAdd": ["https://api.example.com/write"],
            },
            "groupOverrideDetails": {"groupsToOverride": ["machines"]},
        });
        Reply::Event
    }))
    .await;
    let server = TestServer::start_with_triggers(&functions.url, SECRET).await;
    let sdk = server.sdk();
    let (pool_id, client_id, secret) = crate::oauth::machine_client(&sdk, "m2m-triggers").await;
    sdk.update_user_pool()
        .user_pool_id(&pool_id)
        .lambda_config(
            LambdaConfigType::builder()
                .pre_token_generation_config(versioned(PreTokenGenerationLambdaVersionType::V30, "preToken"))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let form = [("grant_type", "client_credentials")];
    let (status, body) = crate::oauth::token(&server, &form, Some((&client_id, &secret))).await;
    assert_eq!(status, 200, "{body}");
    let access = jwt_claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["tier"], "gold");
    assert_eq!(access["client_id"], client_id.as_str(), "client_id cannot be overridden");
    assert_eq!(access["scope"], "https://api.example.com/read https://api.example.com/write");
    assert!(access.get("cognito:groups").is_none(), "a client has no groups to override");
    let event = &functions.events("preToken")[0];
    assert_eq!(
        (event["version"].as_str(), event["triggerSource"].as_str()),
        (Some("3"), Some("TokenGeneration_ClientCredentials"))
    );
    assert_eq!(event["userName"], Value::Null);
    assert_eq!(event["request"]["scopes"], json!(["https://api.example.com/read"]));

    // A user's first sign-in with a temporary password: the tokens come from the new-password step.
    let user_client = public_client(&sdk, &pool_id).await;
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("newbie")
        .temporary_password("Temporary-Pass-1")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let challenged = sign_in(&sdk, &user_client, "newbie", "Temporary-Pass-1").await.unwrap();
    assert_eq!(challenged.challenge_name(), Some(&ChallengeNameType::NewPasswordRequired));
    let done = sdk
        .respond_to_auth_challenge()
        .client_id(&user_client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(challenged.session().unwrap())
        .challenge_responses("USERNAME", "newbie")
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let id = jwt_claims(done.authentication_result().unwrap().id_token().unwrap());
    assert_eq!((id["step"].as_str(), id["cognito:groups"].clone()), (Some("id"), json!(["machines"])));
    assert_eq!(functions.events("preToken")[1]["triggerSource"], "TokenGeneration_NewPasswordChallenge");
}
