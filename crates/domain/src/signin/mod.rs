//! The sign-in state machine: InitiateAuth and RespondToAuthChallenge (public and admin). Each
//! flow and challenge has its module; [`next`] decides, once and for every flow, what follows a
//! proven first factor (tokens, a new password, or a second factor).

mod after_sign_up;
mod choice;
mod custom;
mod new_password;
mod next;
mod password;
mod refresh;
pub(crate) mod session;
pub(crate) mod srp;

use std::collections::BTreeMap;

use cognate_proto::{AuthFlow, ChallengeName};

use crate::clients::check_secret_hash;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool};
use crate::tokens::IssuedTokens;
use crate::Cognate;

pub(crate) use next::{challenge_of, Step};
pub(crate) use refresh::{allows_refresh, RefreshSecret};

/// InitiateAuth or AdminInitiateAuth.
#[derive(Debug, Clone, Default)]
pub struct AuthRequest {
    /// Set for AdminInitiateAuth (the caller signed the request).
    pub pool_id: Option<String>,
    pub client_id: String,
    pub flow: String,
    pub parameters: BTreeMap<String, String>,
    /// USER_AUTH only: the Session of SignUp or ConfirmSignUp, which signs the new user in.
    pub session: Option<String>,
    /// ClientMetadata: PreAuthentication and UserMigration see it as `validationData`.
    pub client_metadata: BTreeMap<String, String>,
}

/// RespondToAuthChallenge or AdminRespondToAuthChallenge.
#[derive(Debug, Clone, Default)]
pub struct ChallengeRequest {
    /// Set for AdminRespondToAuthChallenge.
    pub pool_id: Option<String>,
    pub client_id: String,
    pub challenge_name: String,
    pub session: Option<String>,
    pub responses: BTreeMap<String, String>,
    /// ClientMetadata, for the custom-auth triggers.
    pub client_metadata: BTreeMap<String, String>,
}

impl ChallengeRequest {
    /// What every answer to a challenge with a session carries: its responses, USERNAME (with
    /// the client's SECRET_HASH checked against it) and the challenge's Session.
    pub(crate) fn answer(&self, client: &AppClient) -> Result<(&BTreeMap<String, String>, &str, &str)> {
        let responses = &self.responses;
        let username = required(responses, "USERNAME")?;
        check_secret_hash(client, username, responses.get("SECRET_HASH").map(String::as_str))?;
        let session =
            self.session.as_deref().ok_or_else(|| DomainError::invalid("Missing required parameter Session"))?;
        Ok((responses, username, session))
    }
}

/// Tokens, or the next challenge to answer.
#[derive(Debug, Clone)]
pub enum AuthOutcome {
    Tokens(IssuedTokens),
    Challenge {
        name: ChallengeName,
        session: Option<String>,
        parameters: BTreeMap<String, String>,
    },
    /// USER_AUTH without a preference: SELECT_CHALLENGE, with the first factors on offer.
    SelectChallenge {
        session: String,
        available: Vec<ChallengeName>,
    },
}

/// A sign-in for a user the pool does not know: "User does not exist.", or under
/// PreventUserExistenceErrors the answer a wrong password gets.
pub(crate) fn unknown_user(client: &AppClient) -> DomainError {
    if client.settings.prevent_user_existence_errors {
        DomainError::incorrect_credentials()
    } else {
        DomainError::user_not_found()
    }
}

pub(crate) fn required<'a>(params: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| DomainError::invalid(format!("Missing required parameter {name}")))
}

impl Cognate {
    pub(crate) async fn resolve_client(&self, pool_id: Option<&str>, client_id: &str) -> Result<(Pool, AppClient)> {
        match pool_id {
            Some(pool_id) => {
                self.pool(pool_id).await?;
                self.client_in_pool(pool_id, client_id).await
            }
            None => self.client(client_id).await,
        }
    }

