//! Pool and app-client management through the AWS SDK for Rust.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use aws_sdk_cognitoidentityprovider::types::{
    DeletionProtectionType, ExplicitAuthFlowsType, PasswordPolicyType, SchemaAttributeType, TimeUnitsType,
    TokenValidityUnitsType, UserPoolMfaType, UserPoolPolicyType,
};

#[tokio::test]
async fn pools_are_created_described_listed_updated_and_deleted() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let created = sdk
        .create_user_pool()
        .pool_name("shop")
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(PasswordPolicyType::builder().minimum_length(12).require_numbers(true).build())
                .build(),
        )
        .schema(
            SchemaAttributeType::builder()
                .name("team")
                .attribute_data_type(aws_sdk_cognitoidentityprovider::types::AttributeDataType::String)
                .mutable(true)
                .build(),
        )
        .mfa_configuration(UserPoolMfaType::Off)
        .deletion_protection(DeletionProtectionType::Active)
        .user_pool_tags("team", "identity")
        .send()
        .await
        .unwrap();
    let pool = created.user_pool().unwrap();
    let pool_id = pool.id().unwrap().to_owned();
    let (region, suffix) = pool_id.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert!(suffix.len() == 9 && suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(pool.arn(), Some(format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{pool_id}").as_str()));

    let described = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    let described = described.user_pool().unwrap();
    let policy = described.policies().unwrap().password_policy().unwrap();
    assert_eq!(policy.minimum_length(), Some(12));
    assert!(policy.require_numbers());
    assert!(!policy.require_symbols());
    assert!(described.schema_attributes().iter().any(|a| a.name() == Some("custom:team")));
    assert_eq!(described.user_pool_tags().unwrap()["team"], "identity");
    assert_eq!(described.estimated_number_of_users(), 0);

    // Deletion protection holds until it is turned off.
    let protected = sdk.delete_user_pool().user_pool_id(&pool_id).send().await;
    assert_eq!(code(protected), "InvalidParameterException");
    sdk.update_user_pool()
        .user_pool_id(&pool_id)
        .deletion_protection(DeletionProtectionType::Inactive)
        .auto_verified_attributes(aws_sdk_cognitoidentityprovider::types::VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap();
    let updated = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    let updated = updated.user_pool().unwrap();
    assert_eq!(updated.auto_verified_attributes().len(), 1);
    // UpdateUserPool resets what it is not given, as Cognito does: the default policy returns.
    assert_eq!(updated.policies().unwrap().password_policy().unwrap().minimum_length(), Some(8));
    sdk.delete_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    assert_eq!(code(sdk.describe_user_pool().user_pool_id(&pool_id).send().await), "ResourceNotFoundException");
    assert_eq!(code(sdk.describe_user_pool().user_pool_id("not-a-pool-id").send().await), "InvalidParameterException");
}

#[tokio::test]
async fn list_user_pools_pages_through_every_pool_once() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let mut made = Vec::new();
    for i in 0..7 {
        let pool = sdk.create_user_pool().pool_name(format!("p{i}")).send().await.unwrap();
        made.push(pool.user_pool().unwrap().id().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = sdk.list_user_pools().max_results(3).set_next_token(token.clone()).send().await.unwrap();
        assert!(page.user_pools().len() <= 3);
        seen.extend(page.user_pools().iter().map(|p| p.id().unwrap().to_owned()));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    made.sort();
    assert_eq!(seen, made);
    assert_eq!(code(sdk.list_user_pools().max_results(0).send().await), "InvalidParameterException");
}

#[tokio::test]
async fn app_clients_are_managed_with_their_settings() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, default_client) = username_pool(&sdk).await;
    let created = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("api")
        .generate_secret(true)
        .access_token_validity(2)
        .id_token_validity(90)
        .refresh_token_validity(7)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Hours)
                .id_token(TimeUnitsType::Minutes)
                .refresh_token(TimeUnitsType::Days)
                .build(),
        )
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .read_attributes("email")
        .send()
        .await
        .unwrap();
    let client = created.user_pool_client().unwrap();
    let client_id = client.client_id().unwrap().to_owned();
    assert!(client_id.len() == 26 && client_id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    assert!(client.client_secret().is_some());

    let described = sdk.describe_user_pool_client().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    let described = described.user_pool_client().unwrap();
    assert_eq!(described.access_token_validity(), Some(2));
    assert_eq!(described.token_validity_units().unwrap().access_token(), Some(&TimeUnitsType::Hours));
    assert_eq!(described.client_secret(), client.client_secret());

    // Tokens honour the configured validity.
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("olga")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    sdk.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("olga")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let hash = cognate_crypto::mac::secret_hash(client.client_secret().unwrap(), "olga", &client_id);
    let auth = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "olga")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", hash)
        .send()
        .await
        .unwrap();
    let result = auth.authentication_result().unwrap();
    assert_eq!(result.expires_in(), 7200);
    let id = jwt_claims(result.id_token().unwrap());
    assert_eq!(id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(), 90 * 60);

    let listed = sdk.list_user_pool_clients().user_pool_id(&pool_id).max_results(1).send().await.unwrap();
    assert_eq!(listed.user_pool_clients().len(), 1);
    let rest = sdk
        .list_user_pool_clients()
        .user_pool_id(&pool_id)
        .set_next_token(listed.next_token().map(str::to_owned))
        .send()
        .await
        .unwrap();
    let mut all: Vec<String> = listed
        .user_pool_clients()
        .iter()
        .chain(rest.user_pool_clients())
        .map(|c| c.client_id().unwrap().to_owned())
        .collect();
    all.sort();
    let mut expected = vec![client_id.clone(), default_client];
    expected.sort();
    assert_eq!(all, expected);

    let renamed = sdk
        .update_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .client_name("api-v2")
        .send()
        .await
        .unwrap();
    let renamed = renamed.user_pool_client().unwrap();
    assert_eq!(renamed.client_name(), Some("api-v2"));
    assert_eq!(renamed.access_token_validity(), Some(60), "unspecified settings return to defaults");
    assert_eq!(renamed.client_secret(), client.client_secret(), "the secret is kept");

    let invalid = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("bad")
        .access_token_validity(2)
        .token_validity_units(TokenValidityUnitsType::builder().access_token(TimeUnitsType::Days).build())
        .send()
        .await;
    assert_eq!(code(invalid), "InvalidParameterException");

    sdk.delete_user_pool_client().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    assert_eq!(
        code(sdk.describe_user_pool_client().user_pool_id(&pool_id).client_id(&client_id).send().await),
        "ResourceNotFoundException"
    );
}

#[tokio::test]
async fn clients_and_attributes_are_refused_and_normalised_in_cognitos_words() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    let unknown_read = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("reader")
        .read_attributes("email")
        .read_attributes("custom:nowhere")
        .send()
        .await;
    assert_eq!(
        error(unknown_read),
        (
            "InvalidParameterException".to_owned(),
            "Invalid read attributes specified while creating a client".to_owned()
        )
    );
    let unknown_write = sdk
        .update_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .write_attributes("nickname_of_the_cat")
        .send()
        .await;
    assert_eq!(error(unknown_write).1, "Invalid write attributes specified while updating a client");

    // Booleans in any case, kept lower-case.
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("tess@example.com")
        .user_attributes(attr("email", "tess@example.com"))
        .user_attributes(attr("email_verified", "True"))
        .user_attributes(attr("name", "Tess"))
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("tess@example.com").send().await.unwrap();
    let verified = user.user_attributes().iter().find(|a| a.name() == "email_verified").and_then(|a| a.value());
    assert_eq!(verified, Some("true"));

    let unreadable = sdk.list_users().user_pool_id(&pool_id).filter("email = tess").send().await;
    assert_eq!(error(unreadable).1, "Error while parsing filter.");
}
