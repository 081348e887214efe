//! Sign-in handlers: InitiateAuth, RespondToAuthChallenge (and their admin twins), refresh.

use cognate_domain::tokens::IssuedTokens;
use cognate_domain::{AuthOutcome, AuthRequest, ChallengeRequest, Cognate, DomainError};
use cognate_proto::auth::*;
use cognate_proto::devices::NewDeviceMetadataType;
use cognate_proto::types::AuthenticationResultType;
use cognate_proto::ChallengeName;

type Result<T> = std::result::Result<T, DomainError>;

fn tokens_out(t: IssuedTokens) -> AuthenticationResultType {
    AuthenticationResultType {
        access_token: Some(t.access_token),
        expires_in: Some(t.expires_in),
        token_type: Some("Bearer".into()),
        refresh_token: t.refresh_token,
        id_token: t.id_token,
        new_device_metadata: t
            .new_device
            .map(|d| NewDeviceMetadataType { device_key: d.key, device_group_key: d.group_key }),
    }
}

fn outcome_out(outcome: AuthOutcome) -> AuthResponse {
    match outcome {
        AuthOutcome::Tokens(tokens) => AuthResponse {
            challenge_parameters: Some(Default::default()),
            authentication_result: Some(tokens_out(tokens)),
            ..AuthResponse::default()
        },
        AuthOutcome::Challenge { name, session, parameters } => AuthResponse {
            challenge_name: Some(name.name().to_owned()),
            session,
            challenge_parameters: Some(parameters),
            ..AuthResponse::default()
        },
        AuthOutcome::SelectChallenge { session, available } => AuthResponse {
            challenge_name: Some(ChallengeName::SelectChallenge.name().to_owned()),
            session: Some(session),
            challenge_parameters: Some(Default::default()),
            available_challenges: Some(available.iter().map(|c| c.name().to_owned()).collect()),
            ..AuthResponse::default()
        },
    }
}

/// Whether the action was the public one or its signed admin twin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Public,
    Admin,
}

/// The pool an admin call names (required), or none for a public call (whatever the body says:
/// a public caller must not reach admin flows by adding `UserPoolId`).
fn admin_pool(caller: Caller, pool_id: Option<String>) -> Result<Option<String>> {
    match caller {
        Caller::Public => Ok(None),
        Caller::Admin => pool_id.map(Some).ok_or_else(|| {
            DomainError::InvalidParameter(
                "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null".into(),
            )
        }),
    }
}

/// InitiateAuth and AdminInitiateAuth (the latter names the pool).
pub async fn initiate_auth(c: &Cognate, r: InitiateAuthRequest, caller: Caller) -> Result<AuthResponse> {
    let outcome = c
        .initiate_auth(AuthRequest {
            pool_id: admin_pool(caller, r.user_pool_id)?,
            client_id: r.client_id,
            flow: r.auth_flow,
            parameters: r.auth_parameters.unwrap_or_default(),
            session: r.session,
            client_metadata: r.client_metadata.unwrap_or_default(),
        })
        .await?;
    Ok(outcome_out(outcome))
}

/// RespondToAuthChallenge and AdminRespondToAuthChallenge.
pub async fn respond_to_auth_challenge(
    c: &Cognate,
    r: RespondToAuthChallengeRequest,
    caller: Caller,
) -> Result<AuthResponse> {
    let outcome = c
        .respond_to_auth_challenge(ChallengeRequest {
            pool_id: admin_pool(caller, r.user_pool_id)?,
            client_id: r.client_id,
            challenge_name: r.challenge_name,
            session: r.session,
            responses: r.challenge_responses.unwrap_or_default(),
            client_metadata: r.client_metadata.unwrap_or_default(),
        })
        .await?;
    Ok(outcome_out(outcome))
}

pub async fn get_tokens_from_refresh_token(
    c: &Cognate,
    r: GetTokensFromRefreshTokenRequest,
) -> Result<GetTokensFromRefreshTokenResponse> {
    let tokens = c.get_tokens_from_refresh_token(&r.client_id, r.client_secret.as_deref(), &r.refresh_token).await?;
    Ok(GetTokensFromRefreshTokenResponse { authentication_result: tokens_out(tokens) })
}