    /// InitiateAuth / AdminInitiateAuth.
    pub async fn initiate_auth(&self, request: AuthRequest) -> Result<AuthOutcome> {
        let (pool, client) = self.resolve_client(request.pool_id.as_deref(), &request.client_id).await?;
        let admin = request.pool_id.is_some();
        let params = &request.parameters;
        let flow = AuthFlow::from_name(&request.flow).ok_or_else(|| {
            DomainError::invalid(format!(
                "1 validation error detected: Value '{}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: {}",
                request.flow,
                AuthFlow::enum_set()
            ))
        })?;
        match flow {
            AuthFlow::UserPasswordAuth if !admin => {
                if !client.allows("ALLOW_USER_PASSWORD_AUTH") {
                    return Err(DomainError::invalid("USER_PASSWORD_AUTH flow not enabled for this client"));
                }
                self.password_sign_in(&pool, &client, false, params, &request.client_metadata).await
            }
            AuthFlow::AdminUserPasswordAuth | AuthFlow::AdminNoSrpAuth if admin => {
                if !client.allows("ALLOW_ADMIN_USER_PASSWORD_AUTH") {
                    return Err(DomainError::invalid("Auth flow not enabled for this client"));
                }
                self.password_sign_in(&pool, &client, true, params, &request.client_metadata).await
            }
            AuthFlow::RefreshTokenAuth | AuthFlow::RefreshToken => self.refresh_flow(&pool, &client, params).await,
            AuthFlow::UserSrpAuth => {
                let legacy = client.settings.explicit_auth_flows.iter().all(|f| !f.starts_with("ALLOW_"));
                let custom_only = client.settings.explicit_auth_flows.iter().any(|f| f == "CUSTOM_AUTH_FLOW_ONLY");
                if !(client.allows("ALLOW_USER_SRP_AUTH") || legacy && !custom_only) {
                    return Err(DomainError::invalid("USER_SRP_AUTH flow not enabled for this client"));
                }
                self.srp_start(&pool, &client, params, &request.client_metadata).await
            }
            AuthFlow::UserAuth => {
                self.user_auth_start(
                    &pool,
                    &client,
                    admin,
                    params,
                    request.session.as_deref(),
                    &request.client_metadata,
                )
                .await
            }
            AuthFlow::CustomAuth => self.custom_start(&pool, &client, params, &request.client_metadata).await,
            AuthFlow::UserPasswordAuth | AuthFlow::AdminUserPasswordAuth | AuthFlow::AdminNoSrpAuth => {
                Err(DomainError::invalid("Initiate Auth method not supported."))
            }
        }
    }

    /// RespondToAuthChallenge / AdminRespondToAuthChallenge.
    pub async fn respond_to_auth_challenge(&self, request: ChallengeRequest) -> Result<AuthOutcome> {
        let (pool, client) = self.resolve_client(request.pool_id.as_deref(), &request.client_id).await?;
        let admin = request.pool_id.is_some();
        let challenge = ChallengeName::from_name(&request.challenge_name).ok_or_else(|| {
            DomainError::invalid(format!(
                "1 validation error detected: Value '{}' at 'challengeName' failed to satisfy constraint: Member must satisfy enum value set: {}",
                request.challenge_name,
                ChallengeName::enum_set()
            ))
        })?;
        match challenge {
            ChallengeName::NewPasswordRequired => self.answer_new_password(&pool, &client, &request).await,
            ChallengeName::PasswordVerifier => {
                self.srp_verify(&pool, &client, admin, &request.responses, &request.client_metadata).await
            }
            ChallengeName::CustomChallenge => self.answer_custom_challenge(&pool, &client, &request).await,
            ChallengeName::SmsMfa
            | ChallengeName::SoftwareTokenMfa
            | ChallengeName::EmailOtp
            | ChallengeName::SmsOtp => {
                let answered = self.answer_mfa_code(&pool, &client, challenge, &request).await?;
                if answered.first_factor {
                    return self
                        .signed_in_without_password(&pool, &client, &answered.user, answered.device, false)
                        .await;
                }
                self.signed_in_with_mfa(&pool, &client, &answered.user, answered.device.as_ref()).await
            }
            ChallengeName::SelectChallenge => self.answer_first_factor_choice(&pool, &client, admin, &request).await,
            ChallengeName::SelectMfaType => self.answer_mfa_selection(&pool, &client, &request).await,
            ChallengeName::MfaSetup => match self.answer_mfa_setup(&pool, &client, &request).await? {
                (Step::Done(user), device) => self.signed_in_with_mfa(&pool, &client, &user, device.as_ref()).await,
                (Step::Challenge(outcome), _) => Ok(outcome),
            },
            ChallengeName::DeviceSrpAuth => self.answer_device_srp(&pool, &client, &request).await,
            ChallengeName::DevicePasswordVerifier => {
                self.answer_device_password_verifier(&pool, &client, &request).await
            }
            ChallengeName::WebAuthn => self.answer_passkey(&pool, &client, admin, &request).await,
            ChallengeName::Password | ChallengeName::PasswordSrp | ChallengeName::AdminNoSrpAuth => {
                Err(DomainError::Unsupported(format!(
                    "The {} challenge is not supported by Cognate yet.",
                    request.challenge_name
                )))
            }
        }
    }
}
