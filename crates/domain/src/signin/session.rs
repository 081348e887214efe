//! Challenge sessions: the opaque `Session` a challenge is answered with. Only its digest is
//! stored, with the challenge it answers, the client and user it was started for and the
//! challenge's state. A wrong answer leaves it in place for the client's retry (Amplify retries
//! with the same one); a right one takes it, once.

use cognate_crypto::{mac, random};
use cognate_proto::ChallengeName;

use crate::error::{DomainError, Result};
use crate::model::{AppClient, AuthSession, Pool, QueuedMessage, User};
use crate::Cognate;

/// The state of a challenge that keeps none.
pub(crate) const NO_STATE: &str = "{}";

pub(crate) fn invalid_session() -> DomainError {
    DomainError::not_authorized("Invalid session for the user.")
}

impl Cognate {
    /// Starts a session for `challenge`, valid for the client's AuthSessionValidity; returns the
    /// session to hand out.
    pub(crate) async fn open_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        challenge: ChallengeName,
        state: &str,
    ) -> Result<String> {
        self.open_challenge_sending(pool, client, user, challenge, state, None).await
    }

    /// [`Cognate::open_challenge`], with the message that carries the challenge's code queued in
    /// the same transaction.
    pub(crate) async fn open_challenge_sending(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        challenge: ChallengeName,
        state: &str,
        outgoing: Option<&QueuedMessage>,
    ) -> Result<String> {
        self.insert_challenge(pool, client, &user.sub, challenge, state, outgoing).await
    }

    /// Starts a session for the user `sub` names (empty for a user who does not exist yet,
    /// such as a wallet's first sign-in).
    pub(crate) async fn insert_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        sub: &str,
        challenge: ChallengeName,
        state: &str,
        outgoing: Option<&QueuedMessage>,
    ) -> Result<String> {
        let session = random::opaque_token();
        self.store
            .insert_session(
                &AuthSession {
                    digest: mac::token_digest(&session),
                    pool_id: pool.id.clone(),
                    client_id: client.id.clone(),
                    sub: sub.to_owned(),
                    challenge: challenge.name().into(),
                    expires: self.clock.now() + client.settings.auth_session_validity_minutes * 60,
                    data: state.to_owned(),
                },
                outgoing,
            )
            .await?;
        Ok(session)
    }

    /// A live session of `challenge` started for this client and the user `username` names,
    /// left in place.
    pub(crate) async fn peek_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        session: &str,
        challenge: ChallengeName,
        username: &str,
    ) -> Result<(AuthSession, User)> {
        if !(20..=2048).contains(&session.len()) {
            return Err(DomainError::invalid(
                "1 validation error detected: Value at 'session' failed to satisfy constraint: Member must have length between 20 and 2048",
            ));
        }
        let found = self.store.find_session(&mac::token_digest(session)).await?.ok_or_else(invalid_session)?;
        self.session_of(pool, client, found, challenge, username).await
    }

    /// Takes a session whose answer was right: a session taken meanwhile (a concurrent answer)
    /// is refused, so that it counts once.
    pub(crate) async fn take_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        session: &str,
        challenge: ChallengeName,
        username: &str,
    ) -> Result<(AuthSession, User)> {
        let taken = self.take_live_challenge(pool, client, session, challenge).await?;
        self.session_of(pool, client, taken, challenge, username).await
    }

    /// Takes a live session of `challenge` started for this client, with its user if it has one.
    pub(crate) async fn take_live_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        session: &str,
        challenge: ChallengeName,
    ) -> Result<(AuthSession, Option<User>)> {
        let taken = self.store.take_session(&mac::token_digest(session)).await?;
        let taken = taken.ok_or_else(|| {
            DomainError::not_authorized("Invalid session for the user, session can only be used once.")
        })?;
        self.check_challenge(pool, client, &taken.0, challenge)?;
        Ok(taken)
    }

    /// A stored session, if it is of `challenge` and this client, live, and for the user
    /// `username` names.
    async fn session_of(
        &self,
        pool: &Pool,
        client: &AppClient,
        (stored, user): (AuthSession, Option<User>),
        challenge: ChallengeName,
        username: &str,
    ) -> Result<(AuthSession, User)> {
        self.check_challenge(pool, client, &stored, challenge)?;
        let user = user.ok_or_else(invalid_session)?;
        if !self.names_user(pool, username, &user).await? {
            return Err(invalid_session());
        }
        Ok((stored, user))
    }

    fn check_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        stored: &AuthSession,
        challenge: ChallengeName,
    ) -> Result<()> {
        if stored.client_id != client.id || stored.pool_id != pool.id || stored.challenge != challenge.name() {
            return Err(invalid_session());
        }
        if stored.expires <= self.clock.now() {
            return Err(DomainError::not_authorized("Invalid session for the user, session is expired."));
        }
        Ok(())
    }
}
