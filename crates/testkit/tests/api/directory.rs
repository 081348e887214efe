//! Attributes, groups and ListUsers through the AWS SDK for Rust.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap};

use crate::common::*;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, SchemaAttributeType, UserAttributeUpdateSettingsType, VerifiedAttributeType,
};

fn attrs(list: &[aws_sdk_cognitoidentityprovider::types::AttributeType]) -> HashMap<String, String> {
    list.iter().map(|a| (a.name().to_owned(), a.value().unwrap_or("").to_owned())).collect()
}

#[tokio::test]
async fn users_update_and_verify_their_attributes() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = username_pool(&sdk).await;
    sdk.add_custom_attributes()
        .user_pool_id(&pool_id)
        .custom_attributes(
            SchemaAttributeType::builder()
                .name("team")
                .attribute_data_type(AttributeDataType::String)
                .mutable(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(
            sdk.add_custom_attributes()
                .user_pool_id(&pool_id)
                .custom_attributes(SchemaAttributeType::builder().name("team").build())
                .send()
                .await
        ),
        "InvalidParameterException"
    );
    sdk.sign_up()
        .client_id(&client_id)
        .username("paul")
        .password(PASSWORD)
        .user_attributes(attr("email", "paul@example.com"))
        .send()
        .await
        .unwrap();
    let code_1 = server.last_code("paul").unwrap();
    sdk.confirm_sign_up().client_id(&client_id).username("paul").confirmation_code(code_1).send().await.unwrap();
    let tokens = sign_in(&sdk, &client_id, "paul", PASSWORD).await.unwrap();
    let access = tokens.authentication_result().unwrap().access_token().unwrap().to_owned();

    // A new email is unverified until its code comes back.
    let updated = sdk
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attr("email", "paul@new.example.com"))
        .user_attributes(attr("custom:team", "identity"))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.code_delivery_details_list()[0].attribute_name(), Some("email"));
    let me = attrs(sdk.get_user().access_token(&access).send().await.unwrap().user_attributes());
    assert_eq!(me["email"], "paul@new.example.com");
    assert_eq!(me["email_verified"], "false");
    assert_eq!(me["custom:team"], "identity");
    let message = server.messages().pop().unwrap();
    assert_eq!(
        (message["purpose"].as_str(), message["destination"].as_str()),
        (Some("VERIFY_ATTRIBUTE"), Some("paul@new.example.com"))
    );
    let good = message["code"].as_str().unwrap();
    let wrong = if good == "000000" { "000001" } else { "000000" };
    let verify = |c: &str| sdk.verify_user_attribute().access_token(&access).attribute_name("email").code(c).send();
    assert_eq!(code(verify(wrong).await), "CodeMismatchException");
    verify(good).await.unwrap();
    let me = attrs(sdk.get_user().access_token(&access).send().await.unwrap().user_attributes());
    assert_eq!(me["email_verified"], "true");

    // Codes on request; deleting optional attributes; sub stays put.
    sdk.get_user_attribute_verification_code().access_token(&access).attribute_name("email").send().await.unwrap();
    assert_eq!(server.messages().pop().unwrap()["purpose"], "VERIFY_ATTRIBUTE");
    sdk.delete_user_attributes().access_token(&access).user_attribute_names("custom:team").send().await.unwrap();
    let me = attrs(sdk.get_user().access_token(&access).send().await.unwrap().user_attributes());
    assert!(!me.contains_key("custom:team"));
    assert_eq!(
        code(sdk.update_user_attributes().access_token(&access).user_attributes(attr("sub", "x")).send().await),
        "InvalidParameterException"
    );
    assert_eq!(
        code(sdk.update_user_attributes().access_token(&access).user_attributes(attr("custom:nope", "x")).send().await),
        "InvalidParameterException"
    );

    // The admin can set verified values directly, with no code sent.
    let before = server.messages().len();
    sdk.admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("paul")
        .user_attributes(attr("email", "paul@admin.example.com"))
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap();
    assert_eq!(server.messages().len(), before);
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("paul").send().await.unwrap();
    let user_attrs = attrs(user.user_attributes());
    assert_eq!(
        (user_attrs["email"].as_str(), user_attrs["email_verified"].as_str()),
        ("paul@admin.example.com", "true")
    );
    sdk.admin_delete_user_attributes()
        .user_pool_id(&pool_id)
        .username("paul")
        .user_attribute_names("email")
        .send()
        .await
        .unwrap();
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("paul").send().await.unwrap();
    assert!(!attrs(user.user_attributes()).contains_key("email"));
}

