//! The OAuth side of a pool through the AWS SDK for Rust — domains, resource servers, the OAuth
//! fields of app clients — `/oauth2/token`'s client_credentials and refresh_token grants, and `/oauth2/revoke`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use aws_sdk_cognitoidentityprovider::types::{CustomDomainConfigType, OAuthFlowType, ResourceServerScopeType};
use aws_sdk_cognitoidentityprovider::Client;
use base64::Engine;

fn scope(name: &str) -> ResourceServerScopeType {
    ResourceServerScopeType::builder().scope_name(name).scope_description(format!("{name} things")).build().unwrap()
}

/// A pool with a domain, a resource server `https://api.example.com` (read, write), and a
/// confidential client allowed client_credentials for `read`; returns (pool, client, secret).
pub(crate) async fn machine_client(sdk: &Client, prefix: &str) -> (String, String, String) {
    let (pool_id, _) = username_pool(sdk).await;
    sdk.create_user_pool_domain().user_pool_id(&pool_id).domain(prefix).send().await.unwrap();
    sdk.create_resource_server()
        .user_pool_id(&pool_id)
        .identifier("https://api.example.com")
        .name("Example API")
        .scopes(scope("read"))
        .scopes(scope("write"))
        .send()
        .await
        .unwrap();
    let client = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("machine")
        .generate_secret(true)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
        .allowed_o_auth_scopes("https://api.example.com/read")
        .send()
        .await
        .unwrap();
    let client = client.user_pool_client().unwrap();
    (pool_id, client.client_id().unwrap().to_owned(), client.client_secret().unwrap().to_owned())
}

