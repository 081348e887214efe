//! Cognate's HTTP surface: the Cognito JSON API at `POST /` (one dispatch table, SigV4 on admin
//! actions), the OAuth 2.0 endpoints and hosted pages, the JWKS and OpenID discovery documents
//! and the revocation feed per pool, `/health`, the landing page at `GET /`; and the connection loop that serves it all ([`serve`]).

mod api;
pub mod body;
pub mod convert;
mod dispatch;
mod error;
mod feed;
mod hosted;
mod kms;
mod landing;
pub mod oauth2;
mod served;
pub mod server;
mod sigv4;
pub mod validation;
mod wellknown;

use std::collections::HashMap;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use cognate_domain::{Clock, Cognate};
use tower_http::cors::{Any, CorsLayer};

pub use body::MAX_BODY_BYTES;
pub use error::ApiError;
pub use server::{serve, Timeouts};

/// The AWS access keys accepted on signed actions: access key id → secret access key.
#[derive(Debug, Clone, Default)]
pub struct AccessKeys(HashMap<String, String>);

impl AccessKeys {
    /// Accepts the pair `(id, secret)`.
    pub fn insert(&mut self, id: impl Into<String>, secret: impl Into<String>) {
        self.0.insert(id.into(), secret.into());
    }

    /// The secret of an access key id.
    pub fn secret(&self, id: &str) -> Option<&str> {
        self.0.get(id).map(String::as_str)
    }

    /// Whether no key is configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub cognate: Arc<Cognate>,
    /// The outbound client for identity providers (federated sign-in).
    pub upstream: Arc<dyn cognate_domain::federation::UpstreamClient>,
    pub access_keys: Arc<AccessKeys>,
    /// The clock SigV4 freshness is checked against: the wall clock, since that is what the
    /// signer uses (tests may drive the domain's clock by hand, but never the caller's).
    pub signing_clock: Arc<dyn Clock>,
    /// How long clients may take to send a request (the body deadline is applied by handlers).
    pub timeouts: Timeouts,
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    // Browsers call the API directly (Amplify, amazon-cognito-identity-js), as they do Cognito.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods(Any)
        .allow_headers(Any)
        .expose_headers(Any)
        .max_age(std::time::Duration::from_secs(3600));
    // The hosted pages and OAuth endpoints: a request's host may be a pool's domain.
    let hosted = Router::new()
        .route("/oauth2/authorize", get(hosted::authorize::authorize))
        .route("/oauth2/idpresponse", get(hosted::idp_response::idp_response).post(hosted::idp_response::idp_response))
        .route("/login", get(hosted::login::page).post(hosted::login::submit))
        .route("/signup", get(hosted::signup::page).post(hosted::signup::submit))
        .route("/confirm", get(hosted::confirm::page).post(hosted::confirm::submit))
        .route("/resendcode", get(hosted::confirm::page).post(hosted::confirm::resend))
        .route("/confirmUser", get(hosted::confirm_user::confirm_user))
        .route("/forgotPassword", get(hosted::recovery::page).post(hosted::recovery::submit))
        .route("/confirmforgotPassword", get(hosted::recovery::confirm_page).post(hosted::recovery::confirm_submit))
        .route("/logout", get(hosted::logout::logout))
        .route("/error", get(hosted::error_page::page))
        .route("/hosted/passkey.js", get(hosted::passkey_script))
        .route("/passkeys/add", get(hosted::passkey_add::page).post(hosted::passkey_add::submit))
        .route("/ui-assets/{pool_id}/{client_id}/{version}/logo", get(hosted::branding::logo))
        .route("/oauth2/token", post(oauth2::token::token))
        .route("/oauth2/userInfo", get(oauth2::userinfo::user_info).post(oauth2::userinfo::user_info))
        .route("/oauth2/revoke", post(oauth2::revoke::revoke))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), served::resolve));
    Router::new()
        .route("/", get(landing::page).post(dispatch::api))
        .route("/readme", get(landing::readme::page))
        .merge(hosted)
        .route("/health", get(wellknown::health))
        .route("/{pool_id}/.well-known/jwks.json", get(wellknown::jwks))
        .route("/{pool_id}/.well-known/openid-configuration", get(wellknown::openid_configuration))
        .route("/{pool_id}/revocations", get(feed::revocations))
        .layer(cors)
        .with_state(state)
}