#[tokio::test]
async fn a_verified_email_stays_until_the_new_one_is_verified_when_the_pool_asks() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let pool = sdk
        .create_user_pool()
        .pool_name("keep-original")
        .username_attributes(aws_sdk_cognitoidentityprovider::types::UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .user_attribute_update_settings(
            UserAttributeUpdateSettingsType::builder()
                .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let pool_id = pool.user_pool().unwrap().id().unwrap().to_owned();
    let client_id = public_client(&sdk, &pool_id).await;
    sdk.sign_up().client_id(&client_id).username("quinn@example.com").password(PASSWORD).send().await.unwrap();
    let first = server.last_code("quinn@example.com").unwrap();
    sdk.confirm_sign_up()
        .client_id(&client_id)
        .username("quinn@example.com")
        .confirmation_code(first)
        .send()
        .await
        .unwrap();
    let access = sign_in(&sdk, &client_id, "quinn@example.com", PASSWORD).await.unwrap();
    let access = access.authentication_result().unwrap().access_token().unwrap().to_owned();

    sdk.update_user_attributes()
        .access_token(&access)
        .user_attributes(attr("email", "quinn@new.example.com"))
        .send()
        .await
        .unwrap();
    let me = attrs(sdk.get_user().access_token(&access).send().await.unwrap().user_attributes());
    assert_eq!((me["email"].as_str(), me["email_verified"].as_str()), ("quinn@example.com", "true"));
    sign_in(&sdk, &client_id, "quinn@example.com", PASSWORD).await.unwrap();
    let code_new = server.last_code("quinn@new.example.com").unwrap();
    sdk.verify_user_attribute().access_token(&access).attribute_name("email").code(code_new).send().await.unwrap();
    let me = attrs(sdk.get_user().access_token(&access).send().await.unwrap().user_attributes());
    assert_eq!((me["email"].as_str(), me["email_verified"].as_str()), ("quinn@new.example.com", "true"));
    sign_in(&sdk, &client_id, "quinn@new.example.com", PASSWORD).await.unwrap();
    assert_eq!(code(sign_in(&sdk, &client_id, "quinn@example.com", PASSWORD).await), "UserNotFoundException");
}

#[tokio::test]
async fn groups_order_the_token_claims_by_precedence() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    confirmed_user(&server, &sdk, &client_id, "rita@example.com").await;
    let group = |name: &str, precedence: Option<i32>, role: Option<&str>| {
        sdk.create_group()
            .user_pool_id(&pool_id)
            .group_name(name)
            .description(format!("the {name}"))
            .set_precedence(precedence)
            .set_role_arn(role.map(str::to_owned))
            .send()
    };
    group("readers", Some(10), Some("arn:aws:iam::000000000000:role/readers")).await.unwrap();
    group("admins", Some(1), Some("arn:aws:iam::000000000000:role/admins")).await.unwrap();
    group("beta", None, None).await.unwrap();
    assert_eq!(code(group("admins", None, None).await), "GroupExistsException");
    for name in ["readers", "beta", "admins", "admins"] {
        sdk.admin_add_user_to_group()
            .user_pool_id(&pool_id)
            .username("rita@example.com")
            .group_name(name)
            .send()
            .await
            .unwrap();
    }
    let tokens = sign_in(&sdk, &client_id, "rita@example.com", PASSWORD).await.unwrap();
    let tokens = tokens.authentication_result().unwrap();
    let id = jwt_claims(tokens.id_token().unwrap());
    let access = jwt_claims(tokens.access_token().unwrap());
    assert_eq!(id["cognito:groups"], serde_json::json!(["admins", "readers", "beta"]));
    assert_eq!(access["cognito:groups"], id["cognito:groups"]);
    assert_eq!(id["cognito:preferred_role"], "arn:aws:iam::000000000000:role/admins");
    assert_eq!(id["cognito:roles"].as_array().unwrap().len(), 2);

    let listed = sdk
        .admin_list_groups_for_user()
        .user_pool_id(&pool_id)
        .username("rita@example.com")
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.groups().len(), 2);
    let rest = sdk
        .admin_list_groups_for_user()
        .user_pool_id(&pool_id)
        .username("rita@example.com")
        .set_next_token(listed.next_token().map(str::to_owned))
        .send()
        .await
        .unwrap();
    assert_eq!(rest.groups()[0].group_name(), Some("beta"));
    let members = sdk.list_users_in_group().user_pool_id(&pool_id).group_name("admins").send().await.unwrap();
    assert_eq!(members.users().len(), 1);
    let all = sdk.list_groups().user_pool_id(&pool_id).limit(2).send().await.unwrap();
    assert_eq!(all.groups().len(), 2);
    assert!(all.next_token().is_some());

    let updated = sdk.update_group().user_pool_id(&pool_id).group_name("beta").precedence(0).send().await.unwrap();
    assert_eq!(updated.group().unwrap().precedence(), Some(0));
    assert_eq!(updated.group().unwrap().description(), Some("the beta"));
    sdk.admin_remove_user_from_group()
        .user_pool_id(&pool_id)
        .username("rita@example.com")
        .group_name("readers")
        .send()
        .await
        .unwrap();
    sdk.delete_group().user_pool_id(&pool_id).group_name("admins").send().await.unwrap();
    assert_eq!(
        code(sdk.get_group().user_pool_id(&pool_id).group_name("admins").send().await),
        "ResourceNotFoundException"
    );
    let tokens = sign_in(&sdk, &client_id, "rita@example.com", PASSWORD).await.unwrap();
    let id = jwt_claims(tokens.authentication_result().unwrap().id_token().unwrap());
    assert_eq!(id["cognito:groups"], serde_json::json!(["beta"]));
    assert!(id.get("cognito:preferred_role").is_none());
}

