//! The WEB_AUTHN sign-in challenge: CREDENTIAL_REQUEST_OPTIONS naming the user's passkeys, and
//! the CREDENTIAL answer verified against a fresh copy of the passkey it names (so that a passkey
//! deleted meanwhile signs nobody in), its counter moved on atomically, the session spent.

use std::collections::BTreeMap;

use cognate_proto::ChallengeName;
use serde_json::{json, Value};
use webauthn_rs_core::proto::{AuthenticationState, PublicKeyCredential, UserVerificationPolicy};

use super::{
    ceremony_error, credential_id, credential_invalid, verifier_credential, RelyingParty, ASSERTION_TIMEOUT_MS,
    MAX_PASSKEYS_PER_USER,
};
use crate::account::EventKind;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool, User};
use crate::signin::{required, AuthOutcome, ChallengeRequest};
use crate::Cognate;

/// Whether `user`'s passkey sign-ins count as two factors: the pool allows it
/// (MULTI_FACTOR_WITH_USER_VERIFICATION) and the user turned it on (WebAuthnMfaSettings).
pub(crate) fn passkey_mfa(pool: &Pool, user: &User) -> bool {
    pool.settings.mfa.web_authn.multi_factor_with_user_verification && user.mfa.web_authn
}

/// Cognito's CREDENTIAL_REQUEST_OPTIONS from webauthn-rs-core's request options.
fn cognito_request_options(mut options: Value) -> Value {
    if let Some(doc) = options.as_object_mut() {
        doc.remove("extensions");
        doc.insert("hints".into(), json!([]));
        doc.insert("attestation".into(), json!("none"));
        doc.insert("attestationFormats".into(), json!([]));
        doc.insert("timeout".into(), json!(ASSERTION_TIMEOUT_MS));
        if let Some(allowed) = doc.get_mut("allowCredentials").and_then(Value::as_array_mut) {
            for credential in allowed.iter_mut().filter_map(Value::as_object_mut) {
                credential.remove("transports");
            }
        }
    }
    options
}

impl Cognate {
    /// Whether `user` has a passkey in `pool` that USER_AUTH could offer (one indexed read).
    pub(crate) async fn has_passkey(&self, user: &User) -> Result<bool> {
        Ok(!self.store.list_passkeys(&user.pool_id, &user.sub, None, 1).await?.is_empty())
    }

