//! Software tokens: AssociateSoftwareToken and VerifySoftwareToken (signed in, or with the
//! session of an MFA_SETUP challenge), the secret sealed at rest, and checking a code (RFC 6238,
//! one step of skew, each step's code accepted once).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cognate_crypto::{mac, seal, totp};
use cognate_proto::ChallengeName;

use super::challenge::MfaState;
use crate::error::{DomainError, Result};
use crate::model::{AuthSession, MfaFactor, Pool, User};
use crate::Cognate;

/// AssociateSoftwareToken's answer: the secret to show (as text or in a QR code), and with a
/// setup session, the session to verify with.
#[derive(Debug, Clone)]
pub struct TotpSetup {
    pub secret_code: String,
    pub session: Option<String>,
}

/// Who sets up a software token: a signed-in user, or a sign-in at its MFA_SETUP step.
enum Setter {
    Signed(User),
    Session { stored: AuthSession, user: User },
}

impl Setter {
    fn user(&self) -> &User {
        match self {
            Setter::Signed(user) | Setter::Session { user, .. } => user,
        }
    }
}

fn not_offered() -> DomainError {
    DomainError::SoftwareTokenMfaNotFound("Software Token MFA has not been enabled by the userPool.".into())
}

impl Cognate {
    fn totp_seal_key(&self) -> [u8; 32] {
        mac::hmac_sha256(&self.config.code_key, &[b"totp-secret-seal"])
    }

    fn seal_totp(&self, user: &User, secret: &str) -> Result<String> {
        let context = format!("{}/{}", user.pool_id, user.sub);
        let sealed = seal::seal(&self.totp_seal_key(), context.as_bytes(), secret.as_bytes())
            .ok_or_else(|| DomainError::internal("cannot seal a TOTP secret"))?;
        Ok(B64.encode(sealed))
    }

    fn open_totp(&self, user: &User, sealed: &str) -> Result<Vec<u8>> {
        let context = format!("{}/{}", user.pool_id, user.sub);
        let bytes = B64.decode(sealed).map_err(DomainError::internal)?;
        let text = seal::open(&self.totp_seal_key(), context.as_bytes(), &bytes)
            .ok_or_else(|| DomainError::internal("a TOTP secret does not open with this server's key"))?;
        let text = String::from_utf8(text).map_err(DomainError::internal)?;
        totp::decode_secret(&text).ok_or_else(|| DomainError::internal("a stored TOTP secret is not base32"))
    }

    /// Whether `code` is the current code of the sealed secret, and the first use of its step.
    pub(crate) async fn accept_totp(&self, user: &User, sealed: Option<&str>, code: &str) -> Result<bool> {
        let Some(sealed) = sealed else { return Ok(false) };
        let secret = self.open_totp(user, sealed)?;
        let Some(step) = totp::matching_step(&secret, code, self.clock.now()) else { return Ok(false) };
        Ok(self.store.claim_totp_step(&user.pool_id, &user.sub, step).await?)
    }

    /// The user an access token or an MFA_SETUP session names (exactly one of them).
    async fn setter(&self, access_token: Option<&str>, session: Option<&str>) -> Result<(Setter, Pool)> {
        match (access_token, session) {
            (Some(token), None) => {
                let (context, user) = self.token_user(token).await?;
                Ok((Setter::Signed(user), self.pool(&context.pool_id).await?))
            }
            (None, Some(session)) => {
                let invalid = || DomainError::not_authorized("Invalid session for the user.");
                if !(20..=2048).contains(&session.len()) {
                    return Err(invalid());
                }
                let (stored, user) = self.store.find_session(&mac::token_digest(session)).await?.ok_or_else(invalid)?;
                if stored.challenge != ChallengeName::MfaSetup.name() {
                    return Err(invalid());
                }
                if stored.expires <= self.clock.now() {
                    return Err(DomainError::not_authorized("Invalid session for the user, session is expired."));
                }
                let user = user.ok_or_else(invalid)?;
                let pool = self.pool(&stored.pool_id).await?;
                Ok((Setter::Session { stored, user }, pool))
            }
            _ => Err(DomainError::invalid("Exactly one of AccessToken and Session must be given.")),
        }
    }

