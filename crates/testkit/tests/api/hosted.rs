//! The browser's side of OAuth against the real router: `/oauth2/authorize`, the hosted sign-in
//! page with its CSRF token and session cookie, the authorization_code grant with PKCE, scoped
//! tokens, refresh keeping the scopes, `/oauth2/userInfo` and `/logout` — and the attacks on
//! them (a replayed code, a wrong verifier, a redirect URI prefix trick, an open redirect, a
//! forged form, a brute-forced password).
use std::collections::HashMap;

use crate::common::*;
use aws_sdk_cognitoidentityprovider::types::{ExplicitAuthFlowsType, OAuthFlowType};
use aws_sdk_cognitoidentityprovider::Client;

pub(crate) const CALLBACK: &str = "https://app.example.com/callback";
const SIGNED_OUT: &str = "https://app.example.com/bye";
/// RFC 7636's example verifier and its S256 challenge.
pub(crate) const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// A browser without JavaScript: follows nothing by itself, keeps cookies.
pub(crate) struct Browser {
    http: reqwest::Client,
    base: String,
    pub cookies: HashMap<String, String>,
}

pub(crate) struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Browser {
    pub(crate) fn new(server: &TestServer) -> Self {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { http, base: server.url.clone(), cookies: HashMap::new() }
    }

    pub(crate) async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let cookie: Vec<String> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
        let response = request.header("cookie", cookie.join("; ")).send().await.unwrap();
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            assert!(attributes.contains("HttpOnly") && attributes.contains("SameSite=Lax"), "{set}");
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status().as_u16();
        let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        if status == 200 {
            let csp = response.headers()["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        }
        Page { status, location, body: response.text().await.unwrap() }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        let url = if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.base) };
        let request = self.http.get(url);
        self.send(request).await
    }

    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let request = self.http.post(format!("{}{path}", self.base)).form(form);
        self.send(request).await
    }
}

/// The value of a hidden field (or the form's action) on a page.
pub(crate) fn field(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no {name} on the page:\n{body}")) + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    unescape(&body[start..end])
}

pub(crate) fn form_action(body: &str) -> String {
    let start = body.find("action=\"").unwrap() + "action=\"".len();
    let end = body[start..].find('"').unwrap() + start;
    unescape(&body[start..end])
}

/// HTML attribute text back to the characters (the templates write `&#38;` and the like).
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').unwrap() + at;
        let number: u32 = rest[at + 2..end].parse().unwrap();
        out.push(char::from_u32(number).unwrap());
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
}

pub(crate) fn query_param(location: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(location).unwrap();
    let from_query = url.query_pairs().find(|(n, _)| n == name).map(|(_, v)| v.into_owned());
    from_query.or_else(|| {
        url::form_urlencoded::parse(url.fragment()?.as_bytes()).find(|(n, _)| n == name).map(|(_, v)| v.into_owned())
    })
}

/// A pool with a domain, a user `alice` with an email, and a public client allowed the code
/// and implicit flows for openid, email and the self-service scope.
pub(crate) async fn hosted_pool(server: &TestServer, sdk: &Client) -> (String, String) {
    let (pool_id, _) = username_pool(sdk).await;
    let prefix = format!("login-{}", pool_id.split('_').nth(1).unwrap().to_lowercase());
    sdk.create_user_pool_domain().user_pool_id(&pool_id).domain(prefix).send().await.unwrap();
    let client = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("cruddur-web")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_flows(OAuthFlowType::Implicit)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("aws.cognito.signin.user.admin")
        .callback_urls(CALLBACK)
        .logout_urls(SIGNED_OUT)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap();
    let client_id = client.user_pool_client().unwrap().client_id().unwrap().to_owned();
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("alice")
        .user_attributes(attr("email", "alice@example.com"))
        .user_attributes(attr("email_verified", "true"))
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    sdk.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("alice")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let _ = server;
    (pool_id, client_id)
}

pub(crate) fn authorize_path(client_id: &str, extra: &str) -> String {
    format!(
        "/oauth2/authorize?response_type=code&client_id={client_id}&redirect_uri={}&state=st-1&nonce=n-1&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}",
        urlencode(CALLBACK)
    )
}