    /// The WEB_AUTHN challenge: a session keeping the assertion state, and the request options
    /// for `navigator.credentials.get` naming the user's passkeys.
    pub(crate) async fn start_passkey_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
    ) -> Result<AuthOutcome> {
        let rp = RelyingParty::of(pool, &self.config.public_url)?;
        let passkeys = self.store.list_passkeys(&pool.id, &user.sub, None, MAX_PASSKEYS_PER_USER).await?;
        let credentials = passkeys.iter().map(verifier_credential).collect::<Result<Vec<_>>>()?;
        if credentials.is_empty() {
            return Err(DomainError::invalid("The challenge WEB_AUTHN is not available to this user."));
        }
        // A user whose passkey counts as two factors must be verified by it.
        let policy = if passkey_mfa(pool, user) { UserVerificationPolicy::Required } else { rp.policy };
        let builder =
            rp.core.new_challenge_authenticate_builder(credentials, Some(policy)).map_err(DomainError::internal)?;
        let (options, mut state) = rp.core.generate_challenge_authenticate(builder).map_err(DomainError::internal)?;
        // The passkeys are read afresh when the answer comes: the session keeps the challenge only.
        state.set_allowed_credentials(Vec::new());
        let state = serde_json::to_string(&state).map_err(DomainError::internal)?;
        let session = self.open_challenge(pool, client, user, ChallengeName::WebAuthn, &state).await?;
        let options =
            cognito_request_options(serde_json::to_value(&options.public_key).map_err(DomainError::internal)?);
        let parameters = BTreeMap::from([
            ("CREDENTIAL_REQUEST_OPTIONS".to_owned(), options.to_string()),
            ("USERNAME".to_owned(), user.username.clone()),
        ]);
        Ok(AuthOutcome::Challenge { name: ChallengeName::WebAuthn, session: Some(session), parameters })
    }

    /// The WEB_AUTHN answer: CREDENTIAL, the browser's AuthenticationResponseJSON as a string.
    pub(crate) async fn answer_passkey(
        &self,
        pool: &Pool,
        client: &AppClient,
        admin: bool,
        request: &ChallengeRequest,
    ) -> Result<AuthOutcome> {
        let (user, counts_as_mfa) = self.verify_passkey_answer(pool, client, request).await?;
        let device = self.device_intent(pool, admin, request.responses.get("DEVICE_KEY").map(String::as_str)).await?;
        self.signed_in_without_password(pool, client, &user, device, counts_as_mfa).await
    }

    /// Checks a WEB_AUTHN answer: the user it signs in, and whether the passkey counted as two
    /// factors. A refused assertion counts towards the lockout and leaves the session for another
    /// try with a new assertion; an accepted one spends the session, so it cannot be replayed.
    pub(crate) async fn verify_passkey_answer(
        &self,
        pool: &Pool,
        client: &AppClient,
        request: &ChallengeRequest,
    ) -> Result<(User, bool)> {
        let (responses, username, session) = request.answer(client)?;
        let rp = RelyingParty::of(pool, &self.config.public_url)?;
        let (stored, user) = self.peek_challenge(pool, client, session, ChallengeName::WebAuthn, username).await?;
        self.check_lockout(&user)?;
        let assertion: PublicKeyCredential =
            serde_json::from_str(required(responses, "CREDENTIAL")?).map_err(|_| credential_invalid())?;
        let state: AuthenticationState = serde_json::from_str(&stored.data).map_err(DomainError::internal)?;
        let id = credential_id(&assertion.raw_id);
        // Only this user's passkeys: another user's credential is as unknown as a stranger's.
        let Some(passkey) = self.store.get_passkey(&pool.id, &user.sub, &id).await? else {
            let err = DomainError::not_authorized("The passkey is not registered for this user.");
            return Err(self.refused_passkey(&user, err).await);
        };
        if assertion.get_user_unique_id().is_some_and(|handle| handle != user.sub.as_bytes()) {
            let err = DomainError::not_authorized("The passkey belongs to another user.");
            return Err(self.refused_passkey(&user, err).await);
        }
        let verified = match rp.core.authenticate_single_credential(&assertion, &state, &verifier_credential(&passkey)?)
        {
            Ok(verified) => verified,
            Err(err) => return Err(self.refused_passkey(&user, ceremony_error(err)).await),
        };
        // The counter moves on atomically: a cloned authenticator, or a concurrent use of this
        // one, cannot pass the same value twice.
        if !self.store.passkey_used(&pool.id, &user.sub, &id, verified.counter(), self.clock.now()).await? {
            let err = DomainError::not_authorized(
                "The passkey's signature counter did not advance: it may have been cloned.",
            );
            return Err(self.refused_passkey(&user, err).await);
        }
        let (_, user) = self.take_challenge(pool, client, session, ChallengeName::WebAuthn, username).await?;
        let counts_as_mfa = passkey_mfa(pool, &user) && verified.user_verified();
        if pool.settings.mfa_configuration == "ON" && !counts_as_mfa {
            return Err(DomainError::not_authorized("This user pool requires MFA: the passkey must verify the user."));
        }
        // Whether the account may still sign in (enabled, confirmed) is the caller's next check.
        Ok((user, counts_as_mfa))
    }

    /// A refused assertion: counted towards the lockout and recorded, then `err` to answer.
    async fn refused_passkey(&self, user: &User, err: DomainError) -> DomainError {
        let mut event = self.auth_event(user, EventKind::SignIn, false, None);
        event.challenges.push(("WebAuthn".into(), "Failure".into()));
        self.failed_factor(user, event, err).await
    }
}
