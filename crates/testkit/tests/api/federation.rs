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

const APPLE_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgec6eqIZDtr3b6NMf
Dr7D07GPR0vb7/cFO2ZhlcKil4ShRANCAAS8Q49jchMD55JLpP69pw0P8Rpvx7Bt
GR86QP/k8q/+KsyhgkbGhKQ/mRDkEqos2U3FJrXWSVwyWI0qTHiNs8ST
-----END PRIVATE KEY-----";

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

mod sign_in {
    //! A federated sign-in end to end: a second Cognate is the upstream OIDC provider of the
    //! first, each with its own browser (cookie jar).
    use aws_sdk_cognitoidentityprovider::types::{IdentityProviderTypeType, OAuthFlowType, UserStatusType};

    use super::details;
    use crate::common::*;
    use crate::hosted::{
        authorize_path, exchange, field, form_action, hosted_pool, query_param, Browser, CALLBACK, VERIFIER,
    };

    /// The upstream: a pool with a confidential client whose callback is the downstream's
    /// `/oauth2/idpresponse`; returns (issuer, client id, client secret).
    async fn upstream(server: &TestServer, downstream: &TestServer) -> (String, String, String) {
        let sdk = server.sdk();
        let (pool_id, _) = hosted_pool(server, &sdk).await;
        let client = sdk
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("downstream")
            .generate_secret(true)
            .allowed_o_auth_flows_user_pool_client(true)
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid")
            .allowed_o_auth_scopes("email")
            .allowed_o_auth_scopes("profile")
            .callback_urls(format!("{}/oauth2/idpresponse", downstream.url))
            .supported_identity_providers("COGNITO")
            .send()
            .await
            .unwrap();
        let client = client.user_pool_client().unwrap();
        let issuer = format!("{}/{pool_id}", server.url);
        (issuer, client.client_id().unwrap().to_owned(), client.client_secret().unwrap().to_owned())
    }

    /// The downstream: its pool trusts the upstream as `Upstream`, and a client may use it.
    async fn downstream(server: &TestServer, issuer: &str, client_id: &str, secret: &str) -> (String, String) {
        let sdk = server.sdk();
        let (pool_id, _) = hosted_pool(server, &sdk).await;
        sdk.create_identity_provider()
            .user_pool_id(&pool_id)
            .provider_name("Upstream")
            .provider_type(IdentityProviderTypeType::Oidc)
            .set_provider_details(Some(details(&[
                ("client_id", client_id),
                ("client_secret", secret),
                ("authorize_scopes", "openid email profile"),
                ("attributes_request_method", "GET"),
                ("oidc_issuer", issuer),
            ])))
            .attribute_mapping("email", "email")
            .attribute_mapping("email_verified", "email_verified")
            .attribute_mapping("username", "sub")
            .idp_identifiers("upstream.example")
            .send()
            .await
            .unwrap();
        let client = sdk
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("app")
            .allowed_o_auth_flows_user_pool_client(true)
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid")
            .allowed_o_auth_scopes("email")
            .callback_urls(CALLBACK)
            .supported_identity_providers("COGNITO")
            .supported_identity_providers("Upstream")
            .send()
            .await
            .unwrap();
        (pool_id, client.user_pool_client().unwrap().client_id().unwrap().to_owned())
    }

    /// An upstream Cognate, and a downstream one whose triggers `functions` play, trusting it.
    async fn with_triggers(functions: &crate::triggers::Functions) -> (TestServer, TestServer, String, String) {
        let up_server = TestServer::start().await;
        let down_server = TestServer::start_with_triggers(&functions.url, crate::triggers::SECRET).await;
        let (issuer, up_client, up_secret) = upstream(&up_server, &down_server).await;
        let (pool_id, client_id) = downstream(&down_server, &issuer, &up_client, &up_secret).await;
        (up_server, down_server, pool_id, client_id)
    }

