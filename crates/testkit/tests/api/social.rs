//! The provider presets (Facebook, Login with Amazon, Sign in with Apple) and a crafted OIDC
//! provider, each against a local stand-in whose token and profile endpoints answer as the
//! provider's documentation says; the attacks a relying party must refuse; the JWKS cache and
//! key rotation; linking an identity to a native user.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::types::{
    IdentityProviderTypeType, OAuthFlowType, ProviderUserIdentifierType, UserStatusType,
};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Json;
use cognate_crypto::jwt::SigningKey;
use serde_json::{json, Value};

use crate::common::*;
use crate::hosted::{authorize_path, exchange, hosted_pool, query_param, Browser, CALLBACK, VERIFIER};

/// Apple's key for the tests (a throwaway P-256 key) and its public half as a JWK.
const APPLE_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgnLE7HwgnwYFXpJ3A
GJd5J7Tsv+ADp1yT16zDY7jwJ0qhRANCAAQHc++pWxQeDWTMwoBJ5WUXX/tN5bEg
60sHXUeQiSSIyBvR8NY+wDST89/fRYORFfxZPJ6Bn7JRNSTYmSyWWPEy
-----END PRIVATE KEY-----";
const APPLE_PUBLIC_X: &str = "B3PvqVsUHg1kzMKASeVlF1_7TeWxIOtLB11HkIkkiMg";
const APPLE_PUBLIC_Y: &str = "G9Hw1j7ANJPz399Fg5EV_Fk8noGfslE1JNiZLJZY8TI";

/// What the stand-in's OIDC token endpoint puts in (or does to) the next id token.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Trick {
    Honest,
    WrongAudience,
    WrongIssuer,
    BadSignature,
    UnknownKey,
    Expired,
    NoNonce,
    OtherFlowsNonce,
    UserInfoOfAnother,
    Hang,
}

struct Shared {
    key: SigningKey,
    nonce: String,
    trick: Trick,
    name: String,
    jwks_fetches: usize,
    profile_queries: Vec<String>,
    token_queries: Vec<HashMap<String, String>>,
    apple_secret: Option<String>,
}

#[derive(Clone)]
struct StandIn {
    url: String,
    shared: Arc<Mutex<Shared>>,
}

fn fresh_key() -> SigningKey {
    SigningKey::from_pkcs8(&SigningKey::generate_pkcs8().unwrap()).unwrap()
}

fn form_of(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes()).into_owned().collect()
}

fn bearer(headers: &HeaderMap) -> String {
    let value = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    value.strip_prefix("Bearer ").unwrap_or_default().to_owned()
}

/// An id token from the stand-in's key (or a trick played with it).
fn id_token(shared: &Shared, issuer: &str, audience: &str, subject: &str) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let mut claims = json!({
        "iss": issuer, "aud": audience, "sub": subject, "nonce": shared.nonce, "iat": now, "exp": now + 600,
        "email": "una@example.com", "email_verified": "true",
    });
    match shared.trick {
        Trick::WrongAudience => claims["aud"] = json!("someone-else"),
        Trick::WrongIssuer => claims["iss"] = json!("https://impostor.example"),
        Trick::Expired => claims["exp"] = json!(now - 5),
        Trick::NoNonce => {
            claims.as_object_mut().unwrap().remove("nonce");
        }
        // A token replayed from another sign-in carries that sign-in's nonce.
        Trick::OtherFlowsNonce => claims["nonce"] = json!("the-nonce-of-another-sign-in"),
        _ => {}
    }
    let stranger;
    let signer = if shared.trick == Trick::UnknownKey {
        stranger = fresh_key();
        &stranger
    } else {
        &shared.key
    };
    let token = signer.sign(&claims).unwrap();
    if shared.trick != Trick::BadSignature {
        return token;
    }
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    format!("{signed}.{flipped}{}", &signature[1..])
}