pub(crate) fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Authorize, land on the sign-in page, sign in: the redirect to the callback.
async fn sign_in_on_page(browser: &mut Browser, client_id: &str, scope: &str, password: &str) -> Page {
    let authorize = browser.get(&authorize_path(client_id, &format!("&scope={}", urlencode(scope)))).await;
    assert_eq!(authorize.status, 302);
    let login = authorize.location.unwrap();
    assert!(login.starts_with("/login?"), "{login}");
    let page = browser.get(&login).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = field(&page.body, "_csrf");
    let action = form_action(&page.body);
    browser.post(&action, &[("_csrf", &csrf), ("username", "alice"), ("password", password)]).await
}

pub(crate) async fn exchange(
    server: &TestServer,
    client_id: &str,
    code: &str,
    verifier: &str,
) -> (u16, serde_json::Value) {
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", client_id),
        ("code", code),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier),
    ];
    let response =
        reqwest::Client::new().post(format!("{}/oauth2/token", server.url)).form(&form).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn the_code_flow_signs_in_on_the_page_and_the_tokens_carry_the_granted_scopes() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = hosted_pool(&server, &sdk).await;
    let mut browser = Browser::new(&server);

    let done = sign_in_on_page(&mut browser, &client_id, "openid email profile", PASSWORD).await;
    assert_eq!(done.status, 302, "{}", done.body);
    let location = done.location.unwrap();
    assert!(location.starts_with(&format!("{CALLBACK}?code=")), "{location}");
    assert_eq!(query_param(&location, "state").as_deref(), Some("st-1"));
    assert!(browser.cookies.contains_key(&format!("cognito-{pool_id}")), "the session cookie is set");
    let code = query_param(&location, "code").unwrap();

    let (status, tokens) = exchange(&server, &client_id, &code, VERIFIER).await;
    assert_eq!(status, 200, "{tokens}");
    let access = jwt_claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["scope"], "openid email", "profile is not allowed for the client: dropped");
    assert_eq!(access["version"], 2);
    assert_eq!(access["username"], "alice");
    let id = jwt_claims(tokens["id_token"].as_str().unwrap());
    assert_eq!((id["nonce"].as_str(), id["email"].as_str()), (Some("n-1"), Some("alice@example.com")));
    assert_eq!(id["aud"].as_str(), Some(client_id.as_str()));
    let at_hash = {
        use base64::Engine;
        use sha2::Digest;
        let digest = sha2::Sha256::digest(tokens["access_token"].as_str().unwrap().as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
    };
    assert_eq!(id["at_hash"].as_str(), Some(at_hash.as_str()));

    // Without aws.cognito.signin.user.admin, the self-service API refuses the token.
    let refused = sdk.get_user().access_token(tokens["access_token"].as_str().unwrap()).send().await;
    assert_eq!(error(refused).1, "Access Token does not have required scopes");

    // userInfo answers by scope: email, not the rest.
    let info = reqwest::Client::new()
        .get(format!("{}/oauth2/userInfo", server.url))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(info.status(), 200);
    let info: serde_json::Value = info.json().await.unwrap();
    assert_eq!((info["username"].as_str(), info["email_verified"].as_str()), (Some("alice"), Some("true")));
    assert_eq!(info["sub"], access["sub"]);

    // The refresh token keeps the scopes, through the token endpoint and the JSON API alike.
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let form = [("grant_type", "refresh_token"), ("client_id", &client_id), ("refresh_token", refresh_token)];
    let refreshed: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth2/token", server.url))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwt_claims(refreshed["access_token"].as_str().unwrap())["scope"], "openid email");
    let api = sdk
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", refresh_token)
        .send()
        .await
        .unwrap();
    let access = api.authentication_result().unwrap().access_token().unwrap();
    assert_eq!(jwt_claims(access)["scope"], "openid email", "refresh does not widen the grant");

    // The code was spent: a replay is invalid_grant, and revokes what the code was exchanged
    // for (RFC 6749 section 4.1.2): the refresh token and the access tokens of its sign-in.
    let (status, replay) = exchange(&server, &client_id, &code, VERIFIER).await;
    assert_eq!((status, replay["error"].as_str()), (400, Some("invalid_grant")));
    assert!(replay["error_description"].as_str().unwrap().contains("revoked"), "{replay}");
    let after: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth2/token", server.url))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after["error"], "invalid_grant", "the code's refresh token is revoked: {after}");
    let info =
        reqwest::Client::new().get(format!("{}/oauth2/userInfo", server.url)).bearer_auth(access).send().await.unwrap();
    assert_eq!(info.status(), 401, "an access token of the replayed code's sign-in is refused");

    // Single sign-on: a second authorize answers at once, without the page.
    let again = browser.get(&authorize_path(&client_id, "&scope=openid")).await;
    let location = again.location.unwrap();
    assert!(location.starts_with(&format!("{CALLBACK}?code=")), "{location}");
    // prompt=login shows the page anyway.
    let forced = browser.get(&authorize_path(&client_id, "&prompt=login")).await;
    assert!(forced.location.unwrap().starts_with("/login?"));

    // Logout ends the session and goes only to a registered sign-out URL.
    let evil = browser.get(&format!("/logout?client_id={client_id}&logout_uri=https%3A%2F%2Fevil.test%2F")).await;
    assert_eq!(evil.status, 400, "no open redirect through logout");
    let out = browser.get(&format!("/logout?client_id={client_id}&logout_uri={}", urlencode(SIGNED_OUT))).await;
    assert_eq!((out.status, out.location.as_deref()), (302, Some(SIGNED_OUT)));
    assert!(!browser.cookies.contains_key(&format!("cognito-{pool_id}")), "the cookie is cleared");
    let none = browser.get(&authorize_path(&client_id, "&prompt=none")).await;
    let location = none.location.unwrap();
    assert_eq!(query_param(&location, "error").as_deref(), Some("login_required"), "{location}");
}