    /// Through the upstream's page and back: the downstream's answer to the client.
    async fn round_trip(down: &mut Browser, up: &mut Browser, client_id: &str, extra: &str) -> String {
        let authorize = down.get(&authorize_path(client_id, &format!("&scope=openid+email{extra}"))).await;
        assert_eq!(authorize.status, 302, "{}", authorize.body);
        let to_upstream = authorize.location.unwrap();
        let at_upstream = up.get(&to_upstream).await;
        let mut location = at_upstream.location.unwrap_or_else(|| panic!("{}", at_upstream.body));
        if location.starts_with("/login?") {
            let page = up.get(&location).await;
            let done = up
                .post(
                    &form_action(&page.body),
                    &[("_csrf", &field(&page.body, "_csrf")), ("username", "alice"), ("password", PASSWORD)],
                )
                .await;
            location = done.location.unwrap_or_else(|| panic!("{}", done.body));
        }
        assert!(location.contains("/oauth2/idpresponse?"), "{location}");
        let back = down.get(&location).await;
        back.location.unwrap_or_else(|| panic!("{}: {}", back.status, back.body))
    }

    #[tokio::test]
    async fn a_user_signs_in_through_an_upstream_oidc_provider_and_gets_this_pools_tokens() {
        let (up_server, down_server) = (TestServer::start().await, TestServer::start().await);
        let (issuer, up_client, up_secret) = upstream(&up_server, &down_server).await;
        let (pool_id, client_id) = downstream(&down_server, &issuer, &up_client, &up_secret).await;
        let (mut down, mut up) = (Browser::new(&down_server), Browser::new(&up_server));

        // The request names the provider: the browser goes there, with Cognate's own state,
        // nonce and PKCE challenge, and the redirect URI Cognito uses.
        let first = down.get(&authorize_path(&client_id, "&scope=openid+email&identity_provider=Upstream")).await;
        let to_upstream = first.location.unwrap();
        assert!(to_upstream.starts_with(&format!("{}/oauth2/authorize?", up_server.url)), "{to_upstream}");
        for name in ["state", "nonce", "code_challenge"] {
            assert!(query_param(&to_upstream, name).is_some_and(|v| v != "st-1"), "{name} is Cognate's own");
        }
        assert_eq!(
            query_param(&to_upstream, "redirect_uri").unwrap(),
            format!("{}/oauth2/idpresponse", down_server.url)
        );

        let done = round_trip(&mut down, &mut up, &client_id, "&identity_provider=Upstream").await;
        assert!(done.starts_with(&format!("{CALLBACK}?code=")), "{done}");
        assert_eq!(query_param(&done, "state").as_deref(), Some("st-1"), "the client's state comes back");
        let (status, tokens) = exchange(&down_server, &client_id, &query_param(&done, "code").unwrap(), VERIFIER).await;
        assert_eq!(status, 200, "{tokens}");
        let id = jwt_claims(tokens["id_token"].as_str().unwrap());
        let upstream_sub = {
            let sdk = up_server.sdk();
            let (up_pool, _) = issuer.rsplit_once('/').map(|(_, p)| (p.to_owned(), ())).unwrap();
            let alice = sdk.admin_get_user().user_pool_id(&up_pool).username("alice").send().await.unwrap();
            alice.user_attributes().iter().find(|a| a.name() == "sub").unwrap().value().unwrap().to_owned()
        };
        let username = format!("Upstream_{upstream_sub}");
        assert_eq!(id["cognito:username"], username.as_str());
        assert_eq!(id["email"], "alice@example.com");
        assert_ne!(id["sub"], upstream_sub.as_str(), "the pool issues its own sub");
        assert_eq!(id["identities"][0]["providerName"], "Upstream", "{id}");
        assert_eq!(id["identities"][0]["primary"], "true", "as Cognito: strings in the token");
        assert!(id["identities"][0]["dateCreated"].is_string());
        let group = format!("{pool_id}_Upstream");
        assert_eq!(id["cognito:groups"], serde_json::json!([group]));

        let sdk = down_server.sdk();
        let user = sdk.admin_get_user().user_pool_id(&pool_id).username(&username).send().await.unwrap();
        assert_eq!(user.user_status(), Some(&UserStatusType::ExternalProvider));
        let identities = user.user_attributes().iter().find(|a| a.name() == "identities").unwrap().value().unwrap();
        let identities: serde_json::Value = serde_json::from_str(identities).unwrap();
        assert_eq!(identities[0]["userId"], upstream_sub.as_str());
        assert_eq!(identities[0]["providerName"], "Upstream");
        // A federated user has no password to sign in with through the API.
        let password_client = public_client(&sdk, &pool_id).await;
        let refused = sdk
            .admin_initiate_auth()
            .user_pool_id(&pool_id)
            .client_id(&password_client)
            .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", &username)
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await;
        assert_eq!(error(refused).0, "NotAuthorizedException");

        // The second sign-in (by idp_identifier, with a fresh downstream session) is the same user.
        let mut fresh = Browser::new(&down_server);
        let again = round_trip(&mut fresh, &mut up, &client_id, "&idp_identifier=upstream.example").await;
        let (_, tokens) = exchange(&down_server, &client_id, &query_param(&again, "code").unwrap(), VERIFIER).await;
        assert_eq!(jwt_claims(tokens["id_token"].as_str().unwrap())["sub"], id["sub"]);

        // Without a provider named, the sign-in page offers the client's providers as buttons.
        let mut third = Browser::new(&down_server);
        let login = third.get(&authorize_path(&client_id, "&scope=openid+email")).await.location.unwrap();
        let page = third.get(&login).await;
        let marker = "id=\"idp-Upstream\" href=\"";
        let start = page.body.find(marker).unwrap_or_else(|| panic!("no button:\n{}", page.body)) + marker.len();
        let href = crate::hosted::unescape(&page.body[start..start + page.body[start..].find('"').unwrap()]);
        assert!(page.body.contains("Sign in with Upstream"));
        let via_button = third.get(&href).await.location.unwrap();
        assert!(via_button.starts_with(&format!("{}/oauth2/authorize?", up_server.url)), "{via_button}");
    }

