//! The account's lifecycle around sign-in: lockout, auth events, sign-out and token revocation,
//! self-deletion, and the admin's enable / disable.

use cognate_crypto::{mac, random};

use crate::error::{DomainError, Result};
use crate::model::{AuthEvent, Pool, User};
use crate::tokens::AccessContext;
use crate::Cognate;

/// Failed sign-ins tolerated before the account is locked.
pub const LOCKOUT_THRESHOLD: u32 = 5;
/// The longest lock (Cognito's curve tops out at about 15 minutes).
pub const LOCKOUT_MAX_SECONDS: i64 = 900;

/// Cognito's lockout curve: after the 5th consecutive failure, 2^(n-5) seconds, up to 15 minutes.
pub fn lockout_seconds(failures: u32) -> Option<i64> {
    let over = failures.checked_sub(LOCKOUT_THRESHOLD)?;
    Some(if over >= 10 { LOCKOUT_MAX_SECONDS } else { (1i64 << over).min(LOCKOUT_MAX_SECONDS) })
}

/// What happened, for the audit trail.
#[derive(Debug, Clone, Copy)]
pub(crate) enum EventKind {
    SignIn,
    SignUp,
    ForgotPassword,
    PasswordChange,
    ResendCode,
    SignOut,
}

impl EventKind {
    fn name(self) -> &'static str {
        match self {
            EventKind::SignIn => "SignIn",
            EventKind::SignUp => "SignUp",
            EventKind::ForgotPassword => "ForgotPassword",
            EventKind::PasswordChange => "PasswordChange",
            EventKind::ResendCode => "ResendCode",
            EventKind::SignOut => "SignOut",
        }
    }
}

impl Cognate {
    /// Records an auth event (AdminListUserAuthEvents) and logs it. Failing to record is logged,
    /// never turned into a failure of the action itself.
    pub(crate) async fn record_event(&self, user: &User, kind: EventKind, passed: bool, password: Option<bool>) {
        let event = self.auth_event(user, kind, passed, password);
        if let Err(e) = self.store.record_auth_event(&user.pool_id, &user.sub, &event).await {
            tracing::error!(error = %e, "cannot record auth event");
        }
    }

    /// An auth event, logged to the audit log; the caller stores it.
    pub(crate) fn auth_event(&self, user: &User, kind: EventKind, passed: bool, password: Option<bool>) -> AuthEvent {
        let event = AuthEvent {
            event_id: random::uuid(),
            event_type: kind.name().into(),
            created: self.clock.now(),
            response: if passed { "Pass" } else { "Fail" }.into(),
            challenges: password
                .map(|ok| vec![("Password".to_owned(), if ok { "Success" } else { "Failure" }.to_owned())])
                .unwrap_or_default(),
        };
        tracing::info!(target: "cognate::audit", pool_id = %user.pool_id, sub = %user.sub, event = kind.name(),
            response = %event.response, "auth event");
        event
    }

    /// Refuses a locked account; otherwise nothing.
    pub(crate) fn check_lockout(&self, user: &User) -> Result<()> {
        match user.locked_until {
            Some(until) if until > self.clock.now() => Err(DomainError::not_authorized("Password attempts exceeded")),
            _ => Ok(()),
        }
    }

    /// A wrong password (or SRP proof): counts towards the lockout, records the failed event, and
    /// gives the error to answer with.
    pub(crate) async fn wrong_password(&self, user: &User, kind: EventKind) -> DomainError {
        let event = self.auth_event(user, kind, false, Some(false));
        self.failed_factor(user, event, DomainError::incorrect_credentials()).await
    }

    /// Any factor that failed (a password, a code, a passkey): counted towards the lockout and
    /// `event` recorded; gives `err` to answer with (or the store's failure).
    pub(crate) async fn failed_factor(&self, user: &User, event: AuthEvent, err: DomainError) -> DomainError {
        let counted =
            self.store.record_sign_in_failure(&user.pool_id, &user.sub, self.clock.now(), &lockout_seconds).await;
        if let Err(e) = self.store.record_auth_event(&user.pool_id, &user.sub, &event).await {
            tracing::error!(error = %e, "cannot record auth event");
        }
        match counted {
            Ok(_) => err,
            Err(e) => e.into(),
        }
    }

    /// Clears the failure count after a right password, if there is one to clear.
    pub(crate) async fn password_succeeded(&self, user: &User) -> Result<()> {
        if user.failed_sign_ins > 0 || user.locked_until.is_some() {
            self.store.reset_sign_in_failures(&user.pool_id, &user.sub).await?;
        }
        Ok(())
    }

