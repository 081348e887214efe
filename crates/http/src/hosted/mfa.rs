//! The second-factor steps of `/login`: the code of a software token, SMS or email; the choice
//! among several factors; and the setup of a software token (with its QR code) or of email MFA
//! in a pool that requires MFA. Each step posts back to `/login` with its challenge and session;
//! a wrong code shows the same step again, as the API lets a client retry with the same session.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use cognate_domain::DomainError;
use cognate_proto::ChallengeName;

use super::form::{self, PageRequest, Posted};
use super::pages::MfaPage;
use crate::AppState;

/// One step as shown: the challenge, its session and parameters, and on a retry the secret
/// being set up.
pub(super) struct Step<'a> {
    pub username: &'a str,
    pub challenge: ChallengeName,
    pub session: &'a str,
    pub parameters: &'a BTreeMap<String, String>,
    pub secret: Option<&'a str>,
}

fn factor_label(name: &str) -> &'static str {
    match name {
        "SMS_MFA" => "A code by text message",
        "EMAIL_OTP" => "A code by email",
        _ => "A code from an authenticator app",
    }
}

fn factors(parameters: &BTreeMap<String, String>, key: &str) -> Vec<String> {
    parameters.get(key).and_then(|list| serde_json::from_str(list).ok()).unwrap_or_default()
}

/// The otpauth URI authenticator apps read, labelled with the pool's name and the user's.
fn setup_uri(issuer: &str, username: &str, secret: &str) -> String {
    let label: String = url::form_urlencoded::byte_serialize(format!("{issuer}:{username}").as_bytes()).collect();
    let issuer: String = url::form_urlencoded::byte_serialize(issuer.as_bytes()).collect();
    format!("otpauth://totp/{label}?secret={secret}&issuer={issuer}")
}

fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build())
}

/// Shows a step. An MFA_SETUP step that can set up a software token gets a new secret first
/// (and the session that goes with it), unless it is a retry of one.
pub(super) async fn show(
    state: &AppState,
    page: &PageRequest,
    step: Step<'_>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let token = super::csrf::new_token();
    let frame = page.frame(&token, error, None);
    let mut session = step.session.to_owned();
    let mut secret = step.secret.map(str::to_owned);
    let mut choices = Vec::new();
    let (heading, kind, sent_to) = match step.challenge {
        ChallengeName::SelectMfaType => {
            choices = factors(step.parameters, "MFAS_CAN_CHOOSE")
                .into_iter()
                .map(|f| {
                    let label = factor_label(&f).to_owned();
                    (f, label)
                })
                .collect();
            ("Choose a sign-in method", "select", None)
        }
        ChallengeName::MfaSetup => {
            let can_setup = factors(step.parameters, "MFAS_CAN_SETUP");
            if can_setup.iter().any(|f| f == "SOFTWARE_TOKEN_MFA") {
                if secret.is_none() {
                    match state.cognate.hosted_associate_software_token(&session).await {
                        Ok(setup) => {
                            secret = Some(setup.secret_code);
                            session = setup.session.unwrap_or(session);
                        }
                        Err(err) => return refused_step(state, page, step.username, &err),
                    }
                }
                ("Set up an authenticator app", "code", None)
            } else if can_setup.iter().any(|f| f == "EMAIL_OTP") {
                ("Set up sign-in codes by email", "email_setup", None)
            } else {
                let message = "This account needs a second factor that these pages cannot set up: add a phone number to it, then sign in again.";
                return super::login::login_form(
                    state,
                    page,
                    step.username,
                    Some(message),
                    None,
                    StatusCode::BAD_REQUEST,
                );
            }
        }
        ChallengeName::SoftwareTokenMfa => ("Enter the code from your authenticator app", "code", None),
        ChallengeName::WebAuthn => ("Sign in with a passkey", "passkey", None),
        _ => {
            let medium = step.parameters.get("CODE_DELIVERY_DELIVERY_MEDIUM").map(String::as_str);
            let by = if medium == Some("EMAIL") { "by email" } else { "by text message" };
            let destination = step.parameters.get("CODE_DELIVERY_DESTINATION").cloned().unwrap_or_default();
            ("Enter your sign-in code", "code", Some(format!("{by} to {destination}")))
        }
    };
    let uri = secret.as_deref().map(|s| setup_uri(page.authorization.pool.name.as_str(), step.username, s));
    let qr = uri.as_deref().and_then(qr_svg);
    let carried: Vec<(String, String)> = CARRIED
        .iter()
        .filter_map(|key| step.parameters.get(*key).map(|value| (key.to_string(), value.clone())))
        .collect();
    let view = MfaPage {
        frame,
        heading,
        kind,
        username: step.username,
        session: &session,
        challenge: step.challenge.name(),
        sent_to: sent_to.as_deref(),
        choices: &choices,
        secret: secret.as_deref(),
        setup_uri: uri.as_deref(),
        qr_svg: qr.as_deref(),
        carried: &carried,
        options: step.parameters.get("CREDENTIAL_REQUEST_OPTIONS").map(String::as_str),
    };
    page.serve(state, status, &view, &token)
}

