//! `/login`: the sign-in form (GET) and its submission (POST, to the same URL with the authorize
//! parameters), including the new-password step for users an administrator created. Success is
//! a 302 to the client's redirect URI with a code (or tokens) and the pool's session cookie; a
//! user who has not confirmed goes on to `/confirm`, one whose password was reset to
//! `/confirmforgotPassword`; one that needs a second factor goes on to its step (see [`mfa`]).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use cognate_domain::oauth::{HostedSignIn, HOSTED_SESSION_SECONDS};
use cognate_domain::DomainError;
use cognate_proto::ChallengeName;

use super::form::{self, PageRequest, Posted};
use super::pages::{LoginPage, NewPasswordPage};
use super::{confirm, cookies, mfa, recovery, redirect, sent_to};
use crate::AppState;

/// The handler of `GET /login`.
pub async fn page(State(state): State<AppState>, page: PageRequest) -> Response {
    let username = page.authorization.params.login_hint.clone().unwrap_or_default();
    login_form(&state, &page, &username, None, None, StatusCode::OK)
}

/// The handler of `POST /login`.
pub async fn submit(State(state): State<AppState>, posted: Posted) -> Response {
    let (page, username) = (&posted.page, posted.field("username"));
    if !posted.csrf_ok {
        return login_form(&state, page, username, Some(form::EXPIRED), None, StatusCode::FORBIDDEN);
    }
    if let Some(challenge) = ChallengeName::from_name(posted.field("challenge")) {
        return mfa::submit(&state, &posted, challenge).await;
    }
    if let Some(factor) = ChallengeName::from_name(posted.field("first_factor")) {
        return match state.cognate.hosted_first_factor(&page.authorization, username, factor).await {
            Ok(step) => signed_in_or_next_step(&state, page, username, step).await,
            Err(err) => form::refused(&err, |message| {
                login_form(&state, page, username, Some(message), None, StatusCode::BAD_REQUEST)
            }),
        };
    }
    let session = posted.field("session");
    let outcome = if session.is_empty() {
        state.cognate.hosted_sign_in(&page.authorization, username, posted.field("password")).await
    } else {
        new_password(&state, &posted).await
    };
    let err = match outcome {
        Ok(signed_in) => return signed_in_or_next_step(&state, page, username, signed_in).await,
        Err(err) => err,
    };
    form::refused(&err, |message| {
        // A refused new password: the same step again (a refused password does not spend its
        // session); a spent session sends the user back to sign in.
        if !session.is_empty() && !matches!(err, DomainError::NotAuthorized(_)) {
            let required: Vec<String> = posted.attributes().into_iter().map(|(name, _)| name).collect();
            let step = NewPasswordStep { username, session, required_attributes: &required };
            return new_password_form(&state, page, &step, Some(message), StatusCode::BAD_REQUEST);
        }
        login_form(&state, page, username, Some(message), None, StatusCode::BAD_REQUEST)
    })
}

/// Where a sign-in that passed goes: to the client, or to the step the account needs.
pub(super) async fn signed_in_or_next_step(
    state: &AppState,
    page: &PageRequest,
    username: &str,
    outcome: HostedSignIn,
) -> Response {
    match outcome {
        HostedSignIn::Done { location, session } => {
            let name = cookies::session_name(&page.authorization.pool.id);
            redirect(&location, &[cookies::set(&name, &session, HOSTED_SESSION_SECONDS, page.secure(state))])
        }
        HostedSignIn::NewPasswordRequired { session, required_attributes } => {
            let step = NewPasswordStep { username, session: &session, required_attributes: &required_attributes };
            new_password_form(state, page, &step, None, StatusCode::OK)
        }
        HostedSignIn::ConfirmationRequired { delivery, pending } => {
            confirm::code_sent(state, page, username, &delivery, &pending)
        }
        HostedSignIn::ResetRequired { delivery } => {
            recovery::confirm_form(state, page, username, Some(&sent_to(&delivery)), None, StatusCode::OK)
        }
        HostedSignIn::SecondFactor { challenge, session, parameters } => {
            let step = mfa::Step { username, challenge, session: &session, parameters: &parameters, secret: None };
            mfa::show(state, page, step, None, StatusCode::OK).await
        }
    }
}

async fn new_password(state: &AppState, posted: &Posted) -> Result<HostedSignIn, DomainError> {
    let new = posted.field("new_password");
    if new != posted.field("confirm_password") {
        return Err(DomainError::InvalidParameter("The passwords do not match.".into()));
    }
    let attributes: BTreeMap<String, String> = posted.attributes().into_iter().collect();
    let (authorization, session, username) =
        (&posted.page.authorization, posted.field("session"), posted.field("username"));
    state.cognate.hosted_new_password(authorization, session, username, new, attributes).await
}

/// The sign-in form.
pub(super) fn login_form(
    state: &AppState,
    page: &PageRequest,
    username: &str,
    error: Option<&str>,
    notice: Option<&str>,
    status: StatusCode,
) -> Response {
    let token = super::csrf::new_token();
    let providers = provider_links(page);
    let first_factors = passwordless_choices(page);
    let view = LoginPage {
        frame: page.frame(&token, error, notice),
        username,
        providers: &providers,
        first_factors: &first_factors,
    };
    page.serve(state, status, &view, &token)
}

/// The ways of signing in without a password the pool allows (SignInPolicy) to a client that
/// allows USER_AUTH: `(first factor, button label)`.
fn passwordless_choices(page: &PageRequest) -> Vec<(&'static str, &'static str)> {
    use cognate_domain::model::FirstFactor;
    let (pool, client) = (&page.authorization.pool, &page.authorization.client);
    if !client.allows("ALLOW_USER_AUTH") {
        return Vec::new();
    }
    pool.settings
        .first_factors
        .iter()
        .filter_map(|factor| match factor {
            FirstFactor::WebAuthn => Some(("WEB_AUTHN", "Sign in with a passkey")),
            FirstFactor::EmailOtp => Some(("EMAIL_OTP", "Email me a code")),
            FirstFactor::SmsOtp if pool.settings.mfa.sms.is_some() => Some(("SMS_OTP", "Text me a code")),
            _ => None,
        })
        .collect()
}

/// A "Sign in with <provider>" link for each identity provider the client supports besides the
/// pool's own directory: the same authorize request, naming the provider.
fn provider_links(page: &PageRequest) -> Vec<(String, String)> {
    let mut params = page.authorization.params.clone();
    params.idp_identifier = None;
    page.authorization
        .client
        .settings
        .supported_identity_providers
        .iter()
        .filter(|name| *name != "COGNITO")
        .map(|name| {
            params.identity_provider = Some(name.clone());
            (name.clone(), format!("/oauth2/authorize?{}", super::query_of(&params)))
        })
        .collect()
}

/// What the new-password step shows besides the common fields.
struct NewPasswordStep<'a> {
    username: &'a str,
    session: &'a str,
    required_attributes: &'a [String],
}

fn new_password_form(
    state: &AppState,
    page: &PageRequest,
    step: &NewPasswordStep<'_>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let token = super::csrf::new_token();
    let view = NewPasswordPage {
        frame: page.frame(&token, error, None),
        username: step.username,
        session: step.session,
        required_attributes: step.required_attributes,
    };
    page.serve(state, status, &view, &token)
}