#[tokio::test]
async fn two_exchanges_of_one_code_at_once_leave_no_working_tokens() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (_, client_id) = hosted_pool(&server, &sdk).await;
    let mut browser = Browser::new(&server);
    let mut location = sign_in_on_page(&mut browser, &client_id, "openid", PASSWORD).await.location.unwrap();
    for round in 0..3 {
        if round > 0 {
            // Single sign-on: the next code without the page.
            location = browser.get(&authorize_path(&client_id, "&scope=openid")).await.location.unwrap();
        }
        let code = query_param(&location, "code").unwrap();
        let (first, second) = tokio::join!(
            exchange(&server, &client_id, &code, VERIFIER),
            exchange(&server, &client_id, &code, VERIFIER)
        );
        let outcomes = [first, second];
        let won: Vec<_> = outcomes.iter().filter(|(status, _)| *status == 200).collect();
        assert_eq!(won.len(), 1, "one exchange gets tokens: {outcomes:?}");
        assert!(outcomes.iter().any(|(status, body)| *status == 400 && body["error"] == "invalid_grant"));
        // Whichever came second (found the code spent, or lost the race to spend it) revoked
        // what the first got.
        let refresh_token = won[0].1["refresh_token"].as_str().unwrap();
        let form =
            [("grant_type", "refresh_token"), ("client_id", client_id.as_str()), ("refresh_token", refresh_token)];
        let refreshed = reqwest::Client::new().post(format!("{}/oauth2/token", server.url)).form(&form).send().await;
        let refreshed: serde_json::Value = refreshed.unwrap().json().await.unwrap();
        assert_eq!(refreshed["error"], "invalid_grant", "{refreshed}");
    }
}

