//! `POST /`: reads the action from `X-Amz-Target`, admits signed actions, and routes every action
//! through one table to its handler via one generic `call` (deserialise, run, serialise).

use std::future::Future;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cognate_domain::{Cognate, DomainError};
use cognate_proto::{Action, ErrorType};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::api::auth::Caller;
use crate::api::{auth, devices, federation, groups, lifecycle, mfa, oauth, passkeys, pools, users};
use crate::body::{self, MAX_BODY_BYTES};
use crate::{kms, sigv4, validation, ApiError, AppState};

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// The handler of `POST /`.
pub async fn api(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let mut response = match handle(&state, &parts, body).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    };
    if let Ok(id) = HeaderValue::from_str(&cognate_crypto::random::uuid()) {
        response.headers_mut().insert("x-amzn-requestid", id);
    }
    response
}

async fn handle(state: &AppState, parts: &Parts, body: Body) -> Result<Response, ApiError> {
    let unknown = || ApiError::new(ErrorType::UnknownOperationException, "");
    let target = parts.headers.get("x-amz-target").and_then(|v| v.to_str().ok()).ok_or_else(unknown)?;
    if let Some(kms_action) = target.strip_prefix(kms::TARGET_PREFIX) {
        let body = body::read(parts, body, MAX_BODY_BYTES, state.timeouts.body).await?;
        return Ok(kms::handle(state, parts, kms_action, &body));
    }
    let action = target.strip_prefix(TARGET_PREFIX).and_then(Action::from_name).ok_or_else(unknown)?;
    let body = body::read(parts, body, MAX_BODY_BYTES, state.timeouts.body).await?;
    if !action.requires_signature() {
        return route(&state.cognate, action, &body).await;
    }
    let access_key = sigv4::verify(&state.access_keys, parts, &body, state.signing_clock.now())?;
    let result = route(&state.cognate, action, &body).await;
    // Every admin action leaves an audit record: who (access key), what, and whether it worked.
    let outcome = match &result {
        Ok(_) => "ok",
        Err(err) => err.kind.name(),
    };
    tracing::info!(target: "cognate::audit", action = action.name(), access_key, outcome, "admin action");
    result
}

/// A request's body, with the action it was sent to.
#[derive(Clone, Copy)]
struct Sent<'a> {
    action: Action,
    body: &'a [u8],
}

/// Reads the body as JSON, checks it against the action's constraints in the service model (as AWS
/// does before any handler runs), deserialises it, runs the handler and serialises its answer.
async fn call<Req, Resp, Fut>(sent: Sent<'_>, handler: impl FnOnce(Req) -> Fut) -> Result<Response, ApiError>
where
    Req: DeserializeOwned,
    Resp: Serialize,
    Fut: Future<Output = Result<Resp, DomainError>>,
{
    let body = if sent.body.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { sent.body };
    let request: Value = serde_json::from_slice(body).map_err(bad_request)?;
    // A member of the wrong JSON type is a SerializationException before any rule is checked; a
    // missing one is left to the rules, which name every member that breaks one.
    let typed = match Req::deserialize(&request) {
        Err(err) if !err.to_string().starts_with("missing field `") => return Err(bad_request(err)),
        typed => typed,
    };
    validation::check(sent.action, &request)
        .map_err(|message| ApiError::new(ErrorType::InvalidParameterException, message))?;
    let request = typed.map_err(bad_request)?;
    let answer = handler(request).await?;
    let json = serde_json::to_vec(&answer).map_err(|e| ApiError::from(DomainError::Internal(e.to_string())))?;
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, "application/x-amz-json-1.1")], json).into_response())
}

/// A body that does not fit the action's shape: a missing member is a validation error, as AWS
/// reports it; anything else is a serialization error.
fn bad_request(err: serde_json::Error) -> ApiError {
    let text = err.to_string();
    if let Some(rest) = text.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let mut chars = field.chars();
        let camel: String = chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default();
        return ApiError::new(
            ErrorType::InvalidParameterException,
            format!("1 validation error detected: Value null at '{camel}' failed to satisfy constraint: Member must not be null"),
        );
    }
    ApiError::new(ErrorType::SerializationException, text)
}

