//! Sign-in, tokens and refresh through the AWS SDK for Rust.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, MessageActionType,
};

#[tokio::test]
async fn tokens_carry_cognitos_claims_and_verify_against_the_jwks() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    confirmed_user(&server, &sdk, &client_id, "claims@example.com").await;

    let auth = sign_in(&sdk, &client_id, "claims@example.com", PASSWORD).await.unwrap();
    let result = auth.authentication_result().unwrap();
    assert_eq!(result.token_type(), Some("Bearer"));
    assert_eq!(result.expires_in(), 3600);
    let issuer = format!("{}/{}", server.url, pool_id);

    let access = jwt_claims(result.access_token().unwrap());
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["iss"], issuer.as_str());
    assert_eq!(access["client_id"], client_id.as_str());
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(), 3600);
    for claim in ["sub", "username", "jti", "origin_jti", "event_id", "auth_time"] {
        assert!(!access[claim].is_null(), "access token lacks {claim}");
    }
    assert!(access.get("email").is_none(), "no personal data in access tokens");

    let id = jwt_claims(result.id_token().unwrap());
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["aud"], client_id.as_str());
    assert_eq!(id["iss"], issuer.as_str());
    assert_eq!(id["email"], "claims@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["name"], "Test User");
    assert_eq!(id["cognito:username"], access["username"]);
    assert_eq!(id["sub"], access["sub"]);
    assert_eq!(id["origin_jti"], access["origin_jti"]);

    // Both tokens are signed by keys the pool publishes, and by different keys.
    let jwks: serde_json::Value =
        reqwest::get(format!("{issuer}/.well-known/jwks.json")).await.unwrap().json().await.unwrap();
    let kids: Vec<&str> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
    let header = |t: &str| -> serde_json::Value {
        use base64::Engine;
        let h = t.split('.').next().unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(h).unwrap()).unwrap()
    };
    let (access_kid, id_kid) = (header(result.access_token().unwrap()), header(result.id_token().unwrap()));
    assert_eq!(access_kid["alg"], "RS256");
    assert!(kids.contains(&access_kid["kid"].as_str().unwrap()));
    assert!(kids.contains(&id_kid["kid"].as_str().unwrap()));
    assert_ne!(access_kid["kid"], id_kid["kid"]);
    let discovery: serde_json::Value =
        reqwest::get(format!("{issuer}/.well-known/openid-configuration")).await.unwrap().json().await.unwrap();
    assert_eq!(discovery["issuer"], issuer.as_str());
    assert_eq!(discovery["jwks_uri"], format!("{issuer}/.well-known/jwks.json").as_str());
}

#[tokio::test]
async fn refresh_keeps_the_origin_and_is_bound_to_its_client() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    let other_client = public_client(&sdk, &pool_id).await;
    confirmed_user(&server, &sdk, &client_id, "refresh@example.com").await;
    let signed_in = sign_in(&sdk, &client_id, "refresh@example.com", PASSWORD).await.unwrap();
    let first = signed_in.authentication_result().unwrap();
    let refresh_token = first.refresh_token().unwrap();

    server.clock.advance(600);
    let refreshed = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", refresh_token)
        .send()
        .await
        .unwrap();
    let second = refreshed.authentication_result().unwrap();
    assert!(second.refresh_token().is_none(), "a refresh does not mint a refresh token");
    let (a, b) = (jwt_claims(first.access_token().unwrap()), jwt_claims(second.access_token().unwrap()));
    assert_eq!(a["origin_jti"], b["origin_jti"]);
    assert_eq!(a["auth_time"], b["auth_time"]);
    assert_ne!(a["jti"], b["jti"]);
    assert_eq!(b["iat"].as_i64().unwrap(), a["iat"].as_i64().unwrap() + 600);
    sdk.get_user().access_token(second.access_token().unwrap()).send().await.unwrap();

    let via_new_action =
        sdk.get_tokens_from_refresh_token().client_id(&client_id).refresh_token(refresh_token).send().await.unwrap();
    assert!(via_new_action.authentication_result().unwrap().access_token().is_some());

    let wrong_client = sdk
        .initiate_auth()
        .client_id(&other_client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", refresh_token)
        .send()
        .await;
    assert_eq!(error(wrong_client), ("NotAuthorizedException".into(), "Invalid Refresh Token".into()));
    let forged = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", "not-a-token")
        .send()
        .await;
    assert_eq!(code(forged), "NotAuthorizedException");

    // Thirty days later the refresh token has expired, and the access token long before.
    server.clock.advance(30 * 86_400);
    let expired = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", refresh_token)
        .send()
        .await;
    assert_eq!(error(expired), ("NotAuthorizedException".into(), "Refresh Token has expired".into()));
    let stale = sdk.get_user().access_token(second.access_token().unwrap()).send().await;
    assert_eq!(error(stale), ("NotAuthorizedException".into(), "Access Token has expired".into()));
}

