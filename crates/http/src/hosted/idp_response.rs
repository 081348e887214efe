//! `/oauth2/idpresponse`: where identity providers send the browser back with their code (or
//! error) — by GET with a query, or by POST with a form (Apple's `response_mode=form_post`).
//! The sign-in finishes as one on the page does: the pool's session cookie and a 302 to the
//! client with Cognate's own code (or tokens).

use std::collections::HashMap;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Extension;
use cognate_domain::federation::ProviderAnswer;
use cognate_domain::oauth::{HostedSignIn, HOSTED_SESSION_SECONDS};

use super::{authorize_failure, cookies, pages, redirect};
use crate::served::ServedPool;
use crate::AppState;

/// The provider's answer, from the query (GET) or the form (POST), as OAuth 2.0 names it.
fn answer_of(mut fields: HashMap<String, String>) -> ProviderAnswer {
    ProviderAnswer {
        code: fields.remove("code"),
        state: fields.remove("state"),
        error: fields.remove("error"),
        error_description: fields.remove("error_description"),
        user: fields.remove("user"),
    }
}

/// The handler of `GET` and `POST /oauth2/idpresponse`.
pub async fn idp_response(
    State(state): State<AppState>,
    Extension(served): Extension<ServedPool>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let fields = if parts.method == Method::POST {
        match crate::oauth2::form::read(&state, &parts, body).await {
            Ok(fields) => fields,
            Err(err) => return pages::error(StatusCode::BAD_REQUEST, "invalid_request", &err.to_string()),
        }
    } else {
        let query = parts.uri.query().unwrap_or_default();
        url::form_urlencoded::parse(query.as_bytes()).map(|(n, v)| (n.into_owned(), v.into_owned())).collect()
    };
    finish(&state, &served, &parts.headers, answer_of(fields)).await
}

async fn finish(state: &AppState, served: &ServedPool, headers: &HeaderMap, answer: ProviderAnswer) -> Response {
    match state.cognate.finish_federated_sign_in(&state.upstream, answer, served.0.as_deref()).await {
        Ok((authorization, HostedSignIn::Done { location, session })) => {
            let name = cookies::session_name(&authorization.pool.id);
            let secure = cookies::secure(headers, &state.cognate.config().public_url);
            redirect(&location, &[cookies::set(&name, &session, HOSTED_SESSION_SECONDS, secure)])
        }
        Ok((authorization, _)) => authorize_failure(
            authorization.error("server_error", "The federated sign-in asked for a step it cannot take."),
        ),
        Err(err) => authorize_failure(err),
    }
}
