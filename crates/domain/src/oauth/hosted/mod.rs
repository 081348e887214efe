//! Signing in on the hosted pages and answering the authorize request: the password proven as
//! the API proves it (lockout, existence errors, auth events), a single-sign-on session of one
//! hour (not renewed) for the pool, and then a code for the client — or, for the implicit
//! flow, its tokens. Signing up and recovering a password are beside it.

mod recovery;
mod second_factor;
mod sign_up;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use cognate_crypto::{mac, random};

use super::authorize::{Authorization, AuthorizeError, ResponseType};
use crate::account::EventKind;
use cognate_proto::ChallengeName;

use crate::error::DomainError;
use crate::model::{AuthSession, User, UserStatus};
use crate::signin::ChallengeRequest;
use crate::tokens::Grant;
use crate::users::CodeDelivery;
use crate::{Cognate, UnixTime};

pub use sign_up::{sign_up_fields, HostedSignUp};

/// How long a hosted sign-in lasts: one hour, not renewed, as Cognito's managed login session.
pub const HOSTED_SESSION_SECONDS: i64 = 3600;
/// How long an authorization code lives: five minutes, once.
pub const CODE_SECONDS: i64 = 300;

/// `AuthSession.challenge` of a single-sign-on session.
pub(crate) const HOSTED_SESSION: &str = "HOSTED_SESSION";
pub(crate) use crate::model::AUTHORIZATION_CODE;

/// What a single-sign-on session remembers.
#[derive(Serialize, Deserialize)]
struct SessionData {
    auth_time: UnixTime,
}

/// What an authorization code is bound to, checked at the token endpoint.
#[derive(Serialize, Deserialize)]
pub(crate) struct CodeData {
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: UnixTime,
    /// The `origin_jti` of the tokens the code is exchanged for, chosen with the code: a replay
    /// of the spent code revokes them by it.
    #[serde(default = "cognate_crypto::random::uuid")]
    pub origin_jti: String,
}

/// The outcome of a sign-in on the hosted page.
#[derive(Debug, Clone)]
pub enum HostedSignIn {
    /// Signed in: send the browser to `location` and set the session cookie to `session`.
    Done { location: String, session: String },
    /// The user has a temporary password: show the new-password step with this challenge
    /// session and the attributes the pool requires that the user lacks.
    NewPasswordRequired { session: String, required_attributes: Vec<String> },
    /// The user has not confirmed the account: a new code went out; show the code form and set
    /// the pending-confirmation cookie to `pending`, so that the code signs the user in.
    ConfirmationRequired { delivery: CodeDelivery, pending: String },
    /// An administrator reset the password: a recovery code went out; show the form that sets a
    /// new password with it.
    ResetRequired { delivery: CodeDelivery },
    /// A second factor is called for: show the step of this challenge (a code to enter, a
    /// factor to choose, or a software token to set up), answered with this session.
    SecondFactor { challenge: ChallengeName, session: String, parameters: BTreeMap<String, String> },
}

impl Cognate {
    /// The sign-in form of `/login`: tokens are not minted here but at the token endpoint.
    pub async fn hosted_sign_in(
        &self,
        authorization: &Authorization,
        username: &str,
        password: &str,
    ) -> Result<HostedSignIn, DomainError> {
        let (pool, client) = (&authorization.pool, &authorization.client);
        let user = self.prove_password(pool, client, username, password, Some(&BTreeMap::new())).await?;
        if user.enabled && user.status == UserStatus::Unconfirmed {
            return self.confirmation_required(authorization, username, &user).await;
        }
        if user.enabled && user.status == UserStatus::ResetRequired {
            return self.reset_required(authorization, username).await;
        }
        let step = self.next_step(pool, client, user, None).await?;
        self.hosted_step(authorization, step).await
    }

    /// The new-password step of the hosted page, for a user an administrator created.
    pub async fn hosted_new_password(
        &self,
        authorization: &Authorization,
        session: &str,
        username: &str,
        new_password: &str,
        attributes: BTreeMap<String, String>,
    ) -> Result<HostedSignIn, DomainError> {
        let mut responses: BTreeMap<String, String> =
            attributes.into_iter().map(|(name, value)| (format!("userAttributes.{name}"), value)).collect();
        responses.insert("USERNAME".into(), username.to_owned());
        responses.insert("NEW_PASSWORD".into(), new_password.to_owned());
        let request = ChallengeRequest {
            pool_id: None,
            client_id: authorization.client.id.clone(),
            challenge_name: "NEW_PASSWORD_REQUIRED".into(),
            session: Some(session.to_owned()),
            responses,
            client_metadata: BTreeMap::new(),
        };
        // Checked as the API checks the challenge's answer; the page sends no secret hash.
        let (pool, client) = (&authorization.pool, &authorization.client);
        let user = self.apply_new_password(pool, client, &request).await?;
        let step = self.second_factor(pool, client, user, None).await?;
        self.hosted_step(authorization, step).await
    }