#[tokio::test]
async fn wrong_passwords_unknown_users_and_disallowed_flows_are_refused() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = username_pool(&sdk).await;
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("heidi")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    sdk.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("heidi")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error(sign_in(&sdk, &client_id, "heidi", "Wrong-Horse-1").await),
        ("NotAuthorizedException".into(), "Incorrect username or password.".into())
    );
    assert_eq!(
        error(sign_in(&sdk, &client_id, "ivan", PASSWORD).await),
        ("UserNotFoundException".into(), "User does not exist.".into())
    );
    assert!(sign_in(&sdk, &client_id, "heidi", PASSWORD).await.is_ok());

    // A client that does not allow the password flow.
    let srp_only = sdk.create_user_pool_client().user_pool_id(&pool_id).client_name("srp").send().await.unwrap();
    let srp_only = srp_only.user_pool_client().unwrap().client_id().unwrap().to_owned();
    assert_eq!(
        error(sign_in(&sdk, &srp_only, "heidi", PASSWORD).await),
        ("InvalidParameterException".into(), "USER_PASSWORD_AUTH flow not enabled for this client".into())
    );
    let custom = sdk
        .initiate_auth()
        .client_id(&srp_only)
        .auth_flow(AuthFlowType::CustomAuth)
        .auth_parameters("USERNAME", "heidi")
        .send()
        .await;
    // Cognito's default flows include ALLOW_CUSTOM_AUTH, which needs the pool's triggers.
    assert_eq!(error(custom).0, "InvalidUserPoolConfigurationException");
    let admin = sdk
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&srp_only)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "heidi")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await;
    assert_eq!(code(admin), "InvalidParameterException");
    let missing = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "heidi")
        .send()
        .await;
    assert_eq!(error(missing), ("InvalidParameterException".into(), "Missing required parameter PASSWORD".into()));

    // With PreventUserExistenceErrors, unknown users look like wrong passwords.
    let quiet = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("quiet")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .prevent_user_existence_errors(aws_sdk_cognitoidentityprovider::types::PreventUserExistenceErrorTypes::Enabled)
        .send()
        .await
        .unwrap();
    let quiet = quiet.user_pool_client().unwrap().client_id().unwrap().to_owned();
    assert_eq!(
        error(sign_in(&sdk, &quiet, "ivan", PASSWORD).await),
        ("NotAuthorizedException".into(), "Incorrect username or password.".into())
    );
}

#[tokio::test]
async fn admin_created_users_must_choose_a_new_password() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    let created = sdk
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("judy@example.com")
        .user_attributes(attr("name", "Judy"))
        .user_attributes(attr("email_verified", "true"))
        .desired_delivery_mediums(aws_sdk_cognitoidentityprovider::types::DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    let user = created.user().unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "FORCE_CHANGE_PASSWORD");
    let invite = server.messages().pop().unwrap();
    assert_eq!(invite["purpose"], "ADMIN_CREATE_USER");
    assert_eq!(invite["destination"], "judy@example.com");
    let temporary = invite["code"].as_str().unwrap().to_owned();
    assert!(invite["message"].as_str().unwrap().contains(&temporary));

    let challenge = sdk
        .admin_initiate_auth()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "judy@example.com")
        .auth_parameters("PASSWORD", &temporary)
        .send()
        .await
        .unwrap();
    assert_eq!(challenge.challenge_name(), Some(&ChallengeNameType::NewPasswordRequired));
    let params = challenge.challenge_parameters().unwrap();
    assert_eq!(params["USER_ID_FOR_SRP"], user.username().unwrap());
    assert!(params["userAttributes"].contains("judy@example.com"));
    let session = challenge.session().unwrap();

    let weak = sdk
        .respond_to_auth_challenge()
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", "judy@example.com")
        .challenge_responses("NEW_PASSWORD", "weak")
        .send()
        .await;
    assert_eq!(code(weak), "InvalidPasswordException");
    let done = sdk
        .respond_to_auth_challenge()
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", "judy@example.com")
        .challenge_responses("NEW_PASSWORD", "Brand-New-Pass-2")
        .challenge_responses("userAttributes.preferred_username", "judy")
        .send()
        .await
        .unwrap();
    let tokens = done.authentication_result().unwrap();
    assert_eq!(jwt_claims(tokens.id_token().unwrap())["preferred_username"], "judy");
    let replay = sdk
        .respond_to_auth_challenge()
        .client_id(&client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", "judy@example.com")
        .challenge_responses("NEW_PASSWORD", "Another-Pass-3")
        .send()
        .await;
    assert_eq!(code(replay), "NotAuthorizedException");
    let status = sdk.admin_get_user().user_pool_id(&pool_id).username("judy@example.com").send().await.unwrap();
    assert_eq!(status.user_status().unwrap().as_str(), "CONFIRMED");
    assert!(
        code(
            sdk.admin_initiate_auth()
                .user_pool_id(&pool_id)
                .client_id(&client_id)
                .auth_flow(AuthFlowType::AdminUserPasswordAuth)
                .auth_parameters("USERNAME", "judy@example.com")
                .auth_parameters("PASSWORD", &temporary)
                .send()
                .await
        ) == "NotAuthorizedException"
    );
}

