//! The pool as a tagged AWS resource (TagResource, UntagResource, ListTagsForResource) and its
//! signing certificate (GetSigningCertificate), through the AWS SDK for Rust.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use crate::common::*;

#[tokio::test]
async fn a_pools_tags_are_added_replaced_listed_and_removed_by_its_arn() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let created = sdk.create_user_pool().pool_name("tagged").user_pool_tags("team", "identity").send().await.unwrap();
    let pool = created.user_pool().unwrap();
    let arn = pool.arn().unwrap().to_owned();

    sdk.tag_resource().resource_arn(&arn).tags("env", "dev").tags("team", "platform").send().await.unwrap();
    let listed = sdk.list_tags_for_resource().resource_arn(&arn).send().await.unwrap();
    let expected: HashMap<String, String> =
        [("env", "dev"), ("team", "platform")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
    assert_eq!(listed.tags(), Some(&expected));
    // DescribeUserPool shows the same tags.
    let described = sdk.describe_user_pool().user_pool_id(pool.id().unwrap()).send().await.unwrap();
    assert_eq!(described.user_pool().unwrap().user_pool_tags(), Some(&expected));

    sdk.untag_resource().resource_arn(&arn).tag_keys("env").tag_keys("absent").send().await.unwrap();
    let listed = sdk.list_tags_for_resource().resource_arn(&arn).send().await.unwrap();
    assert_eq!(listed.tags().unwrap().len(), 1);
    assert_eq!(listed.tags().unwrap()["team"], "platform");

    // Reserved keys, other accounts' ARNs and unknown pools are refused.
    let reserved = sdk.tag_resource().resource_arn(&arn).tags("aws:owner", "x").send().await;
    assert_eq!(code(reserved), "InvalidParameterException");
    let foreign = arn.replace("000000000000", "111111111111");
    assert_eq!(code(sdk.list_tags_for_resource().resource_arn(&foreign).send().await), "InvalidParameterException");
    let missing = format!("{}_nosuchpool", arn.rsplit_once('_').unwrap().0);
    assert_eq!(code(sdk.list_tags_for_resource().resource_arn(&missing).send().await), "ResourceNotFoundException");

    // At most 50 tags.
    let mut many = sdk.tag_resource().resource_arn(&arn);
    for i in 0..50 {
        many = many.tags(format!("k{i}"), "v");
    }
    assert_eq!(code(many.send().await), "LimitExceededException");
    assert_eq!(sdk.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags().unwrap().len(), 1);
}

#[tokio::test]
async fn the_signing_certificate_is_stable_and_carries_the_pools_key() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = email_pool(&sdk).await;
    let first = sdk.get_signing_certificate().user_pool_id(&pool_id).send().await.unwrap();
    let second = sdk.get_signing_certificate().user_pool_id(&pool_id).send().await.unwrap();
    let certificate = first.certificate().unwrap();
    assert_eq!(Some(certificate), second.certificate());
    let der = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, certificate).unwrap();
    // An X.509 certificate (a DER SEQUENCE) naming the pool, carrying the modulus the pool's JWKS
    // publishes for its id tokens.
    assert_eq!(der[0], 0x30);
    assert!(der.windows(pool_id.len()).any(|w| w == pool_id.as_bytes()));
    let jwks_url = format!("{}/{pool_id}/.well-known/jwks.json", server.url);
    let jwks: serde_json::Value = reqwest::get(jwks_url).await.unwrap().json().await.unwrap();
    let moduli: Vec<Vec<u8>> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, k["n"].as_str().unwrap()).unwrap()
        })
        .collect();
    assert!(moduli.iter().any(|n| der.windows(n.len()).any(|w| w == n.as_slice())));

    let missing = sdk.get_signing_certificate().user_pool_id("us-east-1_nosuchpool").send().await;
    assert_eq!(code(missing), "ResourceNotFoundException");
}

