//! `GET /oauth2/idpresponse`: where identity providers send the browser back with their code
//! (or error). The sign-in finishes as one on the page does: the pool's session cookie and a
//! 302 to the client with Cognate's own code (or tokens).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use cognate_domain::federation::ProviderAnswer;
use cognate_domain::oauth::{HostedSignIn, HOSTED_SESSION_SECONDS};
use serde::Deserialize;

use super::{authorize_failure, cookies, redirect};
use crate::served::ServedPool;
use crate::AppState;

/// The provider's answer, as OAuth 2.0 names it.
#[derive(Deserialize)]
pub struct IdpResponseParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The handler of `GET /oauth2/idpresponse`.
pub async fn idp_response(
    State(state): State<AppState>,
    Extension(served): Extension<ServedPool>,
    headers: HeaderMap,
    Query(params): Query<IdpResponseParams>,
) -> Response {
    let answer = ProviderAnswer {
        code: params.code,
        state: params.state,
        error: params.error,
        error_description: params.error_description,
    };
    match state.cognate.finish_federated_sign_in(&state.upstream, answer, served.0.as_deref()).await {
        Ok((authorization, HostedSignIn::Done { location, session })) => {
            let name = cookies::session_name(&authorization.pool.id);
            let secure = cookies::secure(&headers, &state.cognate.config().public_url);
            redirect(&location, &[cookies::set(&name, &session, HOSTED_SESSION_SECONDS, secure)])
        }
        Ok((authorization, _)) => authorize_failure(
            authorization.error("server_error", "The federated sign-in asked for a step it cannot take."),
        ),
        Err(err) => authorize_failure(err),
    }
}