async fn jwks(State(stand_in): State<StandIn>) -> Json<Value> {
    let mut shared = stand_in.shared.lock().unwrap();
    shared.jwks_fetches += 1;
    Json(json!({ "keys": [shared.key.jwk()] }))
}

/// The crafted OIDC provider's token endpoint (client_secret_post and PKCE, as Cognate sends).
async fn oidc_token(State(stand_in): State<StandIn>, body: String) -> (StatusCode, Json<Value>) {
    let form = form_of(&body);
    let trick = stand_in.shared.lock().unwrap().trick;
    if trick == Trick::Hang {
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
    if form.get("client_secret").map(String::as_str) != Some("oidc-secret")
        || form.get("code").map(String::as_str) != Some("good-code")
        || form.get("code_verifier").is_none_or(|v| v.len() < 43)
    {
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": "invalid_grant" })));
    }
    let shared = stand_in.shared.lock().unwrap();
    let token = id_token(&shared, &stand_in.url, "oidc-client", "una-1");
    (StatusCode::OK, Json(json!({ "access_token": "oidc-at", "token_type": "Bearer", "id_token": token })))
}

async fn oidc_userinfo(State(stand_in): State<StandIn>, headers: HeaderMap) -> (StatusCode, Json<Value>) {
    if bearer(&headers) != "oidc-at" {
        return (StatusCode::UNAUTHORIZED, Json(json!({ "error": "invalid_token" })));
    }
    let shared = stand_in.shared.lock().unwrap();
    let sub = if shared.trick == Trick::UserInfoOfAnother { "mallory" } else { "una-1" };
    (StatusCode::OK, Json(json!({ "sub": sub, "name": shared.name })))
}

/// Facebook's token endpoint: a GET with the secret in the query (Graph API's documented form).
async fn facebook_token(
    State(stand_in): State<StandIn>,
    Query(query): Query<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    let good = query.get("client_secret").map(String::as_str) == Some("fb-secret")
        && query.get("code").map(String::as_str) == Some("fb-code")
        && query.get("redirect_uri").is_some_and(|r| r.ends_with("/oauth2/idpresponse"));
    stand_in.shared.lock().unwrap().token_queries.push(query);
    if !good {
        let error = json!({ "error": { "message": "Invalid verification code format.", "type": "OAuthException", "code": 100 } });
        return (StatusCode::BAD_REQUEST, Json(error));
    }
    (StatusCode::OK, Json(json!({ "access_token": "fb-at", "token_type": "bearer", "expires_in": 5183944 })))
}

/// Graph API's `me`: only the fields asked for.
async fn facebook_me(
    State(stand_in): State<StandIn>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    if bearer(&headers) != "fb-at" {
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": { "type": "OAuthException" } })));
    }
    let fields = query.get("fields").cloned().unwrap_or_default();
    let mut shared = stand_in.shared.lock().unwrap();
    shared.profile_queries.push(fields.clone());
    let all = json!({ "id": "10158000000001", "email": "fay@example.com", "name": shared.name });
    let mut answer = serde_json::Map::new();
    for field in fields.split(',') {
        if let Some(value) = all.get(field) {
            answer.insert(field.to_owned(), value.clone());
        }
    }
    (StatusCode::OK, Json(Value::Object(answer)))
}

async fn amazon_token(body: String) -> (StatusCode, Json<Value>) {
    let form = form_of(&body);
    if form.get("client_secret").map(String::as_str) != Some("amzn-secret")
        || form.get("grant_type").map(String::as_str) != Some("authorization_code")
    {
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": "invalid_client" })));
    }
    (StatusCode::OK, Json(json!({ "access_token": "Atza|amzn-at", "token_type": "bearer", "expires_in": 3600 })))
}

/// Login with Amazon's profile: `user_id`, `name`, `email`.
async fn amazon_profile(State(stand_in): State<StandIn>, headers: HeaderMap) -> (StatusCode, Json<Value>) {
    if bearer(&headers) != "Atza|amzn-at" {
        return (StatusCode::UNAUTHORIZED, Json(json!({ "error": "invalid_token" })));
    }
    let name = stand_in.shared.lock().unwrap().name.clone();
    (StatusCode::OK, Json(json!({ "user_id": "amzn1.account.AE1", "email": "amy@example.com", "name": name })))
}

/// Apple's token endpoint: the client secret must be an ES256 JWT under Apple's key.
async fn apple_token(State(stand_in): State<StandIn>, body: String) -> (StatusCode, Json<Value>) {
    let form = form_of(&body);
    let secret = form.get("client_secret").cloned().unwrap_or_default();
    let jwk = json!({ "keys": [{ "kty": "EC", "crv": "P-256", "kid": "KEY1234567", "alg": "ES256", "x": APPLE_PUBLIC_X, "y": APPLE_PUBLIC_Y }] });
    let keys = cognate_verify::KeySet::from_json(jwk.to_string().as_bytes()).unwrap();
    let verified = cognate_verify::decode(&secret).ok().filter(|decoded| {
        decoded.algorithm == cognate_verify::Algorithm::ES256
            && keys.get(&decoded.kid).is_some_and(|key| key.verify(decoded).is_ok())
    });
    if verified.is_none() {
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": "invalid_client" })));
    }
    let mut shared = stand_in.shared.lock().unwrap();
    shared.apple_secret = Some(secret);
    let token = id_token(&shared, "https://appleid.apple.com", "com.example.web", "000123.apple");
    (StatusCode::OK, Json(json!({ "access_token": "apple-at", "token_type": "Bearer", "id_token": token })))
}

impl StandIn {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Shared {
            key: fresh_key(),
            nonce: String::new(),
            trick: Trick::Honest,
            name: "First Name".into(),
            jwks_fetches: 0,
            profile_queries: vec![],
            token_queries: vec![],
            apple_secret: None,
        };
        let stand_in = StandIn { url, shared: Arc::new(Mutex::new(shared)) };
        let app = axum::Router::new()
            .route("/jwks", get(jwks))
            .route("/oidc/token", post(oidc_token))
            .route("/oidc/userinfo", get(oidc_userinfo))
            .route("/fb/oauth/access_token", get(facebook_token))
            .route("/fb/me", get(facebook_me))
            .route("/amzn/token", post(amazon_token))
            .route("/amzn/profile", get(amazon_profile))
            .route("/apple/token", post(apple_token))
            .with_state(stand_in.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        stand_in
    }

    fn set(&self, change: impl FnOnce(&mut Shared)) {
        change(&mut self.shared.lock().unwrap());
    }

    fn read<T>(&self, look: impl FnOnce(&Shared) -> T) -> T {
        look(&self.shared.lock().unwrap())
    }
}

fn details(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// A provider to create: its name, type and details.
type ProviderSpec = (&'static str, IdentityProviderTypeType, Vec<(&'static str, String)>);

/// A pool with the four providers pointed at the stand-in, and a client that may use them.
async fn pool_with_providers(server: &TestServer, stand_in: &StandIn) -> (String, String) {
    let sdk = server.sdk();
    let (pool_id, _) = hosted_pool(server, &sdk).await;
    let at = |path: &str| format!("{}{path}", stand_in.url);
    let providers: [ProviderSpec; 4] = [
        (
            "Crafted",
            IdentityProviderTypeType::Oidc,
            vec![
                ("client_id", "oidc-client".into()),
                ("client_secret", "oidc-secret".into()),
                ("authorize_scopes", "openid email".into()),
                ("attributes_request_method", "GET".into()),
                ("oidc_issuer", stand_in.url.clone()),
                ("authorize_url", at("/oidc/authorize")),
                ("token_url", at("/oidc/token")),
                ("attributes_url", at("/oidc/userinfo")),
                ("jwks_uri", at("/jwks")),
            ],
        ),
        (
            "Facebook",
            IdentityProviderTypeType::Facebook,
            vec![
                ("client_id", "fb-app".into()),
                ("client_secret", "fb-secret".into()),
                ("authorize_scopes", "public_profile,email".into()),
                ("authorize_url", at("/fb/dialog/oauth")),
                ("token_url", at("/fb/oauth/access_token")),
                ("attributes_url", at("/fb/me?fields=")),
            ],
        ),
        (
            "LoginWithAmazon",
            IdentityProviderTypeType::LoginWithAmazon,
            vec![
                ("client_id", "amzn1.application-oa2-client.1".into()),
                ("client_secret", "amzn-secret".into()),
                ("authorize_scopes", "profile".into()),
                ("authorize_url", at("/amzn/oa")),
                ("token_url", at("/amzn/token")),
                ("attributes_url", at("/amzn/profile")),
            ],
        ),
        (
            "SignInWithApple",
            IdentityProviderTypeType::SignInWithApple,
            vec![
                ("client_id", "com.example.web".into()),
                ("team_id", "TEAM123456".into()),
                ("key_id", "KEY1234567".into()),
                ("private_key", APPLE_KEY.into()),
                ("authorize_scopes", "email name".into()),
                ("authorize_url", at("/apple/authorize")),
                ("token_url", at("/apple/token")),
                ("jwks_uri", at("/jwks")),
            ],
        ),
    ];
    let mut client = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("social")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("profile")
        .callback_urls(CALLBACK);
    for (name, provider_type, pairs) in providers {
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        sdk.create_identity_provider()
            .user_pool_id(&pool_id)
            .provider_name(name)
            .provider_type(provider_type)
            .set_provider_details(Some(details(&pairs)))
            .attribute_mapping("email", "email")
            .attribute_mapping("name", "name")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        client = client.supported_identity_providers(name);
    }
    let client = client.send().await.unwrap();
    (pool_id, client.user_pool_client().unwrap().client_id().unwrap().to_owned())
}

/// To the provider and back with `code`: the redirect to the provider, and Cognate's answer
/// to the client. Apple's answer comes back as a form POST with its `user` field.
async fn through(
    server: &TestServer,
    stand_in: &StandIn,
    client_id: &str,
    provider: &str,
    code: &str,
) -> (String, String) {
    let mut browser = Browser::new(server);
    let first = browser
        .get(&authorize_path(client_id, &format!("&scope=openid+email+profile&identity_provider={provider}")))
        .await;
    let to_provider = first.location.unwrap_or_else(|| panic!("{}", first.body));
    let state = query_param(&to_provider, "state").unwrap();
    let nonce = query_param(&to_provider, "nonce").unwrap_or_default();
    stand_in.set(|s| s.nonce = nonce);
    let back = if provider == "SignInWithApple" {
        let user = r#"{"name":{"firstName":"Abe","lastName":"Apple"},"email":"abe@example.com"}"#;
        browser.post("/oauth2/idpresponse", &[("code", code), ("state", &state), ("user", user)]).await
    } else {
        browser.get(&format!("/oauth2/idpresponse?code={code}&state={state}")).await
    };
    (to_provider, back.location.unwrap_or_else(|| panic!("{}: {}", back.status, back.body)))
}

async fn id_claims(server: &TestServer, client_id: &str, done: &str) -> Value {
    assert!(done.starts_with(&format!("{CALLBACK}?code=")), "{done}");
    let (status, tokens) = exchange(server, client_id, &query_param(done, "code").unwrap(), VERIFIER).await;
    assert_eq!(status, 200, "{tokens}");
    jwt_claims(tokens["id_token"].as_str().unwrap())
}

#[tokio::test]
async fn facebook_amazon_and_apple_sign_in_as_their_documentation_says() {
    let (server, stand_in) = (TestServer::start().await, StandIn::start().await);
    let (pool_id, client_id) = pool_with_providers(&server, &stand_in).await;

    // Facebook: no nonce (not OpenID), the token by GET with the secret, `me` with the fields
    // the mapping names, `id` the subject.
    let (to_facebook, done) = through(&server, &stand_in, &client_id, "Facebook", "fb-code").await;
    assert!(to_facebook.starts_with(&format!("{}/fb/dialog/oauth?", stand_in.url)), "{to_facebook}");
    assert_eq!(query_param(&to_facebook, "client_id").as_deref(), Some("fb-app"));
    assert!(query_param(&to_facebook, "nonce").is_none());
    let claims = id_claims(&server, &client_id, &done).await;
    assert_eq!(claims["cognito:username"], "Facebook_10158000000001");
    assert_eq!(claims["email"], "fay@example.com");
    assert_eq!(claims["identities"][0]["providerType"], "Facebook");
    let (token_query, fields) = stand_in.read(|s| (s.token_queries[0].clone(), s.profile_queries[0].clone()));
    assert_eq!(token_query["client_id"], "fb-app");
    let mut fields: Vec<&str> = fields.split(',').collect();
    fields.sort_unstable();
    assert_eq!(fields, ["email", "id", "name"]);
    let (_, refused) = through(&server, &stand_in, &client_id, "Facebook", "not-the-code").await;
    assert!(refused.starts_with(&format!("{CALLBACK}?error=invalid_request")), "{refused}");
    let told = query_param(&refused, "error_description").unwrap();
    assert_eq!(told, "Facebook Error - 400 error getting token", "as Cognito words it");

    // Login with Amazon: the token by POST, the profile's `user_id` the subject; the mapping
    // runs again on the next sign-in.
    let (_, done) = through(&server, &stand_in, &client_id, "LoginWithAmazon", "amzn-code").await;
    let claims = id_claims(&server, &client_id, &done).await;
    assert_eq!(claims["cognito:username"], "LoginWithAmazon_amzn1.account.AE1");
    assert_eq!(claims["email"], "amy@example.com");
    stand_in.set(|s| s.name = "Second Name".into());
    let (_, again) = through(&server, &stand_in, &client_id, "LoginWithAmazon", "amzn-code").await;
    let claims_again = id_claims(&server, &client_id, &again).await;
    assert_eq!(claims_again["sub"], claims["sub"], "the same user");
    let sdk = server.sdk();
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("LoginWithAmazon_amzn1.account.AE1").send().await;
    let user = user.unwrap();
    assert_eq!(user.user_status(), Some(&UserStatusType::ExternalProvider));
    let name = user.user_attributes().iter().find(|a| a.name() == "name").unwrap().value().unwrap().to_owned();
    assert_eq!(name, "Second Name", "the mapping is applied on every sign-in");

    // Sign in with Apple: form_post; the client secret an ES256 JWT Apple's key verifies (the
    // stand-in refuses anything else), with Apple's claims; the name from the `user` field.
    let (to_apple, done) = through(&server, &stand_in, &client_id, "SignInWithApple", "apple-code").await;
    assert_eq!(query_param(&to_apple, "response_mode").as_deref(), Some("form_post"));
    assert!(query_param(&to_apple, "nonce").is_some());
    let claims = id_claims(&server, &client_id, &done).await;
    assert_eq!(claims["cognito:username"], "SignInWithApple_000123.apple");
    assert_eq!(claims["name"], "Abe Apple");
    assert_eq!(claims["email"], "una@example.com");
    let secret = stand_in.read(|s| s.apple_secret.clone()).expect("the stand-in verified Apple's client secret");
    let secret_claims = jwt_claims(&secret);
    assert_eq!(secret_claims["iss"], "TEAM123456");
    assert_eq!(secret_claims["sub"], "com.example.web");
    assert_eq!(secret_claims["aud"], "https://appleid.apple.com");
    assert!(secret_claims["exp"].as_i64().unwrap() > secret_claims["iat"].as_i64().unwrap());
}

#[tokio::test]
async fn an_oidc_providers_tokens_are_checked_and_its_keys_cached_through_rotation() {
    let (server, stand_in) = (TestServer::start().await, StandIn::start().await);
    let (pool_id, client_id) = pool_with_providers(&server, &stand_in).await;

    let (to_provider, done) = through(&server, &stand_in, &client_id, "Crafted", "good-code").await;
    for name in ["state", "nonce", "code_challenge"] {
        assert!(query_param(&to_provider, name).is_some(), "{name}");
    }
    let claims = id_claims(&server, &client_id, &done).await;
    assert_eq!(claims["cognito:username"], "Crafted_una-1");
    assert_eq!(claims["name"], "First Name", "read from the attributes URL with the access token");

    // Each refused, told to the client with its state, and no user made of it.
    let refusals = [
        (Trick::WrongAudience, "another client"),
        (Trick::WrongIssuer, "another issuer"),
        (Trick::BadSignature, "bad signature"),
        (Trick::UnknownKey, "its JWKS lacks"),
        (Trick::Expired, "expired"),
        (Trick::NoNonce, "nonce"),
        (Trick::OtherFlowsNonce, "nonce"),
        (Trick::UserInfoOfAnother, "another user"),
    ];
    for (trick, told) in refusals {
        stand_in.set(|s| s.trick = trick);
        let (_, refused) = through(&server, &stand_in, &client_id, "Crafted", "good-code").await;
        assert!(refused.starts_with(&format!("{CALLBACK}?error=invalid_request")), "{trick:?}: {refused}");
        let description = query_param(&refused, "error_description").unwrap();
        assert!(description.contains(told), "{trick:?}: {description}");
        assert_eq!(query_param(&refused, "state").as_deref(), Some("st-1"));
    }
    let sdk = server.sdk();
    let mallory = sdk.admin_get_user().user_pool_id(&pool_id).username("Crafted_mallory").send().await;
    assert_eq!(error(mallory).0, "UserNotFoundException");

    // A provider that hangs: the sign-in ends when the call's time is up, with a clear error.
    stand_in.set(|s| s.trick = Trick::Hang);
    let started = Instant::now();
    let (_, timed_out) = through(&server, &stand_in, &client_id, "Crafted", "good-code").await;
    assert!(started.elapsed() < cognate_testkit::UPSTREAM_TIMEOUT + Duration::from_secs(2));
    let told = query_param(&timed_out, "error_description").unwrap();
    assert_eq!(told, "Timeout occurred in calling IdP token endpoint", "as Cognito words it");

    // The keys were fetched once for all of that, and at most once more for the unknown kid
    // (the penalty window may have held it back); a rotated key is fetched when a token names
    // it, once the window allows.
    stand_in.set(|s| s.trick = Trick::Honest);
    let fetches = stand_in.read(|s| s.jwks_fetches);
    assert!((1..=2).contains(&fetches), "{fetches} fetches");
    tokio::time::sleep(cognate_verify::DEFAULT_REFETCH_PENALTY).await;
    stand_in.set(|s| s.key = fresh_key());
    let (_, rotated) = through(&server, &stand_in, &client_id, "Crafted", "good-code").await;
    assert_eq!(id_claims(&server, &client_id, &rotated).await["cognito:username"], "Crafted_una-1");
    assert_eq!(stand_in.read(|s| s.jwks_fetches), fetches + 1);
    let (_, cached) = through(&server, &stand_in, &client_id, "Crafted", "good-code").await;
    id_claims(&server, &client_id, &cached).await;
    assert_eq!(stand_in.read(|s| s.jwks_fetches), fetches + 1, "the rotated key is cached");
}

fn cognito_user(username: &str) -> ProviderUserIdentifierType {
    ProviderUserIdentifierType::builder().provider_name("Cognito").provider_attribute_value(username).build()
}

fn identity(provider: &str, subject: &str) -> ProviderUserIdentifierType {
    ProviderUserIdentifierType::builder()
        .provider_name(provider)
        .provider_attribute_name("Cognito_Subject")
        .provider_attribute_value(subject)
        .build()
}

#[tokio::test]
async fn a_linked_identity_signs_in_as_the_native_user_until_it_is_unlinked() {
    let (server, stand_in) = (TestServer::start().await, StandIn::start().await);
    let (pool_id, client_id) = pool_with_providers(&server, &stand_in).await;
    let sdk = server.sdk();
    let link = |destination: ProviderUserIdentifierType, source: ProviderUserIdentifierType| {
        sdk.admin_link_provider_for_user()
            .user_pool_id(&pool_id)
            .destination_user(destination)
            .source_user(source)
            .send()
    };

    link(cognito_user("alice"), identity("LoginWithAmazon", "amzn1.account.AE1")).await.unwrap();
    let (_, done) = through(&server, &stand_in, &client_id, "LoginWithAmazon", "amzn-code").await;
    let claims = id_claims(&server, &client_id, &done).await;
    assert_eq!(claims["cognito:username"], "alice", "the identity signs in as the user it is linked to");
    let alice = sdk.admin_get_user().user_pool_id(&pool_id).username("alice").send().await.unwrap();
    assert_eq!(alice.user_status(), Some(&UserStatusType::Confirmed));
    let identities = alice.user_attributes().iter().find(|a| a.name() == "identities").unwrap().value().unwrap();
    let identities: Value = serde_json::from_str(identities).unwrap();
    assert_eq!(identities[0]["providerName"], "LoginWithAmazon");
    assert_eq!(identities[0]["userId"], "amzn1.account.AE1");
    assert_eq!(identities[0]["primary"], false);

    // The refusals Cognito gives.
    let (code, message) = error(link(identity("Facebook", "1"), cognito_user("alice")).await);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("Cognito users with a username/password may not be passed in as a SourceUser"));
    let (code, _) = error(link(cognito_user("alice"), cognito_user("bob")).await);
    assert_eq!(code, "InvalidParameterException");
    sdk.admin_create_user().user_pool_id(&pool_id).username("bob").send().await.unwrap();
    let (code, _) = error(link(cognito_user("bob"), identity("LoginWithAmazon", "amzn1.account.AE1")).await);
    assert_eq!(code, "AliasExistsException", "one identity, one user");
    let (code, _) = error(link(cognito_user("nobody"), identity("Facebook", "2")).await);
    assert_eq!(code, "UserNotFoundException");
    let (code, _) = error(link(cognito_user("bob"), identity("Unknown", "2")).await);
    assert_eq!(code, "InvalidParameterException");
    for i in 0..4 {
        link(cognito_user("bob"), identity("Facebook", &format!("fb-{i}"))).await.unwrap();
    }
    link(cognito_user("bob"), identity("Crafted", "c-1")).await.unwrap();
    let (code, _) = error(link(cognito_user("bob"), identity("Crafted", "c-2")).await);
    assert_eq!(code, "LimitExceededException", "at most five identities");
    // Nobody may write the identities themselves (they are logins).
    let forged = sdk
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username("bob")
        .user_attributes(attr("identities", r#"[{"providerName":"Crafted","userId":"una-1"}]"#))
        .send()
        .await;
    assert_eq!(error(forged).0, "InvalidParameterException");

    // Unlinked: the identity's next sign-in makes a user of its own.
    sdk.admin_disable_provider_for_user()
        .user_pool_id(&pool_id)
        .user(identity("LoginWithAmazon", "amzn1.account.AE1"))
        .send()
        .await
        .unwrap();
    let (_, done) = through(&server, &stand_in, &client_id, "LoginWithAmazon", "amzn-code").await;
    assert_eq!(id_claims(&server, &client_id, &done).await["cognito:username"], "LoginWithAmazon_amzn1.account.AE1");
    let alice = sdk.admin_get_user().user_pool_id(&pool_id).username("alice").send().await.unwrap();
    assert!(alice.user_attributes().iter().all(|a| a.name() != "identities"));

    // Disabling the provider of a federated user: it signs in no more.
    sdk.admin_disable_provider_for_user()
        .user_pool_id(&pool_id)
        .user(identity("LoginWithAmazon", "amzn1.account.AE1"))
        .send()
        .await
        .unwrap();
    let (_, refused) = through(&server, &stand_in, &client_id, "LoginWithAmazon", "amzn-code").await;
    assert!(query_param(&refused, "error_description").unwrap().contains("disabled"), "{refused}");
}

/// The start of a round trip through Crafted in `browser`: its `state`.
async fn start_crafted(browser: &mut Browser, stand_in: &StandIn, client_id: &str) -> String {
    let to_provider = browser.get(&authorize_path(client_id, "&scope=openid&identity_provider=Crafted")).await;
    let to_provider = to_provider.location.unwrap();
    stand_in.set(|s| s.nonce = query_param(&to_provider, "nonce").unwrap());
    query_param(&to_provider, "state").unwrap()
}

#[tokio::test]
async fn an_answer_opened_in_another_browser_leaves_no_session_there() {
    let (server, stand_in) = (TestServer::start().await, StandIn::start().await);
    let (pool_id, client_id) = pool_with_providers(&server, &stand_in).await;
    let session_cookie = format!("cognito-{pool_id}");
    // An attacker's own round trip, its answer opened by someone else (a login-CSRF link): the
    // client hears of it (its own state check refuses a flow it did not start), but no
    // single-sign-on session of the attacker's is planted in that browser.
    let mut attacker = Browser::new(&server);
    let state = start_crafted(&mut attacker, &stand_in, &client_id).await;
    let binding = format!("cognate-idp-{}", &state[..16]);
    assert!(attacker.cookies.contains_key(&binding), "the flow is bound to the browser that started it");
    let mut victim = Browser::new(&server);
    let landed = victim.get(&format!("/oauth2/idpresponse?code=good-code&state={state}")).await;
    assert!(landed.location.unwrap().starts_with(&format!("{CALLBACK}?code=")));
    assert!(!victim.cookies.contains_key(&session_cookie), "no session in a browser that did not start the flow");
    let next = victim.get(&authorize_path(&client_id, "&scope=openid&identity_provider=Crafted")).await;
    let next = next.location.unwrap();
    assert!(next.starts_with(&format!("{}/oidc/authorize?", stand_in.url)), "to the provider again: {next}");

    // A binding cookie with another value is refused outright.
    let state = start_crafted(&mut attacker, &stand_in, &client_id).await;
    let mut forger = Browser::new(&server);
    forger.cookies.insert(format!("cognate-idp-{}", &state[..16]), "forged".into());
    let refused = forger.get(&format!("/oauth2/idpresponse?code=good-code&state={state}")).await;
    assert_eq!(refused.status, 400);
    assert!(refused.location.is_none());

    // The browser that started the flow keeps its session, and its flow cookie is cleared.
    let state = start_crafted(&mut attacker, &stand_in, &client_id).await;
    let done = attacker.get(&format!("/oauth2/idpresponse?code=good-code&state={state}")).await;
    assert!(done.location.unwrap().starts_with(&format!("{CALLBACK}?code=")));
    assert!(attacker.cookies.contains_key(&session_cookie));
    assert!(!attacker.cookies.contains_key(&format!("cognate-idp-{}", &state[..16])));
    // That session signs the federated user in again without the provider (single sign-on).
    let again = attacker.get(&authorize_path(&client_id, "&scope=openid&identity_provider=Crafted")).await;
    let again = again.location.unwrap();
    assert!(again.starts_with(&format!("{CALLBACK}?code=")), "not through the provider: {again}");
    let claims = id_claims(&server, &client_id, &again).await;
    assert_eq!(claims["cognito:username"], "Crafted_una-1");
}