#[tokio::test]
async fn temporary_passwords_expire_and_admins_manage_users() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = username_pool(&sdk).await;
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("kim")
        .temporary_password("Temp-Pass-123")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    assert!(server.messages().is_empty(), "SUPPRESS sends nothing");
    let admin_sign_in = |password: &str| {
        sdk.admin_initiate_auth()
            .user_pool_id(&pool_id)
            .client_id(&client_id)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", "kim")
            .auth_parameters("PASSWORD", password)
            .send()
    };
    server.clock.advance(7 * 86_400 + 1);
    assert_eq!(
        error(admin_sign_in("Temp-Pass-123").await),
        (
            "NotAuthorizedException".into(),
            "Temporary password has expired and must be reset by an administrator.".into()
        )
    );
    sdk.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("kim")
        .password("Perm-Pass-456")
        .permanent(true)
        .send()
        .await
        .unwrap();
    assert!(admin_sign_in("Perm-Pass-456").await.unwrap().authentication_result().is_some());
    sdk.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("kim")
        .password("Temp-Pass-789")
        .permanent(false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        admin_sign_in("Temp-Pass-789").await.unwrap().challenge_name(),
        Some(&ChallengeNameType::NewPasswordRequired)
    );
    let weak =
        sdk.admin_set_user_password().user_pool_id(&pool_id).username("kim").password("x").permanent(true).send().await;
    assert_eq!(code(weak), "InvalidPasswordException");

    // RESEND issues a new temporary password to a FORCE_CHANGE_PASSWORD user with an address.
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("lee")
        .user_attributes(attr("email", "lee@example.com"))
        .desired_delivery_mediums(aws_sdk_cognitoidentityprovider::types::DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    let first = server.last_code("lee@example.com").unwrap();
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("lee")
        .message_action(MessageActionType::Resend)
        .desired_delivery_mediums(aws_sdk_cognitoidentityprovider::types::DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    let second = server.last_code("lee@example.com").unwrap();
    assert_ne!(first, second);

    // Confirm, delete.
    sdk.sign_up()
        .client_id(&client_id)
        .username("mia")
        .password(PASSWORD)
        .user_attributes(attr("email", "mia@example.com"))
        .send()
        .await
        .unwrap();
    sdk.admin_confirm_sign_up().user_pool_id(&pool_id).username("mia").send().await.unwrap();
    assert_eq!(
        code(sdk.admin_confirm_sign_up().user_pool_id(&pool_id).username("mia").send().await),
        "NotAuthorizedException"
    );
    assert_eq!(
        code(
            sdk.admin_create_user()
                .user_pool_id(&pool_id)
                .username("mia")
                .message_action(MessageActionType::Resend)
                .send()
                .await
        ),
        "UnsupportedUserStateException"
    );
    let tokens = sign_in(&sdk, &client_id, "mia", PASSWORD).await.unwrap();
    let access = tokens.authentication_result().unwrap().access_token().unwrap().to_owned();
    sdk.admin_delete_user().user_pool_id(&pool_id).username("mia").send().await.unwrap();
    assert_eq!(code(sdk.admin_get_user().user_pool_id(&pool_id).username("mia").send().await), "UserNotFoundException");
    assert_eq!(code(sdk.get_user().access_token(access).send().await), "UserNotFoundException");
    assert_eq!(
        code(sdk.admin_delete_user().user_pool_id(&pool_id).username("mia").send().await),
        "UserNotFoundException"
    );
}

#[tokio::test]
async fn forged_and_tampered_access_tokens_are_refused() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (_, client_id) = email_pool(&sdk).await;
    confirmed_user(&server, &sdk, &client_id, "nick@example.com").await;
    let auth = sign_in(&sdk, &client_id, "nick@example.com", PASSWORD).await.unwrap();
    let result = auth.authentication_result().unwrap();
    let access = result.access_token().unwrap();
    let id_token = result.id_token().unwrap();

    let mut parts: Vec<String> = access.split('.').map(str::to_owned).collect();
    let mut claims = jwt_claims(access);
    claims["sub"] = "someone-else".into();
    use base64::Engine;
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string());
    let tampered = parts.join(".");
    for bad in [tampered.as_str(), id_token, "garbage", "a.b.c"] {
        let answer = sdk.get_user().access_token(bad).send().await;
        assert_eq!(code(answer), "NotAuthorizedException", "token {bad:.20} was accepted");
    }
    // An empty or ill-formed token breaks the model's pattern: a validation error, as AWS answers.
    for bad in ["", "not a token!"] {
        let (kind, message) = error(sdk.get_user().access_token(bad).send().await);
        assert_eq!(kind, "InvalidParameterException");
        assert_eq!(
            message,
            "1 validation error detected: Value at 'accessToken' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [A-Za-z0-9-_=.]+"
        );
    }
}