/// A refusal that ends the step (a spent or expired session, a lockout): back to signing in.
fn refused_step(state: &AppState, page: &PageRequest, username: &str, err: &DomainError) -> Response {
    form::refused(err, |message| {
        super::login::login_form(state, page, username, Some(message), None, StatusCode::BAD_REQUEST)
    })
}

/// A step posted: answered as the API answers the challenge.
pub(super) async fn submit(state: &AppState, posted: &Posted, challenge: ChallengeName) -> Response {
    let (page, username, session) = (&posted.page, posted.field("username"), posted.field("session"));
    let mut responses = BTreeMap::new();
    responses.insert("USERNAME".to_owned(), username.to_owned());
    let secret = Some(posted.field("secret")).filter(|s| !s.is_empty());
    let outcome = match challenge {
        ChallengeName::SoftwareTokenMfa | ChallengeName::SmsMfa | ChallengeName::EmailOtp | ChallengeName::SmsOtp => {
            let key = match challenge {
                ChallengeName::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA_CODE",
                ChallengeName::SmsMfa => "SMS_MFA_CODE",
                ChallengeName::SmsOtp => "SMS_OTP_CODE",
                _ => "EMAIL_OTP_CODE",
            };
            responses.insert(key.to_owned(), posted.field("code").trim().to_owned());
            state.cognate.hosted_answer_challenge(&page.authorization, challenge, session, responses).await
        }
        ChallengeName::WebAuthn => {
            responses.insert("CREDENTIAL".to_owned(), posted.field("credential").to_owned());
            state.cognate.hosted_answer_challenge(&page.authorization, challenge, session, responses).await
        }
        ChallengeName::SelectMfaType => {
            responses.insert("ANSWER".to_owned(), posted.field("answer").to_owned());
            state.cognate.hosted_answer_challenge(&page.authorization, challenge, session, responses).await
        }
        ChallengeName::MfaSetup if secret.is_some() => {
            let code = posted.field("code").trim();
            match state.cognate.verify_software_token(None, Some(session), code, None).await {
                Ok(Some(verified)) => {
                    state.cognate.hosted_answer_challenge(&page.authorization, challenge, &verified, responses).await
                }
                Ok(None) => Err(DomainError::Internal("a setup session's verification gave no session".into())),
                Err(err) => Err(err),
            }
        }
        ChallengeName::MfaSetup => {
            responses.insert("EMAIL".to_owned(), posted.field("email").trim().to_owned());
            state.cognate.hosted_answer_challenge(&page.authorization, challenge, session, responses).await
        }
        _ => Err(DomainError::InvalidParameter("This sign-in step is not one of the hosted pages'.".into())),
    };
    match outcome {
        Ok(next) => super::login::signed_in_or_next_step(state, page, username, next).await,
        Err(
            err @ (DomainError::CodeMismatch(_)
            | DomainError::EnableSoftwareTokenMfa(_)
            | DomainError::InvalidParameter(_)),
        ) => {
            // The same step again, with the same session: a wrong code does not spend it.
            let parameters = posted_parameters(posted);
            let step = Step { username, challenge, session, parameters: &parameters, secret };
            let message = match err {
                DomainError::CodeMismatch(_) | DomainError::EnableSoftwareTokenMfa(_) => {
                    "Incorrect code. Please try again.".to_owned()
                }
                other => other.to_string(),
            };
            show(state, page, step, Some(&message), StatusCode::BAD_REQUEST).await
        }
        Err(err) => refused_step(state, page, username, &err),
    }
}

/// The challenge parameters a step shows, carried in its form for a retry.
const CARRIED: [&str; 5] = [
    "MFAS_CAN_CHOOSE",
    "MFAS_CAN_SETUP",
    "CODE_DELIVERY_DELIVERY_MEDIUM",
    "CODE_DELIVERY_DESTINATION",
    "CREDENTIAL_REQUEST_OPTIONS",
];

fn posted_parameters(posted: &Posted) -> BTreeMap<String, String> {
    CARRIED
        .iter()
        .map(|key| (key.to_string(), posted.field(key).to_owned()))
        .filter(|(_, value)| !value.is_empty())
        .collect()
}
