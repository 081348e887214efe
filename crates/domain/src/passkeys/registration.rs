//! A user's passkeys: StartWebAuthnRegistration (the creation options as Cognito shapes them),
//! CompleteWebAuthnRegistration (the browser's answer verified against the pending challenge,
//! which is single-use and bound to the user and the app client), ListWebAuthnCredentials and
//! DeleteWebAuthnCredential.

use base64::Engine;
use cognate_crypto::mac;
use serde::Deserialize;
use serde_json::{json, Value};
use webauthn_rs_core::proto::{AttestationConveyancePreference, COSEAlgorithm, RegisterPublicKeyCredential};

use super::{
    ceremony_error, credential_id, credential_invalid, signed_challenge, RelyingParty, B64URL, MAX_PASSKEYS_PER_USER,
    REGISTRATION_TIMEOUT_MS,
};
use crate::error::{DomainError, Result};
use crate::model::{AuthSession, Passkey, Pool, User};
use crate::{Cognate, StoreError};

/// The `challenge` column of a pending registration (it is no sign-in challenge).
const PENDING_REGISTRATION: &str = "WEB_AUTHN_REGISTRATION";

/// How long a registration's challenge waits for its answer: the browser's timeout and the
/// time to send the answer.
const PENDING_SECONDS: i64 = 300;

/// A passkey as ListWebAuthnCredentials shows it.
#[derive(Debug, Clone)]
pub struct PasskeyView {
    pub credential_id: String,
    pub name: String,
    pub relying_party_id: String,
    pub attachment: Option<String>,
    pub transports: Vec<String>,
    pub created: i64,
}

/// A page of ListWebAuthnCredentials.
#[derive(Debug, Clone)]
pub struct PasskeyPage {
    pub credentials: Vec<PasskeyView>,
    pub next: Option<String>,
}

/// The key a pending registration is found by: its challenge, which the browser signs into
/// clientDataJSON. Only a digest is stored.
fn pending_digest(challenge: &str) -> String {
    mac::token_digest(&format!("webauthn-registration:{challenge}"))
}

fn too_many_passkeys() -> DomainError {
    DomainError::LimitExceeded(format!(
        "A user can register at most {MAX_PASSKEYS_PER_USER} passkeys; delete one first."
    ))
}

fn challenge_not_found() -> DomainError {
    DomainError::WebAuthnChallengeNotFound("The WebAuthn registration challenge was not found or has expired.".into())
}

/// FriendlyCredentialName: what kind of authenticator it is, as the browser said.
fn friendly_name(attachment: Option<&str>) -> String {
    match attachment {
        Some("platform") => "Platform passkey".into(),
        Some("cross-platform") => "Security key".into(),
        _ => "Passkey".into(),
    }
}

/// Cognito's CredentialCreationOptions from webauthn-rs-core's: the user's display name empty,
/// a resident key required, no attestation asked for.
fn cognito_creation_options(mut options: Value) -> Value {
    if let Some(doc) = options.as_object_mut() {
        for absent in ["attestation", "extensions", "hints", "attestationFormats"] {
            doc.remove(absent);
        }
        doc.insert("timeout".into(), json!(REGISTRATION_TIMEOUT_MS));
    }
    options["user"]["displayName"] = json!("");
    options
}

/// `user.name` of the creation options, which authenticators show in their account list: the
/// email or phone number a pool signs people in with (its usernames are then opaque ids), else
/// the username.
fn account_name(pool: &Pool, user: &User) -> String {
    pool.username_attributes
        .iter()
        .find_map(|attribute| user.attributes.get(attribute))
        .unwrap_or(&user.username)
        .clone()
}

impl Cognate {
    /// StartWebAuthnRegistration: the options for `navigator.credentials.create`, the user's
    /// passkeys excluded; the challenge waits for CompleteWebAuthnRegistration.
    pub async fn start_web_authn_registration(&self, access_token: &str) -> Result<Value> {
        let (context, user) = self.token_user(access_token).await?;
        let pool = self.pool(&context.pool_id).await?;
        self.start_passkey_registration(&pool, &context.client_id, &user).await
    }

    /// StartWebAuthnRegistration for `user`, started through the app client `client_id` (the
    /// API's bearer, or the hosted page `/passkeys/add` with its session).
    pub async fn start_passkey_registration(&self, pool: &Pool, client_id: &str, user: &User) -> Result<Value> {
        let rp = RelyingParty::of(pool, &self.config.public_url)?;
        let existing = self.store.list_passkeys(&pool.id, &user.sub, None, MAX_PASSKEYS_PER_USER).await?;
        if existing.len() >= MAX_PASSKEYS_PER_USER as usize {
            return Err(too_many_passkeys());
        }
        let exclude = existing.iter().filter_map(|p| B64URL.decode(&p.credential_id).ok()).collect();
        let name = account_name(pool, user);
        let builder = rp
            .core
            .new_challenge_register_builder(user.sub.as_bytes(), &name, &name)
            .map_err(DomainError::internal)?
            .attestation(AttestationConveyancePreference::None)
            .user_verification_policy(rp.policy)
            .exclude_credentials(Some(exclude))
            .credential_algorithms(vec![COSEAlgorithm::ES256, COSEAlgorithm::RS256])
            .require_resident_key(true);
        let (options, state) = rp.core.generate_challenge_register(builder).map_err(DomainError::internal)?;
        let options =
            cognito_creation_options(serde_json::to_value(&options.public_key).map_err(DomainError::internal)?);
        let challenge = options["challenge"].as_str().ok_or_else(|| DomainError::internal("no challenge"))?;
        let pending = AuthSession {
            digest: pending_digest(challenge),
            pool_id: pool.id.clone(),
            client_id: client_id.to_owned(),
            sub: user.sub.clone(),
            challenge: PENDING_REGISTRATION.into(),
            expires: self.clock.now() + PENDING_SECONDS,
            data: serde_json::to_string(&state).map_err(DomainError::internal)?,
        };
        self.store.insert_session(&pending, None).await?;
        Ok(options)
    }

