//! Fixtures shared by the API tests: pools, clients and users made through the SDK.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, ExplicitAuthFlowsType, SchemaAttributeType, UserPoolPolicyType, UsernameAttributeType,
    VerifiedAttributeType,
};
use aws_sdk_cognitoidentityprovider::Client;

#[allow(unused_imports)]
pub use cognate_testkit::{jwt_claims, TestServer};

pub const PASSWORD: &str = "Correct-Horse-1";

/// USER_PASSWORD_AUTH sign-in, as a public client does it.
pub async fn sign_in(
    sdk: &Client,
    client_id: &str,
    username: &str,
    password: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
    >,
> {
    sign_in_with(sdk, client_id, username, password, &[]).await
}

/// USER_PASSWORD_AUTH sign-in with more AuthParameters (DEVICE_KEY, SECRET_HASH).
pub async fn sign_in_with(
    sdk: &Client,
    client_id: &str,
    username: &str,
    password: &str,
    more: &[(&str, &str)],
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
    >,
> {
    let mut parameters = vec![("USERNAME", username), ("PASSWORD", password)];
    parameters.extend_from_slice(more);
    initiate(sdk, client_id, aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth, &parameters).await
}

/// InitiateAuth with a flow and its AuthParameters.
pub async fn initiate(
    sdk: &Client,
    client_id: &str,
    flow: aws_sdk_cognitoidentityprovider::types::AuthFlowType,
    parameters: &[(&str, &str)],
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
    >,
> {
    let mut request = sdk.initiate_auth().client_id(client_id).auth_flow(flow);
    for (name, value) in parameters {
        request = request.auth_parameters(*name, *value);
    }
    request.send().await
}

/// The exception name of a failed SDK call.
pub fn code<T, E: ProvideErrorMetadata>(result: Result<T, E>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code().unwrap_or("<none>").to_owned(),
    }
}

/// The exception name and message of a failed SDK call.
pub fn error<T, E: ProvideErrorMetadata>(result: Result<T, E>) -> (String, String) {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => (e.code().unwrap_or("<none>").to_owned(), e.message().unwrap_or("").to_owned()),
    }
}

/// `Policies` whose SignInPolicy allows these first factors (USER_AUTH).
pub fn first_factors(factors: &[aws_sdk_cognitoidentityprovider::types::AuthFactorType]) -> UserPoolPolicyType {
    let mut policy = aws_sdk_cognitoidentityprovider::types::SignInPolicyType::builder();
    for factor in factors {
        policy = policy.allowed_first_auth_factors(factor.clone());
    }
    UserPoolPolicyType::builder().sign_in_policy(policy.build()).build()
}

pub fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder().name(name).value(value).build().unwrap()
}

/// A pool where people sign in with their email, as in the tutorial, and a public client
/// allowing password and refresh flows.
pub async fn email_pool(sdk: &Client) -> (String, String) {
    let pool = sdk
        .create_user_pool()
        .pool_name("tutorial")
        .username_attributes(UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .schema(SchemaAttributeType::builder().name("name").required(true).mutable(true).build())
        .send()
        .await
        .unwrap();
    let pool_id = pool.user_pool().unwrap().id().unwrap().to_owned();
    let client = public_client(sdk, &pool_id).await;
    (pool_id, client)
}

/// A pool with plain usernames and a public client.
pub async fn username_pool(sdk: &Client) -> (String, String) {
    let pool = sdk
        .create_user_pool()
        .pool_name("usernames")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap();
    let pool_id = pool.user_pool().unwrap().id().unwrap().to_owned();
    let client = public_client(sdk, &pool_id).await;
    (pool_id, client)
}

pub async fn public_client(sdk: &Client, pool_id: &str) -> String {
    use ExplicitAuthFlowsType::*;
    let flows = [AllowUserPasswordAuth, AllowAdminUserPasswordAuth, AllowRefreshTokenAuth];
    client_id(client_with_flows(sdk, pool_id, &flows).send().await.unwrap())
}

/// CreateUserPoolClient for a public client named "web" allowing `flows`, to add to and send.
pub fn client_with_flows(
    sdk: &Client,
    pool_id: &str,
    flows: &[ExplicitAuthFlowsType],
) -> aws_sdk_cognitoidentityprovider::operation::create_user_pool_client::builders::CreateUserPoolClientFluentBuilder {
    let builder = sdk.create_user_pool_client().user_pool_id(pool_id).client_name("web");
    flows.iter().fold(builder, |b, flow| b.explicit_auth_flows(flow.clone()))
}

/// The id of a client CreateUserPoolClient made.
pub fn client_id(
    made: aws_sdk_cognitoidentityprovider::operation::create_user_pool_client::CreateUserPoolClientOutput,
) -> String {
    made.user_pool_client().unwrap().client_id().unwrap().to_owned()
}

/// Turns MFA on (required) with an authenticator app as the factor.
pub async fn require_software_token_mfa(sdk: &Client, pool_id: &str) {
    sdk.set_user_pool_mfa_config()
        .user_pool_id(pool_id)
        .software_token_mfa_configuration(
            aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(aws_sdk_cognitoidentityprovider::types::UserPoolMfaType::On)
        .send()
        .await
        .unwrap();
}

/// Signs a user up and confirms them with the code from the outbox.
pub async fn confirmed_user(server: &TestServer, sdk: &Client, client_id: &str, email: &str) {
    sdk.sign_up()
        .client_id(client_id)
        .username(email)
        .password(PASSWORD)
        .user_attributes(attr("email", email))
        .user_attributes(attr("name", "Test User"))
        .send()
        .await
        .unwrap();
    let code = server.last_code(email).expect("a code was delivered");
    sdk.confirm_sign_up().client_id(client_id).username(email).confirmation_code(code).send().await.unwrap();
}