/// The dispatch table: every action Cognito defines, either handled (its body validated first) or
/// answered as unsupported.
async fn route(c: &Cognate, action: Action, body: &[u8]) -> Result<Response, ApiError> {
    let body = Sent { action, body };
    match action {
        Action::CreateUserPool => call(body, |r| pools::create_user_pool(c, r)).await,
        Action::DescribeUserPool => call(body, |r| pools::describe_user_pool(c, r)).await,
        Action::ListUserPools => call(body, |r| pools::list_user_pools(c, r)).await,
        Action::UpdateUserPool => call(body, |r| pools::update_user_pool(c, r)).await,
        Action::DeleteUserPool => call(body, |r| pools::delete_user_pool(c, r)).await,
        Action::CreateUserPoolClient => call(body, |r| pools::create_user_pool_client(c, r)).await,
        Action::DescribeUserPoolClient => call(body, |r| pools::describe_user_pool_client(c, r)).await,
        Action::ListUserPoolClients => call(body, |r| pools::list_user_pool_clients(c, r)).await,
        Action::UpdateUserPoolClient => call(body, |r| pools::update_user_pool_client(c, r)).await,
        Action::DeleteUserPoolClient => call(body, |r| pools::delete_user_pool_client(c, r)).await,
        Action::GetSigningCertificate => call(body, |r| pools::get_signing_certificate(c, r)).await,
        Action::AddUserPoolClientSecret => call(body, |r| pools::add_user_pool_client_secret(c, r)).await,
        Action::DeleteUserPoolClientSecret => call(body, |r| pools::delete_user_pool_client_secret(c, r)).await,
        Action::ListUserPoolClientSecrets => call(body, |r| pools::list_user_pool_client_secrets(c, r)).await,
        Action::SetRiskConfiguration => call(body, |r| pools::set_risk_configuration(c, r)).await,
        Action::DescribeRiskConfiguration => call(body, |r| pools::describe_risk_configuration(c, r)).await,
        Action::TagResource => call(body, |r| pools::tag_resource(c, r)).await,
        Action::UntagResource => call(body, |r| pools::untag_resource(c, r)).await,
        Action::ListTagsForResource => call(body, |r| pools::list_tags_for_resource(c, r)).await,
        Action::SignUp => call(body, |r| users::sign_up(c, r)).await,
        Action::ConfirmSignUp => call(body, |r| users::confirm_sign_up(c, r)).await,
        Action::ResendConfirmationCode => call(body, |r| users::resend_confirmation_code(c, r)).await,
        Action::AdminCreateUser => call(body, |r| users::admin_create_user(c, r)).await,
        Action::AdminSetUserPassword => call(body, |r| users::admin_set_user_password(c, r)).await,
        Action::AdminGetUser => call(body, |r| users::admin_get_user(c, r)).await,
        Action::AdminConfirmSignUp => call(body, |r| users::admin_confirm_sign_up(c, r)).await,
        Action::AdminDeleteUser => call(body, |r| users::admin_delete_user(c, r)).await,
        Action::GetUser => call(body, |r| users::get_user(c, r)).await,
        Action::InitiateAuth => call(body, |r| auth::initiate_auth(c, r, Caller::Public)).await,
        Action::AdminInitiateAuth => call(body, |r| auth::initiate_auth(c, r, Caller::Admin)).await,
        Action::RespondToAuthChallenge => call(body, |r| auth::respond_to_auth_challenge(c, r, Caller::Public)).await,
        Action::AdminRespondToAuthChallenge => {
            call(body, |r| auth::respond_to_auth_challenge(c, r, Caller::Admin)).await
        }
        Action::GetTokensFromRefreshToken => call(body, |r| auth::get_tokens_from_refresh_token(c, r)).await,
        Action::ForgotPassword => call(body, |r| lifecycle::forgot_password(c, r)).await,
        Action::ConfirmForgotPassword => call(body, |r| lifecycle::confirm_forgot_password(c, r)).await,
        Action::AdminResetUserPassword => call(body, |r| lifecycle::admin_reset_user_password(c, r)).await,
        Action::ChangePassword => call(body, |r| lifecycle::change_password(c, r)).await,
        Action::UpdateUserAttributes => call(body, |r| lifecycle::update_user_attributes(c, r)).await,
        Action::DeleteUserAttributes => call(body, |r| lifecycle::delete_user_attributes(c, r)).await,
        Action::GetUserAttributeVerificationCode => {
            call(body, |r| lifecycle::get_user_attribute_verification_code(c, r)).await
        }
        Action::VerifyUserAttribute => call(body, |r| lifecycle::verify_user_attribute(c, r)).await,
        Action::AdminUpdateUserAttributes => call(body, |r| lifecycle::admin_update_user_attributes(c, r)).await,
        Action::AdminDeleteUserAttributes => call(body, |r| lifecycle::admin_delete_user_attributes(c, r)).await,
        Action::AddCustomAttributes => call(body, |r| lifecycle::add_custom_attributes(c, r)).await,
        Action::DeleteUser => call(body, |r| lifecycle::delete_user(c, r)).await,
        Action::AdminDisableUser => call(body, |r| lifecycle::admin_disable_user(c, r)).await,
        Action::AdminEnableUser => call(body, |r| lifecycle::admin_enable_user(c, r)).await,
        Action::GlobalSignOut => call(body, |r| lifecycle::global_sign_out(c, r)).await,
        Action::AdminUserGlobalSignOut => call(body, |r| lifecycle::admin_user_global_sign_out(c, r)).await,
        Action::RevokeToken => call(body, |r| lifecycle::revoke_token(c, r)).await,
        Action::ListUsers => call(body, |r| lifecycle::list_users(c, r)).await,
        Action::AdminListUserAuthEvents => call(body, |r| lifecycle::admin_list_user_auth_events(c, r)).await,
        Action::CreateGroup => call(body, |r| groups::create_group(c, r)).await,
        Action::GetGroup => call(body, |r| groups::get_group(c, r)).await,
        Action::UpdateGroup => call(body, |r| groups::update_group(c, r)).await,
        Action::DeleteGroup => call(body, |r| groups::delete_group(c, r)).await,
        Action::ListGroups => call(body, |r| groups::list_groups(c, r)).await,
        Action::AdminAddUserToGroup => call(body, |r| groups::admin_add_user_to_group(c, r)).await,
        Action::AdminRemoveUserFromGroup => call(body, |r| groups::admin_remove_user_from_group(c, r)).await,
        Action::AdminListGroupsForUser => call(body, |r| groups::admin_list_groups_for_user(c, r)).await,
        Action::ListUsersInGroup => call(body, |r| groups::list_users_in_group(c, r)).await,
        Action::CreateUserPoolDomain => call(body, |r| oauth::create_user_pool_domain(c, r)).await,
        Action::DescribeUserPoolDomain => call(body, |r| oauth::describe_user_pool_domain(c, r)).await,
        Action::UpdateUserPoolDomain => call(body, |r| oauth::update_user_pool_domain(c, r)).await,
        Action::DeleteUserPoolDomain => call(body, |r| oauth::delete_user_pool_domain(c, r)).await,
        Action::SetUICustomization => call(body, |r| oauth::set_ui_customization(c, r)).await,
        Action::GetUICustomization => call(body, |r| oauth::get_ui_customization(c, r)).await,
        Action::CreateResourceServer => call(body, |r| oauth::create_resource_server(c, r)).await,
        Action::DescribeResourceServer => call(body, |r| oauth::describe_resource_server(c, r)).await,
        Action::ListResourceServers => call(body, |r| oauth::list_resource_servers(c, r)).await,
        Action::UpdateResourceServer => call(body, |r| oauth::update_resource_server(c, r)).await,
        Action::DeleteResourceServer => call(body, |r| oauth::delete_resource_server(c, r)).await,
        Action::CreateIdentityProvider => call(body, |r| federation::create_identity_provider(c, r)).await,
        Action::DescribeIdentityProvider => call(body, |r| federation::describe_identity_provider(c, r)).await,
        Action::GetIdentityProviderByIdentifier => {
            call(body, |r| federation::get_identity_provider_by_identifier(c, r)).await
        }
        Action::UpdateIdentityProvider => call(body, |r| federation::update_identity_provider(c, r)).await,
        Action::DeleteIdentityProvider => call(body, |r| federation::delete_identity_provider(c, r)).await,
        Action::ListIdentityProviders => call(body, |r| federation::list_identity_providers(c, r)).await,
        Action::AdminLinkProviderForUser => call(body, |r| federation::admin_link_provider_for_user(c, r)).await,
        Action::AdminDisableProviderForUser => call(body, |r| federation::admin_disable_provider_for_user(c, r)).await,
        Action::SetUserPoolMfaConfig => call(body, |r| mfa::set_user_pool_mfa_config(c, r)).await,
        Action::GetUserPoolMfaConfig => call(body, |r| mfa::get_user_pool_mfa_config(c, r)).await,
        Action::AssociateSoftwareToken => call(body, |r| mfa::associate_software_token(c, r)).await,
        Action::VerifySoftwareToken => call(body, |r| mfa::verify_software_token(c, r)).await,
        Action::GetUserAuthFactors => call(body, |r| mfa::get_user_auth_factors(c, r)).await,
        Action::SetUserMFAPreference => call(body, |r| mfa::set_user_mfa_preference(c, r, Caller::Public)).await,
        Action::AdminSetUserMFAPreference => call(body, |r| mfa::set_user_mfa_preference(c, r, Caller::Admin)).await,
        Action::SetUserSettings => call(body, |r| mfa::set_user_settings(c, r, Caller::Public)).await,
        Action::AdminSetUserSettings => call(body, |r| mfa::set_user_settings(c, r, Caller::Admin)).await,
        Action::ConfirmDevice => call(body, |r| devices::confirm_device(c, r)).await,
        Action::GetDevice => call(body, |r| devices::get_device(c, r)).await,
        Action::ListDevices => call(body, |r| devices::list_devices(c, r)).await,
        Action::UpdateDeviceStatus => call(body, |r| devices::update_device_status(c, r)).await,
        Action::ForgetDevice => call(body, |r| devices::forget_device(c, r)).await,
        Action::AdminGetDevice => call(body, |r| devices::admin_get_device(c, r)).await,
        Action::AdminListDevices => call(body, |r| devices::admin_list_devices(c, r)).await,
        Action::AdminUpdateDeviceStatus => call(body, |r| devices::admin_update_device_status(c, r)).await,
        Action::AdminForgetDevice => call(body, |r| devices::admin_forget_device(c, r)).await,
        Action::StartWebAuthnRegistration => call(body, |r| passkeys::start_web_authn_registration(c, r)).await,
        Action::CompleteWebAuthnRegistration => call(body, |r| passkeys::complete_web_authn_registration(c, r)).await,
        Action::ListWebAuthnCredentials => call(body, |r| passkeys::list_web_authn_credentials(c, r)).await,
        Action::DeleteWebAuthnCredential => call(body, |r| passkeys::delete_web_authn_credential(c, r)).await,
        Action::UpdateAuthEventFeedback
        | Action::AdminUpdateAuthEventFeedback
        | Action::CreateManagedLoginBranding
        | Action::CreateTerms
        | Action::CreateUserImportJob
        | Action::DeleteManagedLoginBranding
        | Action::DeleteTerms
        | Action::DescribeManagedLoginBranding
        | Action::DescribeManagedLoginBrandingByClient
        | Action::DescribeTerms
        | Action::DescribeUserImportJob
        | Action::GetCSVHeader
        | Action::GetLogDeliveryConfiguration
        | Action::ListTerms
        | Action::ListUserImportJobs
        | Action::SetLogDeliveryConfiguration
        | Action::StartUserImportJob
        | Action::StopUserImportJob
        | Action::UpdateManagedLoginBranding
        | Action::UpdateTerms => Err(ApiError::new(
            ErrorType::UnsupportedOperationException,
            format!("{} is not supported by Cognate yet.", action.name()),
        )),
    }
}