    /// CompleteWebAuthnRegistration: the browser's RegistrationResponseJSON, verified against
    /// the challenge it signed (this user's, started by this app client, live, used once), the
    /// origin and RP ID, user presence and verification; the passkey is then the user's.
    pub async fn complete_web_authn_registration(&self, access_token: &str, credential: &Value) -> Result<()> {
        let (context, user) = self.token_user(access_token).await?;
        let pool = self.pool(&context.pool_id).await?;
        self.complete_passkey_registration(&pool, &context.client_id, &user, credential).await
    }

    /// CompleteWebAuthnRegistration for `user`, answered through the app client `client_id`.
    pub async fn complete_passkey_registration(
        &self,
        pool: &Pool,
        client_id: &str,
        user: &User,
        credential: &Value,
    ) -> Result<()> {
        let rp = RelyingParty::of(pool, &self.config.public_url)?;
        let answer = RegisterPublicKeyCredential::deserialize(credential).map_err(|_| credential_invalid())?;
        let digest = pending_digest(&signed_challenge(&answer.response.client_data_json)?);
        let (pending, _) = self.store.find_session(&digest).await?.ok_or_else(challenge_not_found)?;
        let live = pending.challenge == PENDING_REGISTRATION && pending.expires > self.clock.now();
        if !live || pending.pool_id != pool.id || pending.sub != user.sub {
            return Err(challenge_not_found());
        }
        if pending.client_id != client_id {
            return Err(DomainError::WebAuthnClientMismatch(
                "The registration was started by another app client.".into(),
            ));
        }
        let state = serde_json::from_str(&pending.data).map_err(DomainError::internal)?;
        let verified = rp.core.register_credential(&answer, &state, None).map_err(ceremony_error)?;
        // Used once: a second answer to the same challenge finds nothing.
        self.store.take_session(&digest).await?.ok_or_else(challenge_not_found)?;
        let attachment = credential.get("authenticatorAttachment").and_then(Value::as_str).map(str::to_owned);
        let transports = credential["response"]["transports"]
            .as_array()
            .map(|list| list.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        let passkey = Passkey {
            pool_id: pool.id.clone(),
            sub: user.sub.clone(),
            credential_id: credential_id(&verified.cred_id),
            relying_party_id: rp.id,
            name: friendly_name(attachment.as_deref()),
            attachment,
            transports,
            sign_count: verified.counter,
            credential: serde_json::to_string(&verified).map_err(DomainError::internal)?,
            created: self.clock.now(),
            last_used: None,
        };
        match self.store.insert_passkey(&passkey, MAX_PASSKEYS_PER_USER).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(too_many_passkeys()),
            Err(StoreError::Conflict(_)) => Err(DomainError::invalid("This passkey is already registered.")),
            Err(other) => Err(other.into()),
        }
    }

    /// ListWebAuthnCredentials: the bearer's passkeys, `max_results` (1 to 20) a page.
    pub async fn list_web_authn_credentials(
        &self,
        access_token: &str,
        next: Option<&str>,
        max_results: Option<i64>,
    ) -> Result<PasskeyPage> {
        let limit = match max_results {
            None | Some(0) => MAX_PASSKEYS_PER_USER,
            Some(n @ 1..=20) => n as u32,
            Some(n) => {
                return Err(DomainError::invalid(format!(
                    "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20"
                )))
            }
        };
        if next.is_some_and(|n| n.is_empty() || B64URL.decode(n).is_err()) {
            return Err(DomainError::invalid("Invalid pagination token."));
        }
        let (_, user) = self.token_user(access_token).await?;
        let mut rows = self.store.list_passkeys(&user.pool_id, &user.sub, next, limit + 1).await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = if more { rows.last().map(|p| p.credential_id.clone()) } else { None };
        let credentials = rows
            .into_iter()
            .map(|p| PasskeyView {
                credential_id: p.credential_id,
                name: p.name,
                relying_party_id: p.relying_party_id,
                attachment: p.attachment,
                transports: p.transports,
                created: p.created,
            })
            .collect();
        Ok(PasskeyPage { credentials, next })
    }

    /// DeleteWebAuthnCredential: a passkey of the bearer's stops signing anyone in.
    pub async fn delete_web_authn_credential(&self, access_token: &str, credential_id: &str) -> Result<()> {
        let (_, user) = self.token_user(access_token).await?;
        if !self.store.delete_passkey(&user.pool_id, &user.sub, credential_id).await? {
            return Err(DomainError::ResourceNotFound("The credential does not exist.".into()));
        }
        Ok(())
    }
}
