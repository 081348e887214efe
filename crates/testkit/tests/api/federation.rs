//! A pool's identity providers through the AWS SDK for Rust: Create, Describe (with the keys
//! Cognito derives, the client secret echoed, the Apple key never), GetByIdentifier, Update,
//! List and Delete, with Cognito's validation; secrets sealed at rest.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::IdentityProviderTypeType;

use crate::common::*;

fn details(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn oidc_details() -> HashMap<String, String> {
    details(&[
        ("client_id", "cognate-upstream"),
        ("client_secret", "upstream-secret-1"),
        ("authorize_scopes", "openid email profile"),
        ("attributes_request_method", "GET"),
        ("oidc_issuer", "http://127.0.0.1:4000"),
    ])
}

const APPLE_KEY: &str =
    "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg\n-----END PRIVATE KEY-----";

#[tokio::test]
async fn identity_providers_are_created_described_listed_updated_and_deleted() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = email_pool(&sdk).await;

    let created = sdk
        .create_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name("Upstream")
        .provider_type(IdentityProviderTypeType::Oidc)
        .set_provider_details(Some(oidc_details()))
        .attribute_mapping("email", "email")
        .attribute_mapping("username", "sub")
        .idp_identifiers("upstream.example")
        .send()
        .await
        .unwrap();
    let provider = created.identity_provider().unwrap();
    assert_eq!(provider.provider_type(), Some(&IdentityProviderTypeType::Oidc));
    let shown = provider.provider_details().unwrap();
    assert_eq!(shown["client_secret"], "upstream-secret-1", "Describe echoes the client secret, as Cognito");
    assert_eq!(shown["attributes_url_add_attributes"], "false");
    assert!(provider.creation_date().is_some());

    // The secret is sealed at rest: the database never holds it in the clear.
    if std::env::var("COGNATE_TEST_BACKEND").as_deref() != Ok("postgres") {
        let dir = server.outbox.parent().unwrap();
        let mut stored = Vec::new();
        for file in ["cognate.db", "cognate.db-wal"] {
            stored.extend(std::fs::read(dir.join(file)).unwrap_or_default());
        }
        assert!(stored.windows(16).any(|w| w == b"cognate-upstream"), "the provider is in the database");
        assert!(!stored.windows(17).any(|w| w == b"upstream-secret-1"), "the client secret is sealed");
    }

    // Social presets: Describe adds Cognito's endpoints, which the details may override.
    sdk.create_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name("Facebook")
        .provider_type(IdentityProviderTypeType::Facebook)
        .set_provider_details(Some(details(&[
            ("client_id", "fb-app"),
            ("client_secret", "fb-secret"),
            ("authorize_scopes", "public_profile,email"),
            ("api_version", "v19.0"),
            ("token_url", "http://127.0.0.1:4100/oauth/access_token"),
        ])))
        .send()
        .await
        .unwrap();
    let facebook = sdk.describe_identity_provider().user_pool_id(&pool_id).provider_name("Facebook").send().await;
    let facebook = facebook.unwrap().identity_provider.unwrap().provider_details.unwrap();
    assert_eq!(facebook["authorize_url"], "https://www.facebook.com/v19.0/dialog/oauth");
    assert_eq!(facebook["token_url"], "http://127.0.0.1:4100/oauth/access_token", "an override wins");
    assert_eq!(facebook["token_request_method"], "GET");
    sdk.create_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name("SignInWithApple")
        .provider_type(IdentityProviderTypeType::SignInWithApple)
        .set_provider_details(Some(details(&[
            ("client_id", "com.example.web"),
            ("team_id", "TEAM123456"),
            ("key_id", "KEY1234567"),
            ("private_key", APPLE_KEY),
            ("authorize_scopes", "email name"),
        ])))
        .send()
        .await
        .unwrap();
    let apple = sdk.describe_identity_provider().user_pool_id(&pool_id).provider_name("SignInWithApple").send().await;
    let apple = apple.unwrap().identity_provider.unwrap().provider_details.unwrap();
    assert!(!apple.contains_key("private_key"), "the Apple key is never shown");
    assert_eq!(apple["oidc_issuer"], "https://appleid.apple.com");

    // Found by identifier; listed by name without details, in pages.
    let by_id = sdk.get_identity_provider_by_identifier().user_pool_id(&pool_id).idp_identifier("upstream.example");
    assert_eq!(by_id.send().await.unwrap().identity_provider().unwrap().provider_name(), Some("Upstream"));
    let page = sdk.list_identity_providers().user_pool_id(&pool_id).max_results(2).send().await.unwrap();
    let names: Vec<_> = page.providers().iter().filter_map(|p| p.provider_name()).collect();
    assert_eq!(names, ["Facebook", "SignInWithApple"]);
    let rest = sdk.list_identity_providers().user_pool_id(&pool_id).next_token(page.next_token().unwrap()).send().await;
    let rest = rest.unwrap();
    assert_eq!(rest.providers().iter().filter_map(|p| p.provider_name()).collect::<Vec<_>>(), ["Upstream"]);
    assert!(rest.next_token().is_none());

    // Update: the mapping and identifiers replaced; details without the secret keep it.
    let mut without_secret = oidc_details();
    without_secret.remove("client_secret");
    without_secret.insert("authorize_scopes".into(), "openid email".into());
    let updated = sdk
        .update_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name("Upstream")
        .set_provider_details(Some(without_secret))
        .attribute_mapping("name", "name")
        .idp_identifiers("upstream.test")
        .send()
        .await
        .unwrap();
    let updated = updated.identity_provider().unwrap();
    assert_eq!(updated.provider_details().unwrap()["client_secret"], "upstream-secret-1");
    assert_eq!(updated.provider_details().unwrap()["authorize_scopes"], "openid email");
    assert_eq!(updated.attribute_mapping().unwrap().keys().collect::<Vec<_>>(), ["name"]);
    let old = sdk.get_identity_provider_by_identifier().user_pool_id(&pool_id).idp_identifier("upstream.example");
    assert_eq!(error(old.send().await).0, "ResourceNotFoundException", "the old identifier is gone");

    // Delete.
    sdk.delete_identity_provider().user_pool_id(&pool_id).provider_name("Facebook").send().await.unwrap();
    let gone = sdk.describe_identity_provider().user_pool_id(&pool_id).provider_name("Facebook").send().await;
    assert_eq!(error(gone).0, "ResourceNotFoundException");
    let again = sdk.delete_identity_provider().user_pool_id(&pool_id).provider_name("Facebook").send().await;
    assert_eq!(error(again).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn identity_providers_are_validated_as_cognito_validates_them() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = email_pool(&sdk).await;
    let create = |name: &str, kind: IdentityProviderTypeType, details: HashMap<String, String>| {
        sdk.create_identity_provider()
            .user_pool_id(&pool_id)
            .provider_name(name)
            .provider_type(kind)
            .set_provider_details(Some(details))
    };
    create("Upstream", IdentityProviderTypeType::Oidc, oidc_details()).idp_identifiers("up").send().await.unwrap();

    let duplicate = create("Upstream", IdentityProviderTypeType::Oidc, oidc_details()).send().await;
    assert_eq!(error(duplicate).0, "DuplicateProviderException");
    let taken = create("Other", IdentityProviderTypeType::Oidc, oidc_details()).idp_identifiers("up").send().await;
    assert_eq!(error(taken).0, "DuplicateProviderException", "an identifier names one provider");
    let underscore = create("My_IdP", IdentityProviderTypeType::Oidc, oidc_details()).send().await;
    assert_eq!(error(underscore).0, "InvalidParameterException");
    let mut no_openid = oidc_details();
    no_openid.insert("authorize_scopes".into(), "email".into());
    let refused = create("NoOpenid", IdentityProviderTypeType::Oidc, no_openid).send().await;
    assert!(error(refused).1.contains("openid"));
    let mut plain = oidc_details();
    plain.insert("oidc_issuer".into(), "http://idp.example.com".into());
    let refused = create("PlainHttp", IdentityProviderTypeType::Oidc, plain).send().await;
    assert!(error(refused).1.contains("https"), "https but on loopback");
    let mut secretless = oidc_details();
    secretless.remove("client_id");
    let refused = create("NoClient", IdentityProviderTypeType::Oidc, secretless).send().await;
    assert!(error(refused).1.contains("client_id is required"));
    let saml = create("Corp", IdentityProviderTypeType::Saml, details(&[("MetadataURL", "https://corp.example/md")]));
    assert_eq!(error(saml.send().await).0, "UnsupportedOperationException", "SAML is not built");
    let mapping = create("Mapped", IdentityProviderTypeType::Oidc, oidc_details()).attribute_mapping("shoe_size", "x");
    assert_eq!(error(mapping.send().await).0, "InvalidParameterException", "only the pool's attributes map");
    let nowhere = sdk.describe_identity_provider().user_pool_id("us-east-1_nowhere0").provider_name("Upstream");
    assert_eq!(error(nowhere.send().await).0, "ResourceNotFoundException");
}
