//! `GET /oauth2/authorize`: checks the request, answers at once from a live single-sign-on
//! session (unless `prompt=login`), and otherwise sends the browser to `/login` with the same
//! parameters (or, naming an identity provider, to that provider) — or, with `prompt=none`,
//! tells the client `login_required`.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use cognate_domain::federation::FEDERATION_SECONDS;
use cognate_domain::oauth::Prompt;

use super::{authorize_failure, cookies, params_of, query_of, redirect};
use crate::served::ServedPool;
use crate::AppState;

/// The handler of `GET /oauth2/authorize`.
pub async fn authorize(
    State(state): State<AppState>,
    Extension(served): Extension<ServedPool>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = match params_of(query.as_deref(), &served) {
        Ok(params) => params,
        Err(err) => return authorize_failure(err),
    };
    let authorization = match state.cognate.check_authorize(&params).await {
        Ok(authorization) => authorization,
        Err(err) => return authorize_failure(err),
    };
    if authorization.prompt != Prompt::Login {
        if let Some(cookie) = cookies::get(&headers, &cookies::session_name(&authorization.pool.id)) {
            match state.cognate.resume_hosted_session(&authorization, cookie).await {
                Ok(Some(location)) => return redirect(&location, &[]),
                Ok(None) => {}
                Err(err) => return authorize_failure(err),
            }
        }
    }
    if authorization.prompt == Prompt::None {
        return authorize_failure(authorization.error("login_required", "The user is not signed in."));
    }
    if authorization.federated.is_some() {
        // Straight to the identity provider the request names, as Cognito does.
        // The flow's binding cookie lives as long as the round trip may take.
        return match state.cognate.start_federated_sign_in(&state.upstream, &authorization).await {
            Ok(start) => {
                let secure = cookies::secure(&headers, &state.cognate.config().public_url);
                let binding =
                    cookies::set_cross_site(&start.cookie_name, &start.cookie_value, FEDERATION_SECONDS, secure);
                redirect(&start.location, &[binding])
            }
            Err(err) => authorize_failure(err),
        };
    }
    redirect(&format!("/login?{}", query_of(&params)), &[])
}
