//! The API's routes, and which of them need a caller: `/api/activities/home` is public,
//! `/api/activities/me` and posting need a signed-in user, `/api/moderation/reports` needs a
//! member of the moderators' group. CORS as the tutorial configures it: the front end's origin,
//! `Authorization` allowed and exposed.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use cognate_verify::axum::RequireBearerLayer;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::activities::{Activities, Activity, LIFETIME};
use crate::caller::{require_gate_headers, Authentication, Caller};

/// The largest request body the API reads.
const MAX_BODY: usize = 16 * 1024;
const MAX_MESSAGE_CHARS: usize = 280;

/// What the router needs.
pub struct ApiConfig {
    pub authentication: Authentication,
    /// Origins allowed to call from a browser (the front end's URL).
    pub cors_origins: Vec<String>,
    /// The group whose members may read moderation reports.
    pub moderators_group: String,
    /// The time, passed in so that tests can choose it.
    pub now: fn() -> OffsetDateTime,
}

struct AppState {
    activities: Activities,
    moderators_group: String,
    now: fn() -> OffsetDateTime,
}

type Shared = State<Arc<AppState>>;

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "message": message }))).into_response()
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "success": true }))
}

async fn home(State(state): Shared) -> Json<serde_json::Value> {
    Json(json!({ "activities": state.activities.home((state.now)()) }))
}

async fn me(State(state): Shared, caller: Caller) -> Json<serde_json::Value> {
    Json(json!({
        "sub": caller.sub,
        "username": caller.username,
        "groups": caller.groups,
        "handle": caller.handle,
        "verified_by": caller.verified_by,
        "activities": state.activities.by(&caller.sub, (state.now)()),
    }))
}

#[derive(Deserialize)]
struct NewActivity {
    message: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    display_name: String,
}

async fn create(State(state): Shared, caller: Caller, Json(input): Json<NewActivity>) -> Response {
    let message = input.message.trim();
    if message.is_empty() {
        return bad_request("A crud needs a message.");
    }
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return bad_request("A crud has at most 280 characters.");
    }
    // The handle and name are shown as given (the access token carries neither); the author is
    // the token's subject, so nobody can post as someone else's account.
    let clean = |text: &str, fallback: &str, limit: usize| -> String {
        let text = text.trim();
        if text.is_empty() {
            fallback.to_owned()
        } else {
            text.chars().take(limit).collect()
        }
    };
    let now = (state.now)();
    let activity = Activity {
        uuid: uuid::Uuid::new_v4().to_string(),
        author_sub: caller.sub.clone(),
        handle: clean(&input.handle, &caller.username, 64),
        display_name: clean(&input.display_name, &caller.username, 128),
        message: message.to_owned(),
        created_at: now,
        expires_at: now + LIFETIME,
    };
    state.activities.post(activity.clone());
    (StatusCode::CREATED, Json(activity)).into_response()
}

async fn reports(State(state): Shared, caller: Caller) -> Response {
    // cognate-verify's moderators' verifier (or the gate's route rule) has checked the group;
    // checked again here so that a misconfigured proxy cannot open the route.
    if !caller.groups.iter().any(|g| *g == state.moderators_group) {
        return (StatusCode::FORBIDDEN, Json(json!({ "message": "moderators only" }))).into_response();
    }
    Json(json!({ "reports": [], "moderator": caller.username })).into_response()
}

fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([header::AUTHORIZATION])
        .allow_methods([Method::OPTIONS, Method::GET, Method::HEAD, Method::POST])
}

/// The whole API.
pub fn router(config: ApiConfig) -> Router {
    let state = Arc::new(AppState {
        activities: Activities::seeded((config.now)()),
        moderators_group: config.moderators_group,
        now: config.now,
    });
    let public = Router::new().route("/api/health", get(health)).route("/api/activities/home", get(home));
    let signed_in = Router::new().route("/api/activities/me", get(me)).route("/api/activities", post(create));
    let moderators = Router::new().route("/api/moderation/reports", get(reports));
    let (signed_in, moderators) = match config.authentication {
        Authentication::Verify { access, moderators: moderator_verifier } => (
            signed_in.layer(RequireBearerLayer::new(access)),
            moderators.layer(RequireBearerLayer::new(moderator_verifier)),
        ),
        Authentication::Gateway => (
            signed_in.layer(middleware::from_fn(require_gate_headers)),
            moderators.layer(middleware::from_fn(require_gate_headers)),
        ),
    };
    public
        .merge(signed_in)
        .merge(moderators)
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(cors(&config.cors_origins))
}
