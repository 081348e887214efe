//! `/oauth2/idpresponse`: where identity providers send the browser back with their code (or
//! error) — by GET with a query, or by POST with a form (Apple's `response_mode=form_post`).
//! The sign-in finishes as one on the page does: the pool's session cookie (for the browser that
//! started the flow only) and a 302 to the client with Cognate's own code (or tokens).

use std::collections::HashMap;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Extension;
use cognate_domain::federation::{binding_cookie_name, FederatedSignIn, ProviderAnswer};
use cognate_domain::oauth::HOSTED_SESSION_SECONDS;

use super::{authorize_failure, cookies, pages, redirect};
use crate::served::ServedPool;
use crate::AppState;

/// The provider's answer, from the query (GET) or the form (POST), as OAuth 2.0 names it, and
/// the flow's binding cookie.
fn answer_of(mut fields: HashMap<String, String>, headers: &HeaderMap) -> ProviderAnswer {
    let state = fields.remove("state");
    let binding = state.as_deref().and_then(|s| cookies::get(headers, &binding_cookie_name(s))).map(str::to_owned);
    ProviderAnswer {
        code: fields.remove("code"),
        state,
        error: fields.remove("error"),
        error_description: fields.remove("error_description"),
        user: fields.remove("user"),
        binding,
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
    finish(&state, &served, &parts.headers, answer_of(fields, &parts.headers)).await
}

async fn finish(state: &AppState, served: &ServedPool, headers: &HeaderMap, answer: ProviderAnswer) -> Response {
    let flow_cookie = answer.state.as_deref().map(binding_cookie_name);
    let secure = cookies::secure(headers, &state.cognate.config().public_url);
    match state.cognate.finish_federated_sign_in(&state.upstream, answer, served.0.as_deref()).await {
        Ok(FederatedSignIn { authorization, location, session }) => {
            let mut set = vec![];
            if let Some(name) = flow_cookie {
                set.push(cookies::set_cross_site(&name, "", 0, secure));
            }
            if let Some(session) = session {
                let name = cookies::session_name(&authorization.pool.id);
                set.push(cookies::set(&name, &session, HOSTED_SESSION_SECONDS, secure));
            }
            redirect(&location, &set)
        }
        Err(err) => authorize_failure(err),
    }
}