    pub(crate) async fn start_hosted_session(
        &self,
        authorization: &Authorization,
        user: User,
    ) -> Result<HostedSignIn, DomainError> {
        if !user.enabled {
            return Err(DomainError::not_authorized("User is disabled."));
        }
        match user.status {
            UserStatus::Confirmed | UserStatus::ExternalProvider => {}
            UserStatus::Unconfirmed => return Err(DomainError::UserNotConfirmed("User is not confirmed.".into())),
            UserStatus::ResetRequired => {
                return Err(DomainError::PasswordResetRequired("Password reset required for the user".into()))
            }
            UserStatus::ForceChangePassword => {
                return Err(DomainError::not_authorized("A new password is required."));
            }
        }
        self.post_authentication(&authorization.pool, &authorization.client, &user, false).await?;
        let now = self.clock.now();
        let session = random::opaque_token();
        let record = AuthSession {
            digest: mac::token_digest(&session),
            pool_id: user.pool_id.clone(),
            client_id: authorization.client.id.clone(),
            sub: user.sub.clone(),
            challenge: HOSTED_SESSION.into(),
            expires: now + HOSTED_SESSION_SECONDS,
            data: serde_json::to_string(&SessionData { auth_time: now }).map_err(DomainError::internal)?,
        };
        let event = self.auth_event(&user, EventKind::SignIn, true, Some(true));
        let location = match authorization.response_type {
            ResponseType::Code => {
                let (code, code_record) = self.new_code(authorization, &user, now)?;
                self.store.start_hosted_session(&record, Some(&code_record), Some(&event)).await?;
                authorization.answer(&[("code", &code)])
            }
            ResponseType::Token => {
                self.store.start_hosted_session(&record, None, Some(&event)).await?;
                self.implicit_answer(authorization, &user, now).await?
            }
        };
        Ok(HostedSignIn::Done { location, session })
    }

    /// Answers an authorize request from a live single-sign-on session (the cookie's value), or
    /// `None` when there is none for this pool: then the sign-in page is shown.
    pub async fn resume_hosted_session(
        &self,
        authorization: &Authorization,
        cookie: &str,
    ) -> Result<Option<String>, AuthorizeError> {
        let Some((session, user)) = self.live_hosted_session(&authorization.pool.id, cookie).await? else {
            return Ok(None);
        };
        let data: SessionData = serde_json::from_str(&session.data).map_err(DomainError::internal)?;
        let Some(user) = user else { return Ok(None) };
        // Federated users keep their single-sign-on session too, as on Cognito.
        if !user.enabled || !matches!(user.status, UserStatus::Confirmed | UserStatus::ExternalProvider) {
            return Ok(None);
        }
        let location = match authorization.response_type {
            ResponseType::Code => {
                let (code, record) = self.new_code(authorization, &user, data.auth_time)?;
                self.store.insert_session(&record, None).await?;
                authorization.answer(&[("code", &code)])
            }
            ResponseType::Token => self.implicit_answer(authorization, &user, data.auth_time).await?,
        };
        Ok(Some(location))
    }

    /// The signed-in user of the pool's single-sign-on session the cookie names (enabled and
    /// confirmed), for the pages that act for them (`/passkeys/add`).
    pub async fn hosted_session_user(&self, pool_id: &str, cookie: &str) -> Result<Option<User>, DomainError> {
        let Some((_, Some(user))) = self.live_hosted_session(pool_id, cookie).await? else { return Ok(None) };
        Ok((user.enabled && user.status == UserStatus::Confirmed).then_some(user))
    }

    /// Ends the single-sign-on session of `pool_id` that the cookie names, if any.
    pub async fn end_hosted_session(&self, pool_id: &str, cookie: &str) -> Result<(), DomainError> {
        if self.live_hosted_session(pool_id, cookie).await?.is_some() {
            self.store.delete_session(&mac::token_digest(cookie)).await?;
        }
        Ok(())
    }

    /// The pool's live single-sign-on session that the cookie names, with its user.
    async fn live_hosted_session(
        &self,
        pool_id: &str,
        cookie: &str,
    ) -> Result<Option<(AuthSession, Option<User>)>, DomainError> {
        if cookie.is_empty() || cookie.len() > 256 {
            return Ok(None);
        }
        let found = self.store.find_session(&mac::token_digest(cookie)).await?;
        let now = self.clock.now();
        Ok(found.filter(|(s, _)| s.challenge == HOSTED_SESSION && s.pool_id == pool_id && s.expires > now))
    }

    fn new_code(
        &self,
        authorization: &Authorization,
        user: &User,
        auth_time: UnixTime,
    ) -> Result<(String, AuthSession), DomainError> {
        let code = random::opaque_token();
        let data = CodeData {
            redirect_uri: authorization.redirect_uri.clone(),
            scopes: authorization.scopes.clone(),
            nonce: authorization.params.nonce.clone(),
            code_challenge: authorization.code_challenge.clone(),
            auth_time,
            origin_jti: random::uuid(),
        };
        let record = AuthSession {
            digest: mac::token_digest(&code),
            pool_id: user.pool_id.clone(),
            client_id: authorization.client.id.clone(),
            sub: user.sub.clone(),
            challenge: AUTHORIZATION_CODE.into(),
            expires: self.clock.now() + CODE_SECONDS,
            data: serde_json::to_string(&data).map_err(DomainError::internal)?,
        };
        Ok((code, record))
    }

    /// The implicit flow's answer: access and (with `openid`) id token in the fragment, never a
    /// refresh token.
    async fn implicit_answer(
        &self,
        authorization: &Authorization,
        user: &User,
        auth_time: UnixTime,
    ) -> Result<String, DomainError> {
        let grant = Grant::implicit(auth_time, authorization.scopes.clone(), authorization.params.nonce.clone());
        let tokens = self.issue_tokens(&authorization.pool, &authorization.client, user, grant, None).await?;
        let expires_in = tokens.expires_in.to_string();
        let mut pairs = vec![("access_token", tokens.access_token.as_str())];
        if let Some(id_token) = &tokens.id_token {
            pairs.push(("id_token", id_token));
        }
        pairs.extend([("token_type", "Bearer"), ("expires_in", expires_in.as_str())]);
        Ok(authorization.answer(&pairs))
    }
}