pub(crate) async fn token(
    server: &TestServer,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> (u16, serde_json::Value) {
    let mut request = reqwest::Client::new().post(format!("{}/oauth2/token", server.url)).form(form);
    if let Some((id, secret)) = basic {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        request = request.header("authorization", format!("Basic {encoded}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    assert_eq!(response.headers()["cache-control"], "no-store");
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn domains_belong_to_one_pool_and_show_in_describe_user_pool() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = username_pool(&sdk).await;
    let (other_pool, _) = username_pool(&sdk).await;

    let free = sdk.describe_user_pool_domain().domain("cruddur-login").send().await.unwrap();
    let free = free.domain_description().unwrap();
    assert!(free.user_pool_id().is_none() && free.domain().is_none(), "an unknown domain is an empty description");

    let created = sdk.create_user_pool_domain().user_pool_id(&pool_id).domain("cruddur-login").send().await.unwrap();
    assert_eq!(created.managed_login_version(), Some(1));
    assert!(created.cloud_front_domain().is_none(), "only custom domains get one");
    let described = sdk.describe_user_pool_domain().domain("cruddur-login").send().await.unwrap();
    let described = described.domain_description().unwrap();
    assert_eq!(described.user_pool_id(), Some(pool_id.as_str()));
    assert_eq!(described.status().map(|s| s.as_str()), Some("ACTIVE"));
    let pool = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    assert_eq!(pool.user_pool().unwrap().domain(), Some("cruddur-login"));

    let (kind, message) =
        error(sdk.create_user_pool_domain().user_pool_id(&other_pool).domain("cruddur-login").send().await);
    assert_eq!(
        (kind.as_str(), message.as_str()),
        ("InvalidParameterException", "Domain already associated with another user pool.")
    );
    let (kind, _) = error(sdk.create_user_pool_domain().user_pool_id(&pool_id).domain("second-one").send().await);
    assert_eq!(kind, "InvalidParameterException", "one prefix domain per pool");
    let (_, message) = error(sdk.create_user_pool_domain().user_pool_id(&other_pool).domain("my-cognito").send().await);
    assert_eq!(message, "Domain cannot contain reserved word: cognito");
    let (_, message) = error(sdk.create_user_pool_domain().user_pool_id(&other_pool).domain("Bad_Name").send().await);
    assert!(message.contains("failed to satisfy constraint"), "{message}");
    let missing = sdk.create_user_pool_domain().user_pool_id("us-east-1_nothere00").domain("x1").send().await;
    assert_eq!(code(missing), "ResourceNotFoundException");

    let certificate = CustomDomainConfigType::builder()
        .certificate_arn("arn:aws:acm:us-east-1:000000000000:certificate/0d0c2e53")
        .build()
        .unwrap();
    let custom = sdk
        .create_user_pool_domain()
        .user_pool_id(&pool_id)
        .domain("auth.cruddur.example")
        .custom_domain_config(certificate.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(custom.cloud_front_domain(), Some("127.0.0.1"), "point the custom domain at this server");
    let updated = sdk
        .update_user_pool_domain()
        .user_pool_id(&pool_id)
        .domain("auth.cruddur.example")
        .managed_login_version(2)
        .custom_domain_config(certificate)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.managed_login_version(), Some(2));
    let pool = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    assert_eq!(pool.user_pool().unwrap().custom_domain(), Some("auth.cruddur.example"));

    let wrong_pool = sdk.delete_user_pool_domain().user_pool_id(&other_pool).domain("cruddur-login").send().await;
    assert_eq!(error(wrong_pool).1, "No such domain or user pool exists.");
    sdk.delete_user_pool_domain().user_pool_id(&pool_id).domain("cruddur-login").send().await.unwrap();
    let gone = sdk.describe_user_pool_domain().domain("cruddur-login").send().await.unwrap();
    assert!(gone.domain_description().unwrap().user_pool_id().is_none());
    // The name is free again.
    sdk.create_user_pool_domain().user_pool_id(&other_pool).domain("cruddur-login").send().await.unwrap();
}

#[tokio::test]
async fn resource_servers_are_created_listed_replaced_and_deleted() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = username_pool(&sdk).await;
    for id in ["https://api.example.com", "orders", "billing"] {
        sdk.create_resource_server()
            .user_pool_id(&pool_id)
            .identifier(id)
            .name("An API")
            .scopes(scope("read"))
            .send()
            .await
            .unwrap();
    }
    let duplicate = sdk.create_resource_server().user_pool_id(&pool_id).identifier("orders").name("Again").send().await;
    assert_eq!(
        error(duplicate),
        ("InvalidParameterException".into(), format!("orders already exists in user pool {pool_id}."))
    );
    let slash =
        sdk.create_resource_server().user_pool_id(&pool_id).identifier("x").name("x").scopes(scope("a/b")).send().await;
    assert!(error(slash).1.contains("scopes.1.member.scopeName"));

    let page = sdk.list_resource_servers().user_pool_id(&pool_id).max_results(2).send().await.unwrap();
    let ids: Vec<&str> = page.resource_servers().iter().map(|s| s.identifier().unwrap()).collect();
    assert_eq!(ids, ["billing", "https://api.example.com"]);
    let rest = sdk
        .list_resource_servers()
        .user_pool_id(&pool_id)
        .max_results(2)
        .next_token(page.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.resource_servers()[0].identifier(), Some("orders"));
    assert!(rest.next_token().is_none());

    let replaced = sdk
        .update_resource_server()
        .user_pool_id(&pool_id)
        .identifier("orders")
        .name("Orders")
        .scopes(scope("ship"))
        .send()
        .await
        .unwrap();
    let scopes: Vec<&str> = replaced.resource_server().unwrap().scopes().iter().map(|s| s.scope_name()).collect();
    assert_eq!(scopes, ["ship"], "an update replaces the scopes");
    let described = sdk.describe_resource_server().user_pool_id(&pool_id).identifier("orders").send().await.unwrap();
    assert_eq!(described.resource_server().unwrap().name(), Some("Orders"));
    sdk.delete_resource_server().user_pool_id(&pool_id).identifier("orders").send().await.unwrap();
    let gone = sdk.describe_resource_server().user_pool_id(&pool_id).identifier("orders").send().await;
    assert_eq!(code(gone), "ResourceNotFoundException");
}

#[tokio::test]
async fn app_clients_oauth_fields_are_checked_as_cognito_checks_them() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, _) = username_pool(&sdk).await;
    let client = || sdk.create_user_pool_client().user_pool_id(&pool_id).client_name("c");

    let public_cc = client().allowed_o_auth_flows(OAuthFlowType::ClientCredentials).send().await;
    assert_eq!(
        error(public_cc),
        (
            "InvalidOAuthFlowException".into(),
            "client_credentials flow can not be selected if client does not have a client secret.".into()
        )
    );
    let no_callback = client().allowed_o_auth_flows(OAuthFlowType::Code).allowed_o_auth_scopes("openid").send().await;
    assert_eq!(code(no_callback), "InvalidOAuthFlowException");
    let unknown = client().allowed_o_auth_scopes("Cognito").send().await;
    assert_eq!(error(unknown), ("ScopeDoesNotExistException".into(), "Invalid scope requested: Cognito".into()));
    let plain_http = client().callback_urls("http://localhost.com/").send().await;
    assert_eq!(
        error(plain_http),
        ("InvalidParameterException".into(), "http://localhost.com/ cannot use the HTTP protocol.".into())
    );
    let prefix_trick = client()
        .callback_urls("https://app.example.com/cb")
        .default_redirect_uri("https://app.example.com.evil.test/cb")
        .send()
        .await;
    assert_eq!(code(prefix_trick), "InvalidParameterException");
    let google = client().supported_identity_providers("Google").send().await;
    assert_eq!(error(google).1, format!("The provider Google does not exist for User Pool {pool_id}"));

    let web = client()
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .callback_urls("http://localhost:3000/")
        .callback_urls("myapp://signed-in")
        .logout_urls("http://localhost:3000/")
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap();
    let web = web.user_pool_client().unwrap();
    assert_eq!(web.callback_urls(), ["http://localhost:3000/", "myapp://signed-in"]);
    assert_eq!(web.allowed_o_auth_flows(), [OAuthFlowType::Code]);
}

#[tokio::test]
async fn client_credentials_grant_an_access_token_for_custom_scopes_only() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id, secret) = machine_client(&sdk, "machines").await;

    let (status, body) = token(&server, &[("grant_type", "client_credentials")], Some((&client_id, &secret))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["token_type"].as_str(), body["expires_in"].as_i64()), (Some("Bearer"), Some(3600)));
    assert!(body.get("id_token").is_none() && body.get("refresh_token").is_none());
    let claims = jwt_claims(body["access_token"].as_str().unwrap());
    assert_eq!(claims["sub"], client_id.as_str());
    assert_eq!(claims["client_id"], client_id.as_str());
    assert_eq!(claims["scope"], "https://api.example.com/read");
    assert_eq!((claims["token_use"].as_str(), claims["version"].as_i64()), (Some("access"), Some(2)));
    assert_eq!(claims["iss"], format!("{}/{pool_id}", server.url));
    assert!(claims.get("username").is_none(), "no user behind a client-credentials token");

    // client_secret_post, with the scope named.
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", client_id.as_str()),
        ("client_secret", secret.as_str()),
        ("scope", "https://api.example.com/read"),
    ];
    let (status, body) = token(&server, &form, None).await;
    assert_eq!(status, 200, "{body}");

    // A scope the client is not allowed, a wrong secret, no secret, both methods at once.
    let ask = |scope| [("grant_type", "client_credentials"), ("scope", scope)];
    let (status, body) = token(&server, &ask("https://api.example.com/write"), Some((&client_id, &secret))).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")));
    let (status, body) = token(&server, &ask("openid"), Some((&client_id, &secret))).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")));
    let (status, body) = token(&server, &[("grant_type", "client_credentials")], Some((&client_id, "wrong"))).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_client")));
    let (_, body) = token(&server, &[("grant_type", "client_credentials"), ("client_id", &client_id)], None).await;
    assert_eq!(body["error"], "invalid_client");
    let (_, body) = token(&server, &[("grant_type", "client_credentials"), ("client_id", "nosuchclient")], None).await;
    assert_eq!(body["error"], "invalid_client", "an unknown client looks like a wrong secret");
    let both = [("grant_type", "client_credentials"), ("client_secret", secret.as_str())];
    let (_, body) = token(&server, &both, Some((&client_id, &secret))).await;
    assert_eq!(body["error"], "invalid_request");
    let (_, body) = token(&server, &[("grant_type", "password")], Some((&client_id, &secret))).await;
    assert_eq!(body["error"], "unsupported_grant_type");

    // The token is not a user's: the self-service API refuses it.
    let (_, body) = token(&server, &[("grant_type", "client_credentials")], Some((&client_id, &secret))).await;
    let get_user = sdk.get_user().access_token(body["access_token"].as_str().unwrap()).send().await;
    assert_eq!(error(get_user), ("NotAuthorizedException".into(), "Access Token does not have required scopes".into()));

    // A scope removed from its resource server is no longer granted.
    sdk.update_resource_server()
        .user_pool_id(&pool_id)
        .identifier("https://api.example.com")
        .name("Example API")
        .scopes(scope("write"))
        .send()
        .await
        .unwrap();
    let (_, body) = token(&server, &[("grant_type", "client_credentials")], Some((&client_id, &secret))).await;
    assert_eq!(body["error"], "invalid_scope");
}