    #[tokio::test]
    async fn a_forged_or_spent_state_and_an_upstream_error_are_refused() {
        let (up_server, down_server) = (TestServer::start().await, TestServer::start().await);
        let (issuer, up_client, up_secret) = upstream(&up_server, &down_server).await;
        let (_, client_id) = downstream(&down_server, &issuer, &up_client, &up_secret).await;
        let (mut down, mut up) = (Browser::new(&down_server), Browser::new(&up_server));

        // A state this server never gave is the error page: nothing to redirect to.
        let forged = down.get("/oauth2/idpresponse?code=abc&state=made-up").await;
        assert_eq!(forged.status, 400);
        assert!(forged.location.is_none());

        // The provider's error goes to the client with its state.
        let first = down.get(&authorize_path(&client_id, "&scope=openid&identity_provider=Upstream")).await;
        let state = query_param(&first.location.unwrap(), "state").unwrap();
        let denied = down.get(&format!("/oauth2/idpresponse?error=access_denied&state={state}")).await;
        let denied = denied.location.unwrap();
        assert!(denied.starts_with(&format!("{CALLBACK}?error=invalid_request")), "{denied}");
        assert!(query_param(&denied, "error_description").unwrap().contains("access_denied"));
        assert_eq!(query_param(&denied, "state").as_deref(), Some("st-1"));

        // The answer of a finished round trip cannot be replayed.
        let authorize = down.get(&authorize_path(&client_id, "&scope=openid&identity_provider=Upstream")).await;
        let at_upstream = up.get(&authorize.location.unwrap()).await;
        let page = up.get(&at_upstream.location.unwrap()).await;
        let done = up
            .post(
                &form_action(&page.body),
                &[("_csrf", &field(&page.body, "_csrf")), ("username", "alice"), ("password", PASSWORD)],
            )
            .await;
        let answer = done.location.unwrap();
        assert!(down.get(&answer).await.location.unwrap().starts_with(&format!("{CALLBACK}?code=")));
        let replay = Browser::new(&down_server).get(&answer).await;
        assert_eq!(replay.status, 400, "the state is spent");

        // A provider whose client id is not the one its tokens are for: the exchange or the
        // audience check refuses, and the client hears of it.
        let sdk = down_server.sdk();
        let pool_id =
            sdk.list_user_pools().max_results(10).send().await.unwrap().user_pools()[0].id().unwrap().to_owned();
        sdk.update_identity_provider()
            .user_pool_id(&pool_id)
            .provider_name("Upstream")
            .set_provider_details(Some(details(&[
                ("client_id", "someone-else"),
                ("authorize_scopes", "openid email profile"),
                ("attributes_request_method", "GET"),
                ("oidc_issuer", issuer.as_str()),
            ])))
            .send()
            .await
            .unwrap();
        // (A browser without the downstream session that the round trip above left.)
        let mut signed_out = Browser::new(&down_server);
        let authorize = signed_out.get(&authorize_path(&client_id, "&scope=openid&identity_provider=Upstream")).await;
        let at_upstream = up.get(&authorize.location.unwrap()).await;
        assert_eq!(at_upstream.status, 400, "the upstream does not know that client: {}", at_upstream.body);
    }

