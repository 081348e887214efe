//! Refresh-token rotation through the AWS SDK for Rust and `/oauth2/token`: a new refresh token
//! per refresh, the replaced one honoured for the grace period and then refused as reused,
//! REFRESH_TOKEN_AUTH refused on a rotating client, and revocation taking the whole family.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ExplicitAuthFlowsType, FeatureType, RefreshTokenRotationType,
};
use aws_sdk_cognitoidentityprovider::Client;

use crate::common::*;

fn rotation(feature: FeatureType, grace: i32) -> RefreshTokenRotationType {
    RefreshTokenRotationType::builder().feature(feature).retry_grace_period_seconds(grace).build().unwrap()
}

/// A public client of `pool_id` that rotates refresh tokens with a 10-second grace period.
async fn rotating_client(sdk: &Client, pool_id: &str) -> String {
    let created = sdk
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name("rotating")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .refresh_token_rotation(rotation(FeatureType::Enabled, 10))
        .send()
        .await
        .unwrap();
    let client = created.user_pool_client().unwrap();
    let echoed = client.refresh_token_rotation().unwrap();
    assert_eq!((echoed.feature(), echoed.retry_grace_period_seconds()), (&FeatureType::Enabled, Some(10)));
    client.client_id().unwrap().to_owned()
}

async fn refresh(sdk: &Client, client_id: &str, token: &str) -> Result<(String, Option<String>), (String, String)> {
    let answer = sdk.get_tokens_from_refresh_token().client_id(client_id).refresh_token(token).send().await;
    match answer {
        Ok(answer) => {
            let result = answer.authentication_result().unwrap();
            Ok((result.access_token().unwrap().to_owned(), result.refresh_token().map(str::to_owned)))
        }
        Err(err) => Err(error::<(), _>(Err(err))),
    }
}

#[tokio::test]
async fn a_rotating_client_replaces_its_refresh_token_and_refuses_the_old_one_after_the_grace_period() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, plain_client) = email_pool(&sdk).await;
    let client_id = rotating_client(&sdk, &pool_id).await;
    confirmed_user(&server, &sdk, &plain_client, "rotate@example.com").await;
    let signed_in = sign_in(&sdk, &client_id, "rotate@example.com", PASSWORD).await.unwrap();
    let first = signed_in.authentication_result().unwrap().refresh_token().unwrap().to_owned();

    let legacy = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &first)
        .send()
        .await;
    assert_eq!(error(legacy).0, "InvalidParameterException", "rotation is completed with GetTokensFromRefreshToken");

    let (access, second) = refresh(&sdk, &client_id, &first).await.unwrap();
    let second = second.expect("a rotating client gets a new refresh token");
    assert_ne!(second, first);
    sdk.get_user().access_token(&access).send().await.unwrap();

    // A retry within the grace period still works (and rotates again).
    server.clock.advance(9);
    let (_, retried) = refresh(&sdk, &client_id, &first).await.unwrap();
    assert!(retried.is_some());
    // Past it, the replaced token is refused as reused; its replacement works.
    server.clock.advance(2);
    let reused = refresh(&sdk, &client_id, &first).await.unwrap_err();
    assert_eq!(reused.0, "RefreshTokenReuseException", "{reused:?}");
    let (_, third) = refresh(&sdk, &client_id, &second).await.unwrap();
    let third = third.unwrap();

    // A client without rotation keeps its refresh token and gets none.
    let plain = sign_in(&sdk, &plain_client, "rotate@example.com", PASSWORD).await.unwrap();
    let plain_token = plain.authentication_result().unwrap().refresh_token().unwrap().to_owned();
    let (_, none) = refresh(&sdk, &plain_client, &plain_token).await.unwrap();
    assert!(none.is_none());
    let described = sdk.describe_user_pool_client().user_pool_id(&pool_id).client_id(&plain_client).send().await;
    let described = described.unwrap();
    let off = described.user_pool_client().unwrap().refresh_token_rotation().unwrap();
    assert_eq!(off.feature(), &FeatureType::Disabled);

    // Revoking the newest token revokes the family: the one still in its grace period too.
    let (_, fourth) = refresh(&sdk, &client_id, &third).await.unwrap();
    sdk.revoke_token().client_id(&client_id).token(fourth.unwrap()).send().await.unwrap();
    let (code, message) = refresh(&sdk, &client_id, &third).await.unwrap_err();
    assert_eq!((code.as_str(), message.as_str()), ("NotAuthorizedException", "Refresh Token has been revoked"));
}

#[tokio::test]
async fn the_token_endpoint_rotates_too_and_bad_settings_are_refused() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, plain_client) = email_pool(&sdk).await;
    let client_id = rotating_client(&sdk, &pool_id).await;
    sdk.create_user_pool_domain().user_pool_id(&pool_id).domain("rotating-tokens").send().await.unwrap();
    confirmed_user(&server, &sdk, &plain_client, "endpoint@example.com").await;
    let signed_in = sign_in(&sdk, &client_id, "endpoint@example.com", PASSWORD).await.unwrap();
    let first = signed_in.authentication_result().unwrap().refresh_token().unwrap().to_owned();

    let token = |refresh_token: String| {
        let url = format!("{}/oauth2/token", server.url);
        let client_id = client_id.clone();
        async move {
            let form =
                [("grant_type", "refresh_token"), ("client_id", client_id.as_str()), ("refresh_token", &refresh_token)];
            let response = reqwest::Client::new().post(url).form(&form).send().await.unwrap();
            (response.status().as_u16(), response.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, body) = token(first.clone()).await;
    assert_eq!(status, 200, "{body}");
    let second = body["refresh_token"].as_str().expect("a new refresh token").to_owned();
    assert_ne!(second, first);
    server.clock.advance(11);
    let (status, body) = token(first).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert_eq!(token(second).await.0, 200);

    for (feature, grace) in [(FeatureType::from("SOMETIMES"), 0), (FeatureType::Enabled, 61)] {
        let refused = sdk
            .update_user_pool_client()
            .user_pool_id(&pool_id)
            .client_id(&client_id)
            .client_name("rotating")
            .refresh_token_rotation(rotation(feature, grace))
            .send()
            .await;
        assert_eq!(error(refused).0, "InvalidParameterException");
    }
}
