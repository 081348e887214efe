//! `/signup`: a new account with the pool's required attributes and password policy (GET shows
//! the form, POST creates the user as SignUp does). A code sent goes on to the confirmation form,
//! whose pending cookie lets the code sign the new user in.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use cognate_domain::oauth::sign_up_fields;
use cognate_domain::policy::password_rules;

use super::form::{self, PageRequest, Posted};
use super::pages::SignUpPage;
use super::{confirm, csrf, login};
use crate::AppState;

/// Cognito's refusal when only administrators create users.
const ADMIN_ONLY: &str = "SignUp is not permitted for this user pool";

/// The handler of `GET /signup`.
pub async fn page(State(state): State<AppState>, page: PageRequest) -> Response {
    if page.authorization.pool.settings.allow_admin_create_user_only {
        return login::login_form(&state, &page, "", Some(ADMIN_ONLY), None, StatusCode::FORBIDDEN);
    }
    sign_up_form(&state, &page, "", &[], None, StatusCode::OK)
}

/// The handler of `POST /signup`.
pub async fn submit(State(state): State<AppState>, posted: Posted) -> Response {
    let (page, username, attributes) = (&posted.page, posted.field("username"), posted.attributes());
    if !posted.csrf_ok {
        return sign_up_form(&state, page, username, &attributes, Some(form::EXPIRED), StatusCode::FORBIDDEN);
    }
    let password = posted.field("password");
    match state.cognate.hosted_sign_up(&page.authorization, username, password, attributes.clone()).await {
        Ok(signed_up) if signed_up.confirmed => {
            let notice = "Your account is ready. Sign in to continue.";
            login::login_form(&state, page, username, None, Some(notice), StatusCode::OK)
        }
        Ok(signed_up) => match signed_up.delivery {
            Some(delivery) => confirm::code_sent(&state, page, username, &delivery, &signed_up.pending),
            None => {
                let notice = "Your account was created. An administrator must confirm it before you can sign in.";
                login::login_form(&state, page, username, None, Some(notice), StatusCode::OK)
            }
        },
        Err(err) => form::refused(&err, |message| {
            sign_up_form(&state, page, username, &attributes, Some(message), StatusCode::BAD_REQUEST)
        }),
    }
}

/// The sign-up form, with what the user typed so far (never the password).
fn sign_up_form(
    state: &AppState,
    page: &PageRequest,
    username: &str,
    typed: &[(String, String)],
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let pool = &page.authorization.pool;
    let (username_label, fields) = sign_up_fields(pool);
    let attributes: Vec<(String, String)> = fields
        .into_iter()
        .map(|name| {
            let value = typed.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default();
            (name, value)
        })
        .collect();
    let rules = password_rules(&pool.settings.password_policy);
    let token = csrf::new_token();
    let view = SignUpPage {
        frame: page.frame(&token, error, None),
        username_label,
        username,
        attributes: &attributes,
        password_rules: &rules,
    };
    page.serve(state, status, &view, &token)
}