#[tokio::test]
async fn codes_are_bound_to_their_verifier_client_and_lifetime() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = hosted_pool(&server, &sdk).await;
    let mut browser = Browser::new(&server);

    let done = sign_in_on_page(&mut browser, &client_id, "openid", PASSWORD).await;
    let code = query_param(&done.location.unwrap(), "code").unwrap();
    let (status, body) = exchange(&server, &client_id, &code, "a-verifier-that-is-wrong-but-long-enough-00000").await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let (_, body) = exchange(&server, &client_id, &code, VERIFIER).await;
    assert_eq!(body["error"], "invalid_grant", "a failed attempt spends the code");

    // A code for another client of the pool is refused there.
    let other = public_client(&sdk, &pool_id).await;
    sdk.update_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&other)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .callback_urls(CALLBACK)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap();
    let again = browser.get(&authorize_path(&client_id, "&scope=openid")).await;
    let code = query_param(&again.location.unwrap(), "code").unwrap();
    let (_, body) = exchange(&server, &other, &code, VERIFIER).await;
    assert_eq!(body["error"], "invalid_grant");

    // Five minutes, then a code is no good.
    let again = browser.get(&authorize_path(&client_id, "&scope=openid")).await;
    let code = query_param(&again.location.unwrap(), "code").unwrap();
    server.clock.advance(301);
    let (_, body) = exchange(&server, &client_id, &code, VERIFIER).await;
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn requests_that_cannot_be_trusted_are_not_redirected() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (_, client_id) = hosted_pool(&server, &sdk).await;
    let mut browser = Browser::new(&server);

    for redirect in
        ["https://app.example.com.evil.test/callback", "https://app.example.com/callback/x", "https://evil.test"]
    {
        let path =
            format!("/oauth2/authorize?response_type=code&client_id={client_id}&redirect_uri={}", urlencode(redirect));
        let page = browser.get(&path).await;
        assert_eq!((page.status, page.location), (400, None), "{redirect}");
        assert!(page.body.contains("redirect_mismatch"), "{}", page.body);
    }
    let unknown = browser
        .get(&format!("/oauth2/authorize?response_type=code&client_id=nobody&redirect_uri={}", urlencode(CALLBACK)))
        .await;
    assert_eq!(unknown.status, 400);

    // With a trusted redirect URI, errors go back to the client.
    let path = |query: &str| {
        format!("/oauth2/authorize?client_id={client_id}&redirect_uri={}&state=s{query}", urlencode(CALLBACK))
    };
    for (query, expected) in [
        ("", "invalid_request"),
        ("&response_type=code&code_challenge_method=plain&code_challenge=abc", "invalid_request"),
        ("&response_type=code&scope=openid%20made-up", "invalid_scope"),
        ("&response_type=code&identity_provider=Google", "invalid_request"),
    ] {
        let page = browser.get(&path(query)).await;
        let location = page.location.unwrap_or_else(|| panic!("{query}: {}", page.body));
        assert!(location.starts_with(CALLBACK), "{location}");
        assert_eq!(query_param(&location, "error").as_deref(), Some(expected), "{query}");
        assert_eq!(query_param(&location, "state").as_deref(), Some("s"));
    }
}

#[tokio::test]
async fn the_sign_in_form_refuses_forgeries_and_locks_out_like_the_api() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (_, client_id) = hosted_pool(&server, &sdk).await;
    let mut browser = Browser::new(&server);

    let login = browser.get(&authorize_path(&client_id, "")).await.location.unwrap();
    let page = browser.get(&login).await;
    let action = form_action(&page.body);
    // A cross-site form cannot know the token.
    let forged = browser.post(&action, &[("_csrf", "guess"), ("username", "alice"), ("password", PASSWORD)]).await;
    assert_eq!(forged.status, 403);
    assert!(forged.location.is_none());
    let mut other = Browser::new(&server);
    let no_cookie = other
        .post(&action, &[("_csrf", &field(&page.body, "_csrf")), ("username", "alice"), ("password", PASSWORD)])
        .await;
    assert_eq!(no_cookie.status, 403, "the field without the cookie is refused");

    let wrong = sign_in_on_page(&mut browser, &client_id, "openid", "Wrong-Password-1").await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("Incorrect username or password."), "{}", wrong.body);
    let mut locked = false;
    for _ in 0..8 {
        let page = sign_in_on_page(&mut browser, &client_id, "openid", "Wrong-Password-1").await;
        if page.body.contains("Password attempts exceeded") {
            locked = true;
            break;
        }
    }
    assert!(locked, "repeated wrong passwords lock the account out");
    let right = sign_in_on_page(&mut browser, &client_id, "openid", PASSWORD).await;
    assert!(right.body.contains("Password attempts exceeded"), "even the right password waits for the lockout");
}

