//! The one place that decides what follows a proven first factor: the account's state (not
//! confirmed, reset, a temporary password), then the second factor the pool and the user call
//! for, then tokens.

use cognate_proto::ChallengeName;

use super::AuthOutcome;
use crate::account::EventKind;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool, User, UserStatus};
use crate::tokens::Grant;
use crate::Cognate;

/// Where a sign-in stands after a factor: done, or a challenge to answer first. Short-lived, so
/// the user is not boxed.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Step {
    /// Every factor the account calls for is proven: issue tokens (or a hosted session).
    Done(User),
    Challenge(AuthOutcome),
}

impl Cognate {
    /// After a proven password: the account's state decides between tokens, a challenge and an
    /// error.
    pub(crate) async fn complete_sign_in(&self, pool: &Pool, client: &AppClient, user: User) -> Result<AuthOutcome> {
        match self.next_step(pool, client, user).await? {
            Step::Done(user) => self.signed_in(pool, client, &user, false).await,
            Step::Challenge(outcome) => Ok(outcome),
        }
    }

    /// What follows a proven password.
    pub(crate) async fn next_step(&self, pool: &Pool, client: &AppClient, user: User) -> Result<Step> {
        if !user.enabled {
            return Err(DomainError::not_authorized("User is disabled."));
        }
        match user.status {
            UserStatus::Unconfirmed => Err(DomainError::UserNotConfirmed("User is not confirmed.".into())),
            // Federated users sign in through their provider only (they have no password).
            UserStatus::ExternalProvider => Err(DomainError::not_authorized("Incorrect username or password.")),
            UserStatus::ResetRequired => {
                Err(DomainError::PasswordResetRequired("Password reset required for the user".into()))
            }
            UserStatus::ForceChangePassword => {
                if user.temporary_password_expires.is_some_and(|t| t <= self.clock.now()) {
                    return Err(DomainError::not_authorized(
                        "Temporary password has expired and must be reset by an administrator.",
                    ));
                }
                Ok(Step::Challenge(self.new_password_challenge(pool, client, &user).await?))
            }
            UserStatus::Confirmed => self.second_factor(pool, client, user).await,
        }
    }

    /// What a confirmed user whose password is proven answers next: the second factor the pool
    /// and the user call for, or nothing.
    pub(crate) async fn second_factor(&self, pool: &Pool, client: &AppClient, user: User) -> Result<Step> {
        match crate::mfa::mfa_step(pool, &user) {
            None => {
                self.password_succeeded(&user).await?;
                Ok(Step::Done(user))
            }
            Some(step) => Ok(Step::Challenge(self.start_mfa(pool, client, &user, step).await?)),
        }
    }

    /// Tokens for a sign-in whose every factor passed (`mfa`: a second factor was among them).
    pub(crate) async fn signed_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        mfa: bool,
    ) -> Result<AuthOutcome> {
        let mut event = self.auth_event(user, EventKind::SignIn, true, Some(true));
        if mfa {
            event.challenges.push(("Mfa".into(), "Success".into()));
        }
        let grant = Grant::api_sign_in(self.clock.now());
        Ok(AuthOutcome::Tokens(self.issue_tokens(pool, client, user, grant, Some(event)).await?))
    }

    /// Tokens after a second factor passed: the failure count is cleared only now.
    pub(crate) async fn signed_in_with_mfa(&self, pool: &Pool, client: &AppClient, user: &User) -> Result<AuthOutcome> {
        self.password_succeeded(user).await?;
        self.signed_in(pool, client, user, true).await
    }
}

/// The challenge name a sign-in answers with for a factor.
pub(crate) fn challenge_of(factor: crate::model::MfaFactor) -> ChallengeName {
    match factor {
        crate::model::MfaFactor::Sms => ChallengeName::SmsMfa,
        crate::model::MfaFactor::SoftwareToken => ChallengeName::SoftwareTokenMfa,
        crate::model::MfaFactor::Email => ChallengeName::EmailOtp,
    }
}