    /// The bearer of an access token, who must still exist and be enabled.
    pub(crate) async fn token_user(&self, access_token: &str) -> Result<(AccessContext, User)> {
        let context = self.authenticate_access_token(access_token).await?;
        let user =
            self.store.get_user(&context.pool_id, &context.sub).await?.ok_or_else(DomainError::user_not_found)?;
        if !user.enabled {
            return Err(DomainError::not_authorized("User is disabled."));
        }
        Ok((context, user))
    }

    /// Revokes every refresh token of a user and the access tokens minted from them.
    async fn sign_out_everywhere(&self, user: &User, reason: &str) -> Result<()> {
        self.store.revoke_user_tokens(&user.pool_id, &user.sub, reason, self.clock.now()).await?;
        self.record_event(user, EventKind::SignOut, true, None).await;
        Ok(())
    }

    /// GlobalSignOut: the bearer's tokens, everywhere, stop working.
    pub async fn global_sign_out(&self, access_token: &str) -> Result<()> {
        let (_, user) = self.token_user(access_token).await?;
        self.sign_out_everywhere(&user, "GlobalSignOut").await
    }

    /// AdminUserGlobalSignOut.
    pub async fn admin_user_global_sign_out(&self, pool_id: &str, username: &str) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        let user = self.existing_user(&pool, username).await?;
        self.sign_out_everywhere(&user, "AdminUserGlobalSignOut").await
    }

    /// RevokeToken: revokes a refresh token and the access tokens minted from it. An unknown
    /// token is not an error (RFC 7009); a token of another client is.
    pub async fn revoke_token(&self, client_id: &str, client_secret: Option<&str>, token: &str) -> Result<()> {
        let (_, client) = self.client(client_id).await?;
        if client.secret.is_some() {
            let presented = client_secret.unwrap_or_default();
            if !client.secret_matches(presented) {
                return Err(DomainError::not_authorized(format!(
                    "Unable to verify secret hash for client {client_id}"
                )));
            }
        }
        if !client.settings.enable_token_revocation {
            return Err(DomainError::Unsupported("Token revocation is not enabled for this client.".into()));
        }
        if token.split('.').count() == 3 {
            return Err(DomainError::UnsupportedTokenType("Only refresh tokens can be revoked.".into()));
        }
        let digest = mac::token_digest(token);
        let Some((record, _)) = self.store.find_refresh_token(&digest).await? else { return Ok(()) };
        if record.client_id != client.id {
            return Err(DomainError::Unauthorized("The token was not issued to this client.".into()));
        }
        self.store.revoke_refresh_token(&digest, self.clock.now()).await?;
        Ok(())
    }

    /// DeleteUser: the bearer deletes their own account.
    pub async fn delete_user(&self, access_token: &str) -> Result<()> {
        let (context, user) = self.token_user(access_token).await?;
        self.store.delete_user(&context.pool_id, &user.sub, "DeleteUser", self.clock.now()).await?;
        Ok(())
    }

    /// AdminDisableUser: the user cannot sign in or refresh, and their tokens are revoked.
    pub async fn admin_disable_user(&self, pool_id: &str, username: &str) -> Result<()> {
        self.set_enabled(pool_id, username, false).await
    }

    /// AdminEnableUser.
    pub async fn admin_enable_user(&self, pool_id: &str, username: &str) -> Result<()> {
        self.set_enabled(pool_id, username, true).await
    }

    async fn set_enabled(&self, pool_id: &str, username: &str, enabled: bool) -> Result<()> {
        let pool: Pool = self.pool(pool_id).await?;
        let mut user = self.existing_user(&pool, username).await?;
        user.enabled = enabled;
        user.modified = self.clock.now();
        self.store.update_user(&user, None).await?;
        if !enabled {
            self.store.revoke_user_tokens(&user.pool_id, &user.sub, "AdminDisableUser", self.clock.now()).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_follows_cognitos_curve() {
        assert_eq!(lockout_seconds(4), None);
        assert_eq!(lockout_seconds(5), Some(1));
        assert_eq!(lockout_seconds(6), Some(2));
        assert_eq!(lockout_seconds(9), Some(16));
        assert_eq!(lockout_seconds(14), Some(512));
        assert_eq!(lockout_seconds(15), Some(900));
        assert_eq!(lockout_seconds(400), Some(900));
    }
}
