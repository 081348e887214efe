//! The hosted account pages against the real router: `/signup` with the pool's rules, `/confirm`
//! signing the new user in, `/resendcode`, an unconfirmed or reset user sent on from `/login`,
//! and `/forgotPassword` with `/confirmforgotPassword` — each refusing forged forms and wrong
//! codes.

use crate::common::*;
use crate::hosted::{
    authorize_path, exchange, field, form_action, hosted_pool, query_param, Browser, Page, CALLBACK, VERIFIER,
};

/// The `href` of the link with `id` on a page.
fn link_on(body: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\" href=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no link {id} on the page:\n{body}")) + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    crate::hosted::unescape(&body[start..end])
}

/// The sign-in page of an authorize request for `client_id`.
async fn login_page(browser: &mut Browser, client_id: &str) -> Page {
    let login = browser.get(&authorize_path(client_id, "&scope=openid+email")).await.location.unwrap();
    let page = browser.get(&login).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page
}

/// Posts the first form of `page` with its CSRF token and `fields`.
async fn submit(browser: &mut Browser, page: &Page, fields: &[(&str, &str)]) -> Page {
    let csrf = field(&page.body, "_csrf");
    let mut form = vec![("_csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    browser.post(&form_action(&page.body), &form).await
}

/// The callback's code, exchanged: the id token's claims.
async fn id_token_of(server: &TestServer, client_id: &str, done: &Page) -> serde_json::Value {
    let location = done.location.clone().unwrap_or_else(|| panic!("{}: {}", done.status, done.body));
    assert!(location.starts_with(&format!("{CALLBACK}?code=")), "{location}");
    assert_eq!(query_param(&location, "state").as_deref(), Some("st-1"));
    let (status, tokens) = exchange(server, client_id, &query_param(&location, "code").unwrap(), VERIFIER).await;
    assert_eq!(status, 200, "{tokens}");
    jwt_claims(tokens["id_token"].as_str().unwrap())
}

#[tokio::test]
async fn signing_up_on_the_page_confirms_with_the_code_and_signs_the_user_in() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = hosted_pool(&server, &sdk).await;
    let mut browser = Browser::new(&server);

    let login = login_page(&mut browser, &client_id).await;
    let signup = browser.get(&link_on(&login.body, "signUp")).await;
    assert_eq!(signup.status, 200, "{}", signup.body);
    assert!(signup.body.contains("name=\"requiredAttributes[email]\""), "the pool verifies email: {}", signup.body);
    assert!(signup.body.contains("at least 8 characters"), "the policy is shown");

    // A forged form creates nobody.
    let forged = browser
        .post(&form_action(&signup.body), &[("_csrf", "guess"), ("username", "bob"), ("password", PASSWORD)])
        .await;
    assert_eq!(forged.status, 403);
    let nobody = sdk.admin_get_user().user_pool_id(&pool_id).username("bob").send().await;
    assert_eq!(error(nobody).0, "UserNotFoundException");

    // The pool's rules apply as for SignUp; what was typed stays on the page.
    // (The refusal is a fresh form: its token replaced the cookie.)
    let weak = submit(
        &mut browser,
        &forged,
        &[("username", "bob"), ("requiredAttributes[email]", "bob@example.com"), ("password", "short")],
    )
    .await;
    assert_eq!(weak.status, 400);
    assert!(weak.body.contains("Password did not conform with policy"), "{}", weak.body);
    assert!(weak.body.contains("value=\"bob@example.com\""), "{}", weak.body);
    let taken = submit(
        &mut browser,
        &weak,
        &[("username", "alice"), ("requiredAttributes[email]", "a@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert!(taken.body.contains("User already exists"), "{}", taken.body);

    let confirm = submit(
        &mut browser,
        &taken,
        &[("username", "bob"), ("requiredAttributes[email]", "bob@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    assert!(confirm.body.contains("We have sent a code by email to b***@e***"), "{}", confirm.body);
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("bob").send().await.unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "UNCONFIRMED");

    let wrong = submit(&mut browser, &confirm, &[("username", "bob"), ("code", "000000")]).await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("Invalid verification code provided, please try again."), "{}", wrong.body);

    // Another code on request; the first stops working.
    let first = server.last_code("bob@example.com").unwrap();
    let resend = crate::hosted::unescape(&{
        let at = wrong.body.find("action=\"/resendcode").unwrap() + "action=\"".len();
        wrong.body[at..at + wrong.body[at..].find('"').unwrap()].to_owned()
    });
    let resent = browser.post(&resend, &[("_csrf", &field(&wrong.body, "_csrf")), ("username", "bob")]).await;
    assert!(resent.body.contains("We have sent a code by email to b***@e***"), "{}", resent.body);
    let second = server.last_code("bob@example.com").unwrap();
    assert_ne!(first, second);
    let stale = submit(&mut browser, &resent, &[("username", "bob"), ("code", &first)]).await;
    assert_eq!(stale.status, 400, "the replaced code is refused");

    // The right code confirms and, in the browser that signed up, signs in.
    let done = submit(&mut browser, &stale, &[("username", "bob"), ("code", &second)]).await;
    assert!(browser.cookies.contains_key(&format!("cognito-{pool_id}")), "the session cookie is set");
    assert!(!browser.cookies.contains_key(&format!("cognito-pending-{pool_id}")), "the pending cookie is spent");
    let id = id_token_of(&server, &client_id, &done).await;
    assert_eq!((id["cognito:username"].as_str(), id["email_verified"].as_bool()), (Some("bob"), Some(true)));
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("bob").send().await.unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
}

#[tokio::test]
async fn an_unconfirmed_user_signing_in_is_sent_a_code_and_only_the_right_password_counts() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = hosted_pool(&server, &sdk).await;
    sdk.sign_up()
        .client_id(&client_id)
        .username("carol")
        .password(PASSWORD)
        .user_attributes(attr("email", "carol@example.com"))
        .send()
        .await
        .unwrap();
    let sent = server.messages().len();
    let mut browser = Browser::new(&server);

    let login = login_page(&mut browser, &client_id).await;
    let wrong = submit(&mut browser, &login, &[("username", "carol"), ("password", "Wrong-Password-1")]).await;
    assert!(wrong.body.contains("Incorrect username or password."), "{}", wrong.body);
    assert_eq!(server.messages().len(), sent, "a wrong password sends no code");

    let confirm = submit(&mut browser, &wrong, &[("username", "carol"), ("password", PASSWORD)]).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("We have sent a code by email to c***@e***"), "{}", confirm.body);
    assert_eq!(server.messages().len(), sent + 1);
    let code = server.last_code("carol@example.com").unwrap();

    // Confirmed from another browser, the account is confirmed but nobody is signed in there.
    let mut other = Browser::new(&server);
    let elsewhere = login_page(&mut other, &client_id).await;
    let confirm_path = format!("/confirm?{}&username=carol", form_action(&elsewhere.body).split_once('?').unwrap().1);
    let form = other.get(&confirm_path).await;
    assert!(form.body.contains("value=\"carol\""), "{}", form.body);
    let confirmed = submit(&mut other, &form, &[("username", "carol"), ("code", &code)]).await;
    assert_eq!(confirmed.status, 200);
    assert!(confirmed.body.contains("Your account is confirmed. Sign in to continue."), "{}", confirmed.body);
    assert!(!other.cookies.contains_key(&format!("cognito-{pool_id}")));

    // The code is spent; the first browser signs in with the password.
    let again = submit(&mut browser, &confirm, &[("username", "carol"), ("code", &code)]).await;
    assert_eq!(again.status, 400, "{}", again.body);
    let login = login_page(&mut browser, &client_id).await;
    let done = submit(&mut browser, &login, &[("username", "carol"), ("password", PASSWORD)]).await;
    assert_eq!(id_token_of(&server, &client_id, &done).await["cognito:username"], "carol");
}

#[tokio::test]
async fn forgotten_and_reset_passwords_are_recovered_on_the_pages() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = hosted_pool(&server, &sdk).await;
    let mut browser = Browser::new(&server);

    let login = login_page(&mut browser, &client_id).await;
    let forgot = browser.get(&link_on(&login.body, "forgotPassword")).await;
    assert_eq!(forgot.status, 200);
    let forged = browser.post(&form_action(&forgot.body), &[("_csrf", "guess"), ("username", "alice")]).await;
    assert_eq!(forged.status, 403);
    let sent = server.messages().len();
    let reset = submit(&mut browser, &forged, &[("username", "alice")]).await;
    assert!(reset.body.contains("We have sent a password reset code by email to a***@e***"), "{}", reset.body);
    assert_eq!(server.messages().len(), sent + 1, "only the real form sent a code");
    let code = server.last_code("alice@example.com").unwrap();

    let new = "Recovered-Pass-1";
    let mismatch = submit(
        &mut browser,
        &reset,
        &[("username", "alice"), ("code", &code), ("password", new), ("confirm_password", "Other-Pass-1")],
    )
    .await;
    assert!(mismatch.body.contains("The passwords do not match."), "{}", mismatch.body);
    let wrong = submit(
        &mut browser,
        &mismatch,
        &[("username", "alice"), ("code", "000000"), ("password", new), ("confirm_password", new)],
    )
    .await;
    assert!(wrong.body.contains("Invalid verification code provided, please try again."), "{}", wrong.body);
    let done = submit(
        &mut browser,
        &wrong,
        &[("username", "alice"), ("code", &code), ("password", new), ("confirm_password", new)],
    )
    .await;
    assert!(done.body.contains("Your password has been reset."), "{}", done.body);

    let old = submit(&mut browser, &done, &[("username", "alice"), ("password", PASSWORD)]).await;
    assert!(old.body.contains("Incorrect username or password."), "the old password is gone: {}", old.body);
    let signed_in = submit(&mut browser, &old, &[("username", "alice"), ("password", new)]).await;
    assert_eq!(id_token_of(&server, &client_id, &signed_in).await["cognito:username"], "alice");

    // An administrator's reset: signing in leads to the recovery form with a fresh code.
    sdk.admin_reset_user_password().user_pool_id(&pool_id).username("alice").send().await.unwrap();
    let mut fresh = Browser::new(&server);
    let login = login_page(&mut fresh, &client_id).await;
    let step = submit(&mut fresh, &login, &[("username", "alice"), ("password", new)]).await;
    assert!(step.body.contains("We have sent a password reset code"), "{}", step.body);
    let code = server.last_code("alice@example.com").unwrap();
    let last = "After-Reset-Pass-1";
    let done = submit(
        &mut fresh,
        &step,
        &[("username", "alice"), ("code", &code), ("password", last), ("confirm_password", last)],
    )
    .await;
    assert!(done.body.contains("Your password has been reset."), "{}", done.body);
    let user = sdk.admin_get_user().user_pool_id(&pool_id).username("alice").send().await.unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
}

/// The `href` of the first link in a delivered message.
fn href_in(text: &str) -> String {
    let start = text.find("href=\"").unwrap_or_else(|| panic!("no link in {text}")) + "href=\"".len();
    text[start..start + text[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_pool_that_confirms_by_link_sends_a_link_that_confirms_once() {
    use aws_sdk_cognitoidentityprovider::types::{
        DefaultEmailOptionType, UserStatusType, VerificationMessageTemplateType, VerifiedAttributeType,
    };
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = hosted_pool(&server, &sdk).await;
    let template = |message: &str| {
        VerificationMessageTemplateType::builder()
            .default_email_option(DefaultEmailOptionType::ConfirmWithLink)
            .email_message_by_link(message)
            .email_subject_by_link("Confirm your Cruddur account")
            .build()
    };
    let update = |message: &str| {
        sdk.update_user_pool()
            .user_pool_id(&pool_id)
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .verification_message_template(template(message))
    };
    // The message must say where the link goes.
    let refused = update("Welcome aboard, no link here").send().await;
    assert_eq!(error(refused).0, "InvalidParameterException");
    update("Welcome {username}! {##Confirm my account##}").send().await.unwrap();
    let described = sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    let echoed = described.user_pool().unwrap().verification_message_template().unwrap();
    assert_eq!(echoed.default_email_option(), Some(&DefaultEmailOptionType::ConfirmWithLink));
    assert_eq!(echoed.email_message_by_link(), Some("Welcome {username}! {##Confirm my account##}"));

    // SignUp sends the link, with the client, the user and the code, to the email.
    for name in ["bob", "carol"] {
        sdk.sign_up()
            .client_id(&client_id)
            .username(name)
            .password(PASSWORD)
            .user_attributes(attr("email", &format!("{name}@example.com")))
            .send()
            .await
            .unwrap();
    }
    let message = server.messages().into_iter().rev().find(|m| m["destination"] == "bob@example.com").unwrap();
    assert_eq!(message["subject"], "Confirm your Cruddur account");
    let text = message["message"].as_str().unwrap();
    assert!(text.starts_with("Welcome bob! <a href=\""), "{text}");
    assert!(text.ends_with(">Confirm my account</a>"), "{text}");
    let link = href_in(text);
    let code = message["code"].as_str().unwrap();
    assert_eq!(
        link,
        format!("{}/confirmUser?client_id={client_id}&user_name=bob&confirmation_code={code}", server.url)
    );

    // Another user's link with a guessed code confirms nobody.
    let guessed = link.replace("user_name=bob", "user_name=carol");
    let page = reqwest::get(&guessed).await.unwrap();
    assert_eq!(page.status(), 400);
    assert!(page.text().await.unwrap().contains("Invalid verification code provided"));
    let carol = sdk.admin_get_user().user_pool_id(&pool_id).username("carol").send().await.unwrap();
    assert_eq!(carol.user_status(), Some(&UserStatusType::Unconfirmed));

    // Opening the link confirms the account and verifies the email; once.
    let page = reqwest::get(&link).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Your registration has been confirmed!"));
    let bob = sdk.admin_get_user().user_pool_id(&pool_id).username("bob").send().await.unwrap();
    assert_eq!(bob.user_status(), Some(&UserStatusType::Confirmed));
    let verified = bob.user_attributes().iter().find(|a| a.name() == "email_verified").and_then(|a| a.value());
    assert_eq!(verified, Some("true"));
    let again = reqwest::get(&link).await.unwrap();
    assert_eq!(again.status(), 400, "a link confirms once");
    let unknown = reqwest::get(link.replace(&client_id, "nosuchclient0000000000000")).await.unwrap();
    assert_eq!(unknown.status(), 400);

    // The sign-up page of such a pool says where the link went instead of asking for a code.
    let mut browser = Browser::new(&server);
    let login = login_page(&mut browser, &client_id).await;
    let signup = browser.get(&link_on(&login.body, "signUp")).await;
    let done = submit(
        &mut browser,
        &signup,
        &[("username", "dave"), ("requiredAttributes[email]", "dave@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("We sent a confirmation link by email to d***@e***"), "{}", done.body);
    let message = server.messages().into_iter().rev().find(|m| m["destination"] == "dave@example.com").unwrap();
    assert!(message["message"].as_str().unwrap().contains("/confirmUser?"), "{message}");
}