#[tokio::test]
async fn a_client_secret_is_rotated_without_a_moment_of_refusal() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = username_pool(&sdk).await;
    let created = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("backend")
        .generate_secret(true)
        .send()
        .await
        .unwrap();
    let client = created.user_pool_client().unwrap();
    let client_id = client.client_id().unwrap().to_owned();
    let old = client.client_secret().unwrap().to_owned();
    let sign_up = |secret: String, username: &'static str| {
        let sdk = sdk.clone();
        let client_id = client_id.clone();
        async move {
            let hash = cognate_crypto::mac::secret_hash(&secret, username, &client_id);
            sdk.sign_up().client_id(&client_id).secret_hash(hash).username(username).password(PASSWORD).send().await
        }
    };

    let listed = sdk.list_user_pool_client_secrets().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    assert_eq!(listed.client_secrets().len(), 1);
    let first_id = listed.client_secrets()[0].client_secret_id().unwrap().to_owned();
    assert!(first_id.starts_with(&format!("{client_id}--")), "{first_id}");
    assert_eq!(listed.client_secrets()[0].client_secret_value(), None);

    // A second secret: Cognate makes it and shows it once; both secrets are accepted.
    let added = sdk.add_user_pool_client_secret().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    let descriptor = added.client_secret_descriptor().unwrap();
    let new = descriptor.client_secret_value().unwrap().to_owned();
    let new_id = descriptor.client_secret_id().unwrap().to_owned();
    assert_ne!(new, old);
    assert_ne!(new_id, first_id);
    sign_up(old.clone(), "with-old").await.unwrap();
    sign_up(new.clone(), "with-new").await.unwrap();
    let listed = sdk.list_user_pool_client_secrets().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    assert_eq!(listed.client_secrets().len(), 2);
    assert!(listed.client_secrets().iter().all(|s| s.client_secret_value().is_none()));
    let third = sdk.add_user_pool_client_secret().user_pool_id(&pool_id).client_id(&client_id).send().await;
    assert_eq!(code(third), "LimitExceededException");

    // The old one deleted, only the new one works; the last one cannot go.
    sdk.delete_user_pool_client_secret()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .client_secret_id(&first_id)
        .send()
        .await
        .unwrap();
    assert_eq!(code(sign_up(old.clone(), "old-again").await), "NotAuthorizedException");
    sign_up(new.clone(), "new-again").await.unwrap();
    let described = sdk.describe_user_pool_client().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    assert_eq!(described.user_pool_client().unwrap().client_secret(), Some(new.as_str()));
    let last = sdk
        .delete_user_pool_client_secret()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .client_secret_id(&new_id)
        .send()
        .await;
    assert_eq!(code(last), "InvalidParameterException");
    let gone = sdk
        .delete_user_pool_client_secret()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .client_secret_id(&first_id)
        .send()
        .await;
    assert_eq!(code(gone), "ResourceNotFoundException");

    // A secret of one's own is not echoed; a public client has none to rotate.
    let own = "OwnSecret_0123456789abcdefghij";
    let added = sdk
        .add_user_pool_client_secret()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .client_secret(own)
        .send()
        .await
        .unwrap();
    assert_eq!(added.client_secret_descriptor().unwrap().client_secret_value(), None);
    sign_up(own.to_owned(), "with-own").await.unwrap();
    let public = public_client(&sdk, &pool_id).await;
    let refused = sdk.add_user_pool_client_secret().user_pool_id(&pool_id).client_id(&public).send().await;
    assert_eq!(code(refused), "InvalidParameterException");
}

#[tokio::test]
async fn risk_configurations_are_kept_for_the_pool_and_each_client() {
    use aws_sdk_cognitoidentityprovider::types::{
        CompromisedCredentialsActionsType, CompromisedCredentialsEventActionType,
        CompromisedCredentialsRiskConfigurationType, RiskExceptionConfigurationType,
    };
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = username_pool(&sdk).await;
    let other_client = public_client(&sdk, &pool_id).await;
    let block = CompromisedCredentialsRiskConfigurationType::builder()
        .actions(
            CompromisedCredentialsActionsType::builder()
                .event_action(CompromisedCredentialsEventActionType::Block)
                .build()
                .unwrap(),
        )
        .build();
    let set = sdk
        .set_risk_configuration()
        .user_pool_id(&pool_id)
        .compromised_credentials_risk_configuration(block)
        .send()
        .await
        .unwrap();
    let config = set.risk_configuration().unwrap();
    assert_eq!(config.user_pool_id(), Some(pool_id.as_str()));
    let action = config.compromised_credentials_risk_configuration().unwrap().actions().unwrap().event_action();
    assert_eq!(action, &CompromisedCredentialsEventActionType::Block);
    assert!(config.last_modified_date().is_some());

    // A client's own configuration stands in for the pool's; another client sees the pool's.
    let ranges = RiskExceptionConfigurationType::builder().blocked_ip_range_list("10.0.0.0/8").build();
    sdk.set_risk_configuration()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .risk_exception_configuration(ranges)
        .send()
        .await
        .unwrap();
    let own = sdk.describe_risk_configuration().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    let own = own.risk_configuration().unwrap();
    assert_eq!(own.client_id(), Some(client_id.as_str()));
    assert_eq!(own.risk_exception_configuration().unwrap().blocked_ip_range_list(), ["10.0.0.0/8"]);
    assert!(own.compromised_credentials_risk_configuration().is_none());
    let inherited =
        sdk.describe_risk_configuration().user_pool_id(&pool_id).client_id(&other_client).send().await.unwrap();
    assert!(inherited.risk_configuration().unwrap().compromised_credentials_risk_configuration().is_some());

    // Set with no part clears; an unknown client and a bad event action are refused.
    sdk.set_risk_configuration().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    let cleared = sdk.describe_risk_configuration().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    assert!(cleared.risk_configuration().unwrap().risk_exception_configuration().is_none());
    let unknown = sdk.describe_risk_configuration().user_pool_id(&pool_id).client_id("nosuchclient").send().await;
    assert_eq!(code(unknown), "ResourceNotFoundException");
}
