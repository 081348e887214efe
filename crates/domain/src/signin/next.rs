//! The one place that decides what follows a proven first factor: the account's state (not
//! confirmed, reset, a temporary password), then the second factor the pool and the user call
//! for, then tokens.

use cognate_proto::ChallengeName;

use super::AuthOutcome;
use crate::account::EventKind;
use crate::devices::{DeviceIntent, TokenDevice};
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool, User, UserStatus};
use crate::tokens::Grant;
use crate::triggers::TokenSource;
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
    /// error. `device` is what the sign-in does about devices (see [`DeviceIntent`]).
    pub(crate) async fn complete_sign_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: User,
        device: Option<DeviceIntent>,
    ) -> Result<AuthOutcome> {
        match self.next_step(pool, client, user, device.as_ref()).await? {
            Step::Done(user) => self.signed_in(pool, client, &user, false, device.as_ref()).await,
            Step::Challenge(outcome) => Ok(outcome),
        }
    }

    /// What follows a proven password.
    pub(crate) async fn next_step(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: User,
        device: Option<&DeviceIntent>,
    ) -> Result<Step> {
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
            UserStatus::Confirmed => self.second_factor(pool, client, user, device).await,
        }
    }

    /// What a confirmed user whose password is proven answers next: the second factor the pool
    /// and the user call for, or nothing. A remembered device stands in for an SMS or TOTP
    /// code when the pool says so (it proves itself before tokens are issued).
    pub(crate) async fn second_factor(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: User,
        device: Option<&DeviceIntent>,
    ) -> Result<Step> {
        if let Some(device) = device {
            device.check_owner(&user)?;
        }
        let replaced = device.is_some_and(|d| d.replaces_mfa(pool));
        match crate::mfa::mfa_step(pool, &user).filter(|step| !(replaced && step.device_may_replace())) {
            None => {
                self.password_succeeded(&user).await?;
                Ok(Step::Done(user))
            }
            Some(step) => Ok(Step::Challenge(self.start_mfa(pool, client, &user, step, device.cloned()).await?)),
        }
    }

    /// What ends a sign-in whose every factor passed (`mfa`: a second factor was among them):
    /// tokens (naming a new device when the pool tracks them), or first the proof of the
    /// device the client named.
    pub(crate) async fn signed_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        mfa: bool,
        device: Option<&DeviceIntent>,
    ) -> Result<AuthOutcome> {
        let new_device = match device {
            Some(DeviceIntent::Known { key, .. }) => return self.device_challenge(pool, client, user, key, mfa).await,
            Some(DeviceIntent::New) => Some(self.new_device_key(pool, user)),
            None => None,
        };
        self.sign_in_tokens(pool, client, user, mfa, new_device, TokenSource::Authentication).await
    }

    /// The tokens of a finished sign-in (`source` as the pre-token trigger is told), naming `device` (its key in the access token; when
    /// new, also its metadata for ConfirmDevice).
    pub(crate) async fn sign_in_tokens(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        mfa: bool,
        device: Option<TokenDevice>,
        source: TokenSource,
    ) -> Result<AuthOutcome> {
        self.post_authentication(pool, client, user, matches!(device, Some(TokenDevice::New(_)))).await?;
        let mut event = self.auth_event(user, EventKind::SignIn, true, Some(true));
        if mfa {
            event.challenges.push(("Mfa".into(), "Success".into()));
        }
        let mut grant = Grant::api_sign_in(self.clock.now()).from(source);
        grant.device_key = device.as_ref().map(|d| d.key().to_owned());
        let mut tokens = self.issue_tokens(pool, client, user, grant, Some(event)).await?;
        if let Some(TokenDevice::New(new)) = device {
            tokens.new_device = Some(new);
        }
        Ok(AuthOutcome::Tokens(tokens))
    }

    /// What follows a second factor that passed: the failure count is cleared only now.
    pub(crate) async fn signed_in_with_mfa(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        device: Option<&DeviceIntent>,
    ) -> Result<AuthOutcome> {
        self.password_succeeded(user).await?;
        self.signed_in(pool, client, user, true, device).await
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