    #[tokio::test]
    async fn pre_sign_up_hears_of_a_federated_users_first_sign_in_and_may_refuse_it() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;

        use aws_sdk_cognitoidentityprovider::types::LambdaConfigType;

        use crate::triggers::{arn, Functions, Reply};

        let closed = Arc::new(AtomicBool::new(true));
        let gate = closed.clone();
        let functions = Functions::start(Arc::new(move |function, _| {
            if function == "preSignUp" && gate.load(Ordering::SeqCst) {
                Reply::Throw("Sign-ups through Upstream are closed.")
            } else {
                Reply::Event
            }
        }))
        .await;
        let (up_server, down_server, pool_id, client_id) = with_triggers(&functions).await;
        let config = LambdaConfigType::builder()
            .pre_sign_up(arn("preSignUp"))
            .post_confirmation(arn("postConfirmation"))
            .build();
        let sdk = down_server.sdk();
        sdk.update_user_pool().user_pool_id(&pool_id).lambda_config(config).send().await.unwrap();
        let (mut down, mut up) = (Browser::new(&down_server), Browser::new(&up_server));

        // Refused: the client hears it as Cognito's hosted UI tells it, and no user is made.
        let refused = round_trip(&mut down, &mut up, &client_id, "&identity_provider=Upstream").await;
        assert!(refused.starts_with(&format!("{CALLBACK}?error=invalid_request")), "{refused}");
        assert_eq!(
            query_param(&refused, "error_description").as_deref(),
            Some("PreSignUp failed with error Sign-ups through Upstream are closed..")
        );
        let event = &functions.events("preSignUp")[0];
        assert_eq!(event["triggerSource"], "PreSignUp_ExternalProvider");
        assert_eq!(event["callerContext"]["clientId"], client_id.as_str());
        assert!(event["userName"].as_str().unwrap().starts_with("Upstream_"), "{event}");
        assert_eq!(event["request"]["userAttributes"]["email"], "alice@example.com");
        let users = sdk.list_users().user_pool_id(&pool_id).send().await.unwrap();
        assert!(users.users().iter().all(|u| !u.username().unwrap().starts_with("Upstream_")), "no federated user");
        assert!(functions.events("postConfirmation").is_empty());

