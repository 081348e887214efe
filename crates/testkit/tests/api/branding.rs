//! The hosted UI's branding through the AWS SDK for Rust: SetUICustomization and
//! GetUICustomization for the pool (`ALL`) and for one client, Cognito's CSS rules, the logo
//! served at its versioned URL, and the pages showing the branding of their client.

use aws_sdk_cognitoidentityprovider::primitives::Blob;
use base64::Engine;

use crate::common::*;
use crate::hosted::{authorize_path, hosted_pool, Browser};

/// A 1x1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

fn png() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(PNG).unwrap()
}

async fn login_page(server: &TestServer, client_id: &str) -> String {
    let mut browser = Browser::new(server);
    let login = browser.get(&authorize_path(client_id, "")).await.location.unwrap();
    let page = browser.get(&login).await;
    assert_eq!(page.status, 200);
    page.body
}

#[tokio::test]
async fn branding_is_set_for_the_pool_or_a_client_and_the_pages_show_it() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = hosted_pool(&server, &sdk).await;

    // Without a domain there is nothing to brand.
    let (bare_pool, _) = username_pool(&sdk).await;
    let refused =
        sdk.set_ui_customization().user_pool_id(&bare_pool).css(".label-customizable{color:red}").send().await;
    assert_eq!(error(refused).0, "InvalidParameterException");

    let css = ".submitButton-customizable { background-color: #6b21a8; }";
    let set = sdk
        .set_ui_customization()
        .user_pool_id(&pool_id)
        .client_id("ALL")
        .css(css)
        .image_file(Blob::new(png()))
        .send()
        .await
        .unwrap();
    let all = set.ui_customization().unwrap();
    assert_eq!((all.client_id(), all.css()), (Some("ALL"), Some(css)));
    let image_url = all.image_url().unwrap().to_owned();
    assert!(image_url.starts_with(&format!("{}/ui-assets/{pool_id}/ALL/", server.url)), "{image_url}");

    // A client without its own branding gets the pool's, and its page shows it.
    let got = sdk.get_ui_customization().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    assert_eq!(got.ui_customization().unwrap().client_id(), Some("ALL"));
    let page = login_page(&server, &client_id).await;
    assert!(page.contains(&format!("<style id=\"customCss\">{css}</style>")), "{page}");
    let logo_path = image_url.trim_start_matches(&server.url);
    assert!(page.contains(&format!("src=\"{logo_path}\"")), "{page}");
    let logo = reqwest::get(&image_url).await.unwrap();
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert!(logo.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert_eq!(logo.bytes().await.unwrap().to_vec(), png());

    // The client's own branding wins; it survives UpdateUserPoolClient.
    server.clock.advance(1);
    let own = ".label-customizable { font-weight: 700; }";
    sdk.set_ui_customization().user_pool_id(&pool_id).client_id(&client_id).css(own).send().await.unwrap();
    sdk.update_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .client_name("renamed")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(aws_sdk_cognitoidentityprovider::types::OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .callback_urls(crate::hosted::CALLBACK)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap();
    let got = sdk.get_ui_customization().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    let got = got.ui_customization().unwrap();
    assert_eq!((got.client_id(), got.css(), got.image_url()), (Some(client_id.as_str()), Some(own), None));
    let page = login_page(&server, &client_id).await;
    assert!(page.contains(own) && !page.contains(css) && !page.contains("id=\"logo\""), "{page}");
    let pool_level = sdk.get_ui_customization().user_pool_id(&pool_id).send().await.unwrap();
    assert_eq!(pool_level.ui_customization().unwrap().css(), Some(css));

    // A new logo is a new URL; the old one is gone. Clearing the client's falls back to ALL.
    server.clock.advance(1);
    let again = sdk.set_ui_customization().user_pool_id(&pool_id).image_file(Blob::new(png())).send().await.unwrap();
    assert_ne!(again.ui_customization().unwrap().image_url().unwrap(), image_url);
    assert_eq!(reqwest::get(&image_url).await.unwrap().status(), 404);
    sdk.set_ui_customization().user_pool_id(&pool_id).client_id(&client_id).send().await.unwrap();
    let page = login_page(&server, &client_id).await;
    assert!(page.contains("id=\"logo\"") && !page.contains("customCss"), "the pool's logo, no CSS any more: {page}");
}

#[tokio::test]
async fn css_outside_cognitos_rules_and_other_images_are_refused() {
    let server = TestServer::start().await;
    let sdk = server.sdk();
    let (pool_id, client_id) = hosted_pool(&server, &sdk).await;
    for css in [
        "body { background: red }",
        ".banner-customizable { background-image: url(https://evil.test/track.png) }",
        ".label-customizable { color: red } </style><script>alert(1)</script>",
        "@import url(x.css);",
    ] {
        let refused = sdk.set_ui_customization().user_pool_id(&pool_id).css(css).send().await;
        assert_eq!(error(refused).0, "InvalidParameterException", "{css}");
    }
    let gif =
        sdk.set_ui_customization().user_pool_id(&pool_id).image_file(Blob::new(b"GIF89a...".to_vec())).send().await;
    assert_eq!(error(gif).0, "InvalidParameterException");
    let unknown = sdk
        .set_ui_customization()
        .user_pool_id(&pool_id)
        .client_id("nosuchclient")
        .css(".label-customizable{color:red}")
        .send()
        .await;
    assert_eq!(error(unknown).0, "ResourceNotFoundException");
    // Nothing was kept: the page has no custom CSS.
    assert!(!login_page(&server, &client_id).await.contains("customCss"));
}
