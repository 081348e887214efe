//! `GET /`: the page a browser sees at the server's address — the version, each pool with its
//! issuer, JWKS and discovery links and its app clients, an AWS CLI line to try, and links into
//! the README, which `GET /readme` serves (see [`readme`]).

pub mod readme;

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cognate_domain::{Cognate, Result};

use crate::AppState;

/// Pools shown on the page; the rest are a CLI line away.
const POOLS_SHOWN: i64 = 20;
/// App clients shown per pool.
const CLIENTS_SHOWN: i64 = 10;

#[derive(Template)]
#[template(path = "landing/landing.html")]
struct LandingPage {
    version: &'static str,
    public_url: String,
    pools: Vec<PoolView>,
    more_pools: bool,
    try_lines: String,
}

struct PoolView {
    id: String,
    name: String,
    issuer: String,
    jwks_uri: String,
    discovery: String,
    clients: Vec<ClientView>,
    more_clients: bool,
    /// `--user-attributes` for a sign-up in this pool: its required attributes other than the
    /// username attributes, with sample values.
    sign_up_attributes: String,
}

struct ClientView {
    id: String,
    name: String,
    kind: &'static str,
}

/// The handler of `GET /`.
pub async fn page(State(state): State<AppState>) -> Response {
    match render(&state.cognate).await {
        Ok(html) => html_response(StatusCode::OK, html),
        Err(err) => crate::ApiError::from(err).into_response(),
    }
}

async fn render(cognate: &Cognate) -> Result<String> {
    let public_url = cognate.config().public_url.clone();
    let (pools, more) = cognate.list_user_pools(POOLS_SHOWN, None).await?;
    let mut views = Vec::with_capacity(pools.len());
    for pool in pools {
        let (clients, more_clients) = cognate.list_user_pool_clients(&pool.id, Some(CLIENTS_SHOWN), None).await?;
        let issuer = cognate.issuer(&pool.id);
        let sign_up_attributes = pool
            .schema
            .iter()
            .filter(|a| a.required && !pool.username_attributes.contains(&a.name))
            .map(|a| format!("Name={},Value={}", a.name, sample_value(&a.name)))
            .collect::<Vec<_>>()
            .join(" ");
        views.push(PoolView {
            discovery: format!("{}/{}/.well-known/openid-configuration", public_url, pool.id),
            jwks_uri: cognate.jwks_uri(&pool.id),
            issuer,
            clients: clients
                .into_iter()
                .map(|c| ClientView {
                    kind: if c.secret.is_some() { "confidential (has a secret)" } else { "public" },
                    id: c.id,
                    name: c.settings.name,
                })
                .collect(),
            more_clients: more_clients.is_some(),
            sign_up_attributes,
            id: pool.id,
            name: pool.name,
        });
    }
    let try_lines = try_lines(&public_url, cognate.config().region.as_str(), &views);
    let page = LandingPage {
        version: env!("CARGO_PKG_VERSION"),
        public_url,
        pools: views,
        more_pools: more.is_some(),
        try_lines,
    };
    page.render().map_err(|e| cognate_domain::DomainError::Internal(format!("landing page: {e}")))
}

/// The shell lines under "Try it": the admin key, a signed call, and a sign-up with the first
/// public client.
fn try_lines(url: &str, region: &str, pools: &[PoolView]) -> String {
    let mut lines = vec![
        format!("export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_DEFAULT_REGION={region}   # printed when the server starts"),
        format!("aws cognito-idp list-user-pools --max-results 10 --endpoint-url {url}"),
    ];
    let public = pools.iter().find_map(|p| p.clients.iter().find(|c| c.kind == "public").map(|c| (p, c)));
    if let Some((pool, client)) = public {
        let attributes = if pool.sign_up_attributes.is_empty() {
            String::new()
        } else {
            format!(" --user-attributes {}", pool.sign_up_attributes)
        };
        lines.push(format!(
            "aws cognito-idp sign-up --client-id {} --username ada@example.com --password 'Correct-Horse-1'{attributes} --endpoint-url {url}",
            client.id
        ));
    }
    lines.join("\n")
}

fn sample_value(attribute: &str) -> &'static str {
    match attribute {
        "email" => "ada@example.com",
        "phone_number" => "+15555550100",
        "birthdate" => "1815-12-10",
        _ => "Ada",
    }
}

/// An HTML answer with the headers every page of the server carries: no framing, no sniffing,
/// no referrer, and nothing loaded from elsewhere.
pub(crate) fn html_response(status: StatusCode, html: String) -> Response {
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(HeaderName::from_static("cache-control"), HeaderValue::from_static("no-store"));
    response
}
