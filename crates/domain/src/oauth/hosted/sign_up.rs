//! Signing up on the hosted pages: the account made as SignUp makes it, its code confirmed or
//! sent again, and the user signed in once confirmed when this browser signed up (or proved the
//! password) a moment before, as Cognito's hosted UI does.

use std::collections::BTreeMap;

use cognate_crypto::{mac, random};

use super::{HostedSignIn, HOSTED_SESSION_SECONDS};
use crate::error::DomainError;
use crate::model::{AuthSession, Pool, User};
use crate::oauth::Authorization;
use crate::users::{CodeDelivery, SignUpInput};
use crate::Cognate;

/// `AuthSession.challenge` of a pending confirmation: this browser knows the new user's
/// password, so confirming the code signs it in.
pub(crate) const PENDING_CONFIRMATION: &str = "HOSTED_PENDING_CONFIRMATION";

/// A sign-up on the hosted page, waiting for its code.
#[derive(Debug, Clone)]
pub struct HostedSignUp {
    /// Where the code went, masked; `None` when the pool verifies nothing automatically (an
    /// administrator confirms the user).
    pub delivery: Option<CodeDelivery>,
    /// The pending-confirmation cookie's value.
    pub pending: String,
    /// Whether the account is confirmed already (the pool's PreSignUp trigger confirmed it).
    pub confirmed: bool,
}

/// What the sign-up form asks for besides the password: the label of its username field, and
/// the attributes the pool requires or verifies (not the one the username already is).
pub fn sign_up_fields(pool: &Pool) -> (&'static str, Vec<String>) {
    let by = |a: &str| pool.username_attributes.iter().any(|x| x == a);
    let label = match (by("email"), by("phone_number")) {
        (true, true) => "Email or phone number",
        (true, false) => "Email",
        (false, true) => "Phone number",
        (false, false) => "Username",
    };
    let mut fields: Vec<String> = pool
        .schema
        .iter()
        .filter(|a| a.required && a.name != "sub")
        .map(|a| a.name.clone())
        .chain(pool.settings.auto_verified_attributes.iter().cloned())
        .filter(|name| !by(name))
        .collect();
    fields.sort();
    fields.dedup();
    (label, fields)
}

impl Cognate {
    /// The sign-up form of `/signup`: the pool's rules apply as for SignUp; the page is the
    /// client, so no secret hash is asked for.
    pub async fn hosted_sign_up(
        &self,
        authorization: &Authorization,
        username: &str,
        password: &str,
        attributes: Vec<(String, String)>,
    ) -> Result<HostedSignUp, DomainError> {
        let input = SignUpInput {
            client_id: authorization.client.id.clone(),
            secret_hash: None,
            username: username.to_owned(),
            password: Some(password.to_owned()),
            attributes,
            ..SignUpInput::default()
        };
        let (outcome, user) = self.sign_up_with(&authorization.pool, &authorization.client, input).await?;
        let pending = self.remember_pending_confirmation(authorization, &user).await?;
        Ok(HostedSignUp { delivery: outcome.delivery, pending, confirmed: outcome.confirmed })
    }

    /// The code form of `/confirm`. Signs the user in (`Some`) when `pending` is the cookie this
    /// browser got on signing up as that user; otherwise the user signs in again (`None`).
    pub async fn hosted_confirm_sign_up(
        &self,
        authorization: &Authorization,
        username: &str,
        code: &str,
        pending: Option<&str>,
    ) -> Result<Option<HostedSignIn>, DomainError> {
        let user = self
            .confirm_sign_up_with(&authorization.pool, &authorization.client, username, code, &BTreeMap::new())
            .await?;
        let Some(pending) = pending.filter(|p| !p.is_empty() && p.len() <= 256) else { return Ok(None) };
        // Taken in one round trip, so it signs in once: the cookie is this browser's own, and
        // one that names another user or has expired is spent all the same.
        let now = self.clock.now();
        let ours = self.store.take_session(&mac::token_digest(pending)).await?.is_some_and(|(session, _)| {
            session.challenge == PENDING_CONFIRMATION
                && session.pool_id == user.pool_id
                && session.sub == user.sub
                && session.expires > now
        });
        if !ours {
            return Ok(None);
        }
        self.start_hosted_session(authorization, user).await.map(Some)
    }

    /// `/confirmUser`: the link of a sign-up email (CONFIRM_WITH_LINK) confirms the account, by
    /// the same rules as ConfirmSignUp; the user signs in afterwards. `served_pool` is the pool
    /// whose domain the request came to, if any.
    pub async fn confirm_user_by_link(
        &self,
        client_id: &str,
        username: &str,
        code: &str,
        served_pool: Option<&str>,
    ) -> Result<(), DomainError> {
        let (pool, client) = self.client_served(client_id, served_pool).await?;
        self.confirm_sign_up_with(&pool, &client, username, code, &BTreeMap::new()).await.map(|_| ())
    }

    /// `/resendcode`: a new confirmation code, the old one stops working.
    pub async fn hosted_resend_code(
        &self,
        authorization: &Authorization,
        username: &str,
    ) -> Result<Option<CodeDelivery>, DomainError> {
        let none = std::collections::BTreeMap::new();
        self.resend_confirmation_code_with(&authorization.pool, &authorization.client, username, &none).await
    }

    /// A sign-in with the right password by a user who has not confirmed yet: a new code, and
    /// the pending confirmation that signs them in once it is entered.
    pub(super) async fn confirmation_required(
        &self,
        authorization: &Authorization,
        username: &str,
        user: &User,
    ) -> Result<HostedSignIn, DomainError> {
        let delivery = match self.hosted_resend_code(authorization, username).await {
            Ok(Some(delivery)) => delivery,
            // Nothing to send a code to: only an administrator can confirm this user.
            Ok(None) | Err(DomainError::InvalidParameter(_)) => {
                return Err(DomainError::UserNotConfirmed("User is not confirmed.".into()))
            }
            Err(err) => return Err(err),
        };
        let pending = self.remember_pending_confirmation(authorization, user).await?;
        Ok(HostedSignIn::ConfirmationRequired { delivery, pending })
    }

    async fn remember_pending_confirmation(
        &self,
        authorization: &Authorization,
        user: &User,
    ) -> Result<String, DomainError> {
        let pending = random::opaque_token();
        self.store
            .insert_session(
                &AuthSession {
                    digest: mac::token_digest(&pending),
                    pool_id: user.pool_id.clone(),
                    client_id: authorization.client.id.clone(),
                    sub: user.sub.clone(),
                    challenge: PENDING_CONFIRMATION.into(),
                    expires: self.clock.now() + HOSTED_SESSION_SECONDS,
                    data: "{}".into(),
                },
                None,
            )
            .await?;
        Ok(pending)
    }
}
