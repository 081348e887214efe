//! Signing in straight after sign-up (Amplify's autoSignIn with USER_AUTH): SignUp and
//! ConfirmSignUp hand out a `Session` to a client that allows USER_AUTH, and InitiateAuth with
//! USER_AUTH and that Session signs the just-confirmed user in without asking again (the code
//! that confirmed them proved the email or phone, the password was just chosen). Each session
//! names one user and one client, expires with the client's AuthSessionValidity and works once.

use crate::error::{DomainError, Result};
use crate::model::{AppClient, AuthSession, Pool, User, UserStatus};
use crate::signin::AuthOutcome;
use crate::Cognate;
use cognate_crypto::{mac, random};

/// The `challenge` column of such a session (it answers no challenge).
const SIGN_UP_SESSION: &str = "SIGN_UP";

fn invalid_session() -> DomainError {
    DomainError::not_authorized("Invalid session for the user.")
}

impl Cognate {
    /// A session that signs `user` in after sign-up, for a client that allows USER_AUTH.
    pub(crate) async fn open_sign_up_session(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
    ) -> Result<Option<String>> {
        if !client.allows("ALLOW_USER_AUTH") {
            return Ok(None);
        }
        let session = random::opaque_token();
        let stored = AuthSession {
            digest: mac::token_digest(&session),
            pool_id: pool.id.clone(),
            client_id: client.id.clone(),
            sub: user.sub.clone(),
            challenge: SIGN_UP_SESSION.into(),
            expires: self.clock.now() + client.settings.auth_session_validity_minutes * 60,
            data: super::session::NO_STATE.into(),
        };
        self.store.insert_session(&stored, None).await?;
        Ok(Some(session))
    }

    /// A sign-up session, left in place: live, of this client and of `user`. ConfirmSignUp
    /// checks the one SignUp gave when the client passes it on.
    pub(crate) async fn check_sign_up_session(
        &self,
        pool: &Pool,
        client: &AppClient,
        session: &str,
        user: &User,
    ) -> Result<()> {
        let (stored, _) = self.store.find_session(&mac::token_digest(session)).await?.ok_or_else(invalid_session)?;
        self.sign_up_session_of(pool, client, &stored, user)
    }

    fn sign_up_session_of(&self, pool: &Pool, client: &AppClient, stored: &AuthSession, user: &User) -> Result<()> {
        let ours = stored.challenge == SIGN_UP_SESSION
            && stored.pool_id == pool.id
            && stored.client_id == client.id
            && stored.sub == user.sub;
        if !ours {
            return Err(invalid_session());
        }
        if stored.expires <= self.clock.now() {
            return Err(DomainError::not_authorized("Invalid session for the user, session is expired."));
        }
        Ok(())
    }

    /// InitiateAuth USER_AUTH with a sign-up session: the session spent, then what follows a
    /// proven first factor (MFA a pool requires follows). An account not confirmed yet is
    /// refused and keeps its session, which works once it is.
    pub(super) async fn sign_in_after_sign_up(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        session: &str,
    ) -> Result<AuthOutcome> {
        let user = self.find_user(pool, username).await?.ok_or_else(invalid_session)?;
        self.check_lockout(&user)?;
        // Checked before it is taken: a session presented by another client or for another
        // user is refused without being spent.
        self.check_sign_up_session(pool, client, session, &user).await?;
        if user.status == UserStatus::Unconfirmed {
            return Err(DomainError::UserNotConfirmed("User is not confirmed.".into()));
        }
        let (stored, _) = self.store.take_session(&mac::token_digest(session)).await?.ok_or_else(invalid_session)?;
        self.sign_up_session_of(pool, client, &stored, &user)?;
        self.complete_sign_in(pool, client, user, None).await
    }
}