#[tokio::test]
async fn the_token_endpoint_needs_a_domain_a_form_and_single_parameters() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id, secret) = machine_client(&sdk, "soon-gone").await;
    let discovery: serde_json::Value =
        reqwest::get(format!("{}/{pool_id}/.well-known/openid-configuration", server.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(discovery["token_endpoint"], format!("{}/oauth2/token", server.url));
    assert_eq!(
        discovery["token_endpoint_auth_methods_supported"],
        serde_json::json!(["client_secret_basic", "client_secret_post"])
    );

    // A browser's preflight (Amplify sends a custom header with its token request) is answered.
    let preflight = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/oauth2/token", server.url))
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,x-amz-user-agent")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert!(preflight.headers().contains_key("access-control-allow-origin"));
    assert!(preflight.headers().contains_key("access-control-allow-headers"));

    let repeated = reqwest::Client::new()
        .post(format!("{}/oauth2/token", server.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&grant_type=client_credentials")
        .basic_auth(&client_id, Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(repeated.status(), 400);
    assert_eq!(repeated.json::<serde_json::Value>().await.unwrap()["error"], "invalid_request");
    let json_body = reqwest::Client::new()
        .post(format!("{}/oauth2/token", server.url))
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .basic_auth(&client_id, Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(json_body.json::<serde_json::Value>().await.unwrap()["error"], "invalid_request");

    sdk.delete_user_pool_domain().user_pool_id(&pool_id).domain("soon-gone").send().await.unwrap();
    let (status, body) = token(&server, &[("grant_type", "client_credentials")], Some((&client_id, &secret))).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")));
    assert!(body["error_description"].as_str().unwrap().contains("has no domain"));
    let discovery: serde_json::Value =
        reqwest::get(format!("{}/{pool_id}/.well-known/openid-configuration", server.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert!(discovery.get("token_endpoint").is_none(), "no endpoints without a domain");
}

#[tokio::test]
async fn a_refresh_token_from_an_sdk_sign_in_works_at_the_token_endpoint() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    sdk.create_user_pool_domain().user_pool_id(&pool_id).domain("refreshers").send().await.unwrap();
    confirmed_user(&server, &sdk, &client_id, "ada@example.com").await;
    let signed_in = sign_in(&sdk, &client_id, "ada@example.com", PASSWORD).await.unwrap();
    let result = signed_in.authentication_result().unwrap();
    let refresh_token = result.refresh_token().unwrap();

    let form = [("grant_type", "refresh_token"), ("client_id", client_id.as_str()), ("refresh_token", refresh_token)];
    let (status, body) = token(&server, &form, None).await;
    assert_eq!(status, 200, "{body}");
    let access = body["access_token"].as_str().unwrap();
    let id = jwt_claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["email"], "ada@example.com");
    assert_eq!(jwt_claims(access)["origin_jti"], jwt_claims(result.access_token().unwrap())["origin_jti"]);
    let user = sdk.get_user().access_token(access).send().await.unwrap();
    assert_eq!(user.username(), jwt_claims(access)["username"].as_str().unwrap());

    // After a global sign-out the refresh token is refused as a grant.
    sdk.global_sign_out().access_token(access).send().await.unwrap();
    let (status, body) = token(&server, &form, None).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let garbage = [("grant_type", "refresh_token"), ("client_id", client_id.as_str()), ("refresh_token", "nope")];
    assert_eq!(token(&server, &garbage, None).await.1["error"], "invalid_grant");
}

#[tokio::test]
async fn the_revocation_endpoint_revokes_a_refresh_token_and_its_access_tokens() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = email_pool(&sdk).await;
    sdk.create_user_pool_domain().user_pool_id(&pool_id).domain("revokers").send().await.unwrap();
    confirmed_user(&server, &sdk, &client_id, "ada@example.com").await;
    let signed_in = sign_in(&sdk, &client_id, "ada@example.com", PASSWORD).await.unwrap();
    let result = signed_in.authentication_result().unwrap();
    let (access, refresh) = (result.access_token().unwrap(), result.refresh_token().unwrap());
    let revoke = |form: Vec<(&'static str, String)>| {
        let url = format!("{}/oauth2/revoke", server.url);
        async move {
            let response = reqwest::Client::new().post(url).form(&form).send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };

    let (status, body) = revoke(vec![("token", access.to_owned()), ("client_id", client_id.clone())]).await;
    assert_eq!(status, 400);
    assert!(body.contains("unsupported_token_type"), "{body}");
    let (status, body) = revoke(vec![("token", refresh.to_owned()), ("client_id", "nosuchclient".into())]).await;
    assert_eq!(status, 401, "a failed client authentication is 401 here");
    assert!(body.contains("invalid_client"), "{body}");
    let (status, body) = revoke(vec![("client_id", client_id.clone())]).await;
    assert_eq!((status, body.contains("invalid_request")), (400, true));

    let (status, body) = revoke(vec![("token", refresh.to_owned()), ("client_id", client_id.clone())]).await;
    assert_eq!((status, body.as_str()), (200, ""));
    let get_user = sdk.get_user().access_token(access).send().await;
    assert_eq!(error(get_user).1, "Access Token has been revoked");
    let form = [("grant_type", "refresh_token"), ("client_id", client_id.as_str()), ("refresh_token", refresh)];
    assert_eq!(token(&server, &form, None).await.1["error"], "invalid_grant");
    // Revoking again, or a token nobody issued, is not an error.
    assert_eq!(revoke(vec![("token", refresh.to_owned()), ("client_id", client_id.clone())]).await.0, 200);
    assert_eq!(revoke(vec![("token", "never-issued".into()), ("client_id", client_id.clone())]).await.0, 200);
}