#[tokio::test]
async fn an_invited_user_sets_a_password_on_the_page_and_the_implicit_flow_answers_in_the_fragment() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = hosted_pool(&server, &sdk).await;
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("bob")
        .temporary_password("Temporary-Pass-1")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let mut browser = Browser::new(&server);
    let path = format!(
        "/oauth2/authorize?response_type=token&client_id={client_id}&redirect_uri={}&scope=openid&state=imp",
        urlencode(CALLBACK)
    );
    let login = browser.get(&path).await.location.unwrap();
    let page = browser.get(&login).await;
    let action = form_action(&page.body);
    let step = browser
        .post(&action, &[("_csrf", &field(&page.body, "_csrf")), ("username", "bob"), ("password", "Temporary-Pass-1")])
        .await;
    assert_eq!(step.status, 200);
    assert!(step.body.contains("Change password"), "{}", step.body);
    let session = field(&step.body, "session");
    let mismatch = browser
        .post(
            &action,
            &[
                ("_csrf", &field(&step.body, "_csrf")),
                ("username", "bob"),
                ("session", &session),
                ("new_password", "Brand-New-Pass-1"),
                ("confirm_password", "Brand-New-Pass-2"),
            ],
        )
        .await;
    assert!(mismatch.body.contains("The passwords do not match."), "{}", mismatch.body);
    let done = browser
        .post(
            &action,
            &[
                ("_csrf", &field(&mismatch.body, "_csrf")),
                ("username", "bob"),
                ("session", &field(&mismatch.body, "session")),
                ("new_password", "Brand-New-Pass-1"),
                ("confirm_password", "Brand-New-Pass-1"),
            ],
        )
        .await;
    let location = done.location.unwrap_or_else(|| panic!("{}", done.body));
    assert!(location.starts_with(&format!("{CALLBACK}#access_token=")), "{location}");
    assert_eq!(query_param(&location, "state").as_deref(), Some("imp"));
    assert!(query_param(&location, "refresh_token").is_none(), "the implicit flow has no refresh token");
    let id = jwt_claims(&query_param(&location, "id_token").unwrap());
    assert_eq!(id["cognito:username"], "bob");
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("bob").send().await.unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
}

#[tokio::test]
async fn a_pools_domain_as_host_serves_that_pool_only() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = hosted_pool(&server, &sdk).await;
    let (_, other_client) = hosted_pool(&server, &sdk).await;
    let certificate = aws_sdk_cognitoidentityprovider::types::CustomDomainConfigType::builder()
        .certificate_arn("arn:aws:acm:us-east-1:123456789012:certificate/abc")
        .build()
        .unwrap();
    sdk.create_user_pool_domain()
        .user_pool_id(&pool_id)
        .domain("auth.cruddur.example")
        .custom_domain_config(certificate)
        .send()
        .await
        .unwrap();
    let prefix = format!("login-{}", pool_id.split('_').nth(1).unwrap().to_lowercase());
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let authorize = |host: String, client: String| {
        let request = http.get(format!("{}{}", server.url, authorize_path(&client, ""))).header("host", host);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let cognito_host = format!("{prefix}.auth.us-east-1.amazoncognito.com");
    for host in ["auth.cruddur.example".to_owned(), format!("{cognito_host}:443")] {
        assert_eq!(authorize(host.clone(), client_id.clone()).await, 302, "{host}: the pool's own client");
        assert_eq!(
            authorize(host.clone(), other_client.clone()).await,
            400,
            "{host}: another pool's client is unknown"
        );
    }
    // The server's own address, and hosts that are no domain, serve every pool.
    let own = server.url.trim_start_matches("http://").to_owned();
    assert_eq!(authorize(own, other_client.clone()).await, 302);
    assert_eq!(authorize("cognate.internal.example".into(), other_client.clone()).await, 302);

    // The token endpoint too: another pool's client is an unknown client there.
    let form = [("grant_type", "refresh_token"), ("client_id", other_client.as_str()), ("refresh_token", "x")];
    let refused = http
        .post(format!("{}/oauth2/token", server.url))
        .header("host", "auth.cruddur.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
}