    /// Replaces a setup session by a new one with `state`, expiring when the old one would: each
    /// step of the setup hands out a fresh session and the old one stops working.
    async fn renew_setup_session(&self, stored: &AuthSession, state: &MfaState) -> Result<String> {
        if self.store.take_session(&stored.digest).await?.is_none() {
            return Err(DomainError::not_authorized("Invalid session for the user, session can only be used once."));
        }
        let session = cognate_crypto::random::opaque_token();
        let renewed = AuthSession { digest: mac::token_digest(&session), data: state.write()?, ..stored.clone() };
        self.store.insert_session(&renewed, None).await?;
        Ok(session)
    }

    /// AssociateSoftwareToken: a new secret for the user, kept aside until it is verified (a
    /// token verified earlier keeps working until then).
    pub async fn associate_software_token(
        &self,
        access_token: Option<&str>,
        session: Option<&str>,
    ) -> Result<TotpSetup> {
        let (setter, pool) = self.setter(access_token, session).await?;
        if !pool.settings.mfa.software_token {
            return Err(not_offered());
        }
        let secret = totp::new_secret();
        let mut user = setter.user().clone();
        user.mfa.pending_totp_secret = Some(self.seal_totp(&user, &secret)?);
        user.modified = self.clock.now();
        self.store.update_user(&user, None).await?;
        let session = match &setter {
            Setter::Signed(_) => None,
            Setter::Session { stored, .. } => {
                Some(self.renew_setup_session(stored, &MfaState::read(&stored.data)?).await?)
            }
        };
        Ok(TotpSetup { secret_code: secret, session })
    }

    /// VerifySoftwareToken: the first code of the secret AssociateSoftwareToken gave makes it the
    /// user's software token. Signed in, the user then turns it on with SetUserMFAPreference; in
    /// an MFA_SETUP sign-in it is turned on (and preferred) at once, and the session returned
    /// finishes the sign-in.
    pub async fn verify_software_token(
        &self,
        access_token: Option<&str>,
        session: Option<&str>,
        code: &str,
        friendly_name: Option<&str>,
    ) -> Result<Option<String>> {
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::invalid(
                "1 validation error detected: Value at 'userCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+ and have length 6",
            ));
        }
        if friendly_name.is_some_and(|n| n.chars().count() > 131_072) {
            return Err(DomainError::invalid("FriendlyDeviceName is too long."));
        }
        let (setter, pool) = self.setter(access_token, session).await?;
        if !pool.settings.mfa.software_token {
            return Err(not_offered());
        }
        let mut user = setter.user().clone();
        let Some(pending) = user.mfa.pending_totp_secret.clone() else {
            return Err(DomainError::SoftwareTokenMfaNotFound(
                "Software Token MFA does not exist for the user.".into(),
            ));
        };
        if !self.accept_totp(&user, Some(&pending), code).await? {
            return Err(DomainError::EnableSoftwareTokenMfa(
                "Code mismatch and fail enable Software Token MFA mfa".into(),
            ));
        }
        user.mfa.totp_secret = Some(pending);
        user.mfa.pending_totp_secret = None;
        user.mfa.totp_name = friendly_name.map(str::to_owned);
        if let Setter::Session { .. } = setter {
            user.mfa.set_enabled(MfaFactor::SoftwareToken, true);
            user.mfa.preferred.get_or_insert(MfaFactor::SoftwareToken);
        }
        user.modified = self.clock.now();
        self.store.update_user(&user, None).await?;
        match &setter {
            Setter::Signed(_) => Ok(None),
            Setter::Session { stored, .. } => {
                let mut state = MfaState::read(&stored.data)?;
                state.totp_verified = true;
                Ok(Some(self.renew_setup_session(stored, &state).await?))
            }
        }
    }
}