        // Allowed: the user is made and confirmed once; the next sign-in calls neither again.
        closed.store(false, Ordering::SeqCst);
        let mut fresh = Browser::new(&down_server);
        let done = round_trip(&mut fresh, &mut up, &client_id, "&identity_provider=Upstream").await;
        assert!(done.starts_with(&format!("{CALLBACK}?code=")), "{done}");
        let confirmed = functions.events("postConfirmation");
        assert_eq!(confirmed.len(), 1);
        assert_eq!(confirmed[0]["triggerSource"], "PostConfirmation_ConfirmSignUp");
        assert_eq!(confirmed[0]["userName"], event["userName"]);
        let mut third = Browser::new(&down_server);
        round_trip(&mut third, &mut up, &client_id, "&identity_provider=Upstream").await;
        assert_eq!(functions.events("preSignUp").len(), 2);
        assert_eq!(functions.events("postConfirmation").len(), 1);
    }

    #[tokio::test]
    async fn inbound_federation_sees_the_providers_answer_and_rewrites_the_claims_that_are_mapped() {
        use std::sync::Arc;

        use aws_sdk_cognitoidentityprovider::types::{
            InboundFederationLambdaType, InboundFederationLambdaVersionType, LambdaConfigType,
        };
        use serde_json::json;

        use crate::triggers::{arn, Functions, Reply};

        let functions = Functions::start(Arc::new(|_, event| {
            // Rewrites the email and its verification, and tries (in vain) to change the subject.
            let email = event["request"]["attributes"]["idToken"]["email"].as_str().unwrap_or("").to_owned();
            event["response"]["userAttributesToMap"] =
                json!({"email": email.to_uppercase(), "email_verified": "false", "sub": "someone-else"});
            Reply::Event
        }))
        .await;
        let (up_server, down_server, pool_id, client_id) = with_triggers(&functions).await;
        let inbound = InboundFederationLambdaType::builder()
            .lambda_version(InboundFederationLambdaVersionType::V10)
            .lambda_arn(arn("inbound"))
            .build()
            .unwrap();
        let sdk = down_server.sdk();
        let config = LambdaConfigType::builder().inbound_federation(inbound).build();
        sdk.update_user_pool().user_pool_id(&pool_id).lambda_config(config).send().await.unwrap();
        let shown = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
        let shown = shown.user_pool().unwrap().lambda_config().unwrap().inbound_federation().unwrap().lambda_arn();
        assert_eq!(shown, arn("inbound"));

        let (mut down, mut up) = (Browser::new(&down_server), Browser::new(&up_server));
        let done = round_trip(&mut down, &mut up, &client_id, "&identity_provider=Upstream").await;
        assert!(done.starts_with(&format!("{CALLBACK}?code=")), "{done}");
        let event = functions.events("inbound").pop().unwrap();
        assert_eq!(event["triggerSource"], "InboundFederation_ExternalProvider");
        assert_eq!(event["callerContext"]["clientId"], client_id.as_str());
        assert_eq!(event["request"]["providerName"], "Upstream");
        assert_eq!(event["request"]["providerType"], "OIDC");
        let attributes = &event["request"]["attributes"];
        assert_eq!(attributes["idToken"]["email"], "alice@example.com");
        assert_eq!(attributes["tokenResponse"]["token_type"], "Bearer");
        assert!(attributes["tokenResponse"]["access_token"].is_string());
        assert!(attributes["idToken"]["exp"].is_string(), "values arrive as strings: {attributes}");
        assert_eq!(attributes["userInfo"]["sub"], attributes["idToken"]["sub"]);
        let subject = attributes["idToken"]["sub"].as_str().unwrap();
        assert_eq!(event["userName"], format!("Upstream_{subject}"));

        // The function's claims went through the AttributeMapping; the subject stayed the provider's.
        let user = sdk.admin_get_user().user_pool_id(&pool_id).username(format!("Upstream_{subject}")).send().await;
        let user = user.expect("the user is named by the provider's subject, whatever the function said");
        let value = |name: &str| user.user_attributes().iter().find(|a| a.name() == name).and_then(|a| a.value());
        assert_eq!(value("email"), Some("ALICE@EXAMPLE.COM"));
        assert_eq!(value("email_verified"), Some("false"));
    }
}