#[tokio::test]
async fn list_users_filters_by_index_and_pages_every_user_exactly_once() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = username_pool(&sdk).await;
    let create = |name: String, email: String| {
        sdk.admin_create_user()
            .user_pool_id(&pool_id)
            .username(name)
            .user_attributes(attr("email", &email))
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
            .send()
    };
    for i in 0..25 {
        create(format!("user{i:02}"), format!("user{i:02}@{}.example.com", if i % 2 == 0 { "even" } else { "odd" }))
            .await
            .unwrap();
    }
    sdk.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("user03")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();

    let list = |filter: &str| sdk.list_users().user_pool_id(&pool_id).filter(filter).send();
    assert_eq!(list(r#"username = "user07""#).await.unwrap().users().len(), 1);
    assert_eq!(list(r#"email ^= "user1""#).await.unwrap().users().len(), 10);
    assert_eq!(list(r#"cognito:user_status = "CONFIRMED""#).await.unwrap().users()[0].username(), Some("user03"));
    assert_eq!(list(r#"status = "Enabled""#).await.unwrap().users().len(), 25);
    assert_eq!(list(r#"email = "nobody@example.com""#).await.unwrap().users().len(), 0);
    assert_eq!(code(list(r#"custom:team = "x""#).await), "InvalidParameterException");
    let trimmed = sdk
        .list_users()
        .user_pool_id(&pool_id)
        .filter(r#"username = "user07""#)
        .attributes_to_get("email")
        .send()
        .await
        .unwrap();
    assert_eq!(trimmed.users()[0].attributes().len(), 1);

    // Pages of 4 while users keep being added: every user present at the start comes exactly once.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut added = 0;
    loop {
        let page =
            sdk.list_users().user_pool_id(&pool_id).limit(4).set_pagination_token(token.clone()).send().await.unwrap();
        seen.extend(page.users().iter().map(|u| u.username().unwrap().to_owned()));
        create(format!("late{added:02}"), format!("late{added:02}@example.com")).await.unwrap();
        added += 1;
        token = page.pagination_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no user twice");
    for i in 0..25 {
        assert!(seen.contains(&format!("user{i:02}")), "user{i:02} missing");
    }
    assert_eq!(
        code(sdk.list_users().user_pool_id(&pool_id).pagination_token("garbage").send().await),
        "InvalidParameterException"
    );
}
