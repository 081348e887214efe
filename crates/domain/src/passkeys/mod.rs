//! Passkeys (WebAuthn): the relying party a pool's passkeys are bound to, the registration of a
//! user's passkeys (Start/CompleteWebAuthnRegistration, List, Delete) and the WEB_AUTHN sign-in
//! challenge. webauthn-rs-core does the verification; this module shapes its documents as
//! Cognito does, keeps each challenge single-use and each signature counter rising, and maps
//! its errors to Cognito's exceptions.

mod registration;
mod signin;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use webauthn_rs_core::error::WebauthnError;
use webauthn_rs_core::proto::{Credential, UserVerificationPolicy};
use webauthn_rs_core::WebauthnCore;

use crate::error::{DomainError, Result};
use crate::model::{FirstFactor, Passkey, Pool};

pub use registration::{PasskeyPage, PasskeyView};
pub(crate) use signin::passkey_mfa;

/// The most passkeys one user may register (Cognito documents a cap without its number; 20 is
/// the figure commonly quoted, and a ListWebAuthnCredentials page holds 20).
pub const MAX_PASSKEYS_PER_USER: u32 = 20;

/// How long a registration or sign-in ceremony may take, as the options tell the browser
/// (Cognito's figures: 60 s to create, 180 s to assert).
const REGISTRATION_TIMEOUT_MS: u64 = 60_000;
const ASSERTION_TIMEOUT_MS: u64 = 180_000;

/// The relying party of a pool: its id, the verifier for it, and the user-verification policy.
pub(crate) struct RelyingParty {
    pub(crate) id: String,
    pub(crate) core: WebauthnCore,
    pub(crate) policy: UserVerificationPolicy,
}

impl RelyingParty {
    /// The pool's relying party: passkeys must be a first factor of the pool
    /// (WebAuthnNotEnabledException) and there must be an RP ID, configured or from the pool's
    /// domain (WebAuthnConfigurationMissingException).
    pub(crate) fn of(pool: &Pool, public_url: &str) -> Result<Self> {
        if !pool.settings.first_factors.contains(&FirstFactor::WebAuthn) {
            return Err(DomainError::WebAuthnNotEnabled(
                "Passkeys are not enabled for this user pool: add WEB_AUTHN to its SignInPolicy.AllowedFirstAuthFactors."
                    .into(),
            ));
        }
        let config = &pool.settings.mfa.web_authn;
        let public_host = || url::Url::parse(public_url).ok().and_then(|u| u.host_str().map(str::to_owned));
        let id = config
            .relying_party_id
            .clone()
            .or_else(|| pool.custom_domain.clone())
            .or_else(|| pool.domain.as_ref().and_then(|_| public_host()))
            .ok_or_else(|| {
                DomainError::WebAuthnConfigurationMissing(
                    "The user pool has no WebAuthn relying party: set WebAuthnConfiguration.RelyingPartyId or create a domain."
                        .into(),
                )
            })?;
        // Pages of the RP ID's host and its subdomains, on any port; plain HTTP only on localhost,
        // which browsers treat as a secure context.
        let mut origins = vec![];
        for scheme in if id == "localhost" { ["https", "http"].as_slice() } else { ["https"].as_slice() } {
            origins.push(url::Url::parse(&format!("{scheme}://{id}")).map_err(|_| invalid_rp_id(&id))?);
        }
        let core = WebauthnCore::new_unsafe_experts_only(
            &id,
            &id,
            origins,
            Duration::from_millis(REGISTRATION_TIMEOUT_MS),
            Some(true),
            Some(true),
        );
        let policy = if config.user_verification_required {
            UserVerificationPolicy::Required
        } else {
            UserVerificationPolicy::Preferred
        };
        Ok(Self { id, core, policy })
    }
}

fn invalid_rp_id(id: &str) -> DomainError {
    DomainError::invalid(format!("{id} is not a valid WebAuthn relying party id."))
}

/// Checks a RelyingPartyId as SetUserPoolMfaConfig takes it: 1 to 127 characters of a host name.
pub(crate) fn check_relying_party_id(id: &str) -> Result<()> {
    let host_like = !id.is_empty()
        && id.len() <= 127
        && id
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if !host_like || url::Url::parse(&format!("https://{id}")).is_err() {
        return Err(invalid_rp_id(id));
    }
    Ok(())
}

/// The browser's document did not parse (Cognito's words).
fn credential_invalid() -> DomainError {
    DomainError::invalid("Credential data is not valid")
}

/// A stored passkey as webauthn-rs-core verifies with it; the counter is the stored one.
fn verifier_credential(passkey: &Passkey) -> Result<Credential> {
    let mut credential: Credential = serde_json::from_str(&passkey.credential).map_err(DomainError::internal)?;
    credential.counter = passkey.sign_count;
    Ok(credential)
}

/// A credential id as Cognito shows it: base64url without padding.
fn credential_id(raw: &[u8]) -> String {
    B64URL.encode(raw)
}

/// The `challenge` a browser signed, from its clientDataJSON.
fn signed_challenge(client_data_json: &[u8]) -> Result<String> {
    let data: serde_json::Value = serde_json::from_slice(client_data_json).map_err(|_| credential_invalid())?;
    data.get("challenge").and_then(|c| c.as_str()).map(str::to_owned).ok_or_else(credential_invalid)
}

/// webauthn-rs-core's refusal as Cognito's exception.
fn ceremony_error(err: WebauthnError) -> DomainError {
    use WebauthnError::*;
    match err {
        InvalidRPOrigin | CredentialCrossOrigin => {
            DomainError::WebAuthnOriginNotAllowed("The origin is not allowed for this relying party.".into())
        }
        InvalidRPIDHash => {
            DomainError::WebAuthnRelyingPartyMismatch("The credential is for another relying party.".into())
        }
        MismatchedChallenge | ChallengeNotFound => {
            DomainError::WebAuthnChallengeNotFound("The WebAuthn challenge was not found or has expired.".into())
        }
        CredentialInsecureCryptography
        | COSEKeyInvalidAlgorithm
        | COSEKeyEDUnsupported
        | CredentialAlteredAlgFromRequest
        | AttestationNotSupported
        | AttestationStatementAlgInvalid => DomainError::WebAuthnCredentialNotSupported(
            "The credential's algorithm or format is not supported: ES256 and RS256 passkeys are.".into(),
        ),
        UserNotVerified => DomainError::not_authorized("User verification is required for this passkey."),
        UserNotPresent => DomainError::not_authorized("The authenticator did not confirm the user's presence."),
        CredentialPossibleCompromise => {
            DomainError::not_authorized("The passkey's signature counter did not advance: it may have been cloned.")
        }
        ParseCBORFailure(_)
        | ParseJSONFailure(_)
        | ParseNOMFailure
        | ParseInsufficientBytesAvailable
        | InvalidClientDataType
        | MissingAttestationCredentialData
        | COSEKeyInvalidCBORValue
        | COSEKeyInvalidType
        | COSEKeyECDSAXYInvalid
        | COSEKeyRSANEInvalid
        | COSEKeyECDSAInvalidCurve => credential_invalid(),
        other => {
            tracing::info!(error = ?other, "WebAuthn ceremony refused");
            DomainError::not_authorized("The passkey could not be verified.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relying_party_ids_are_host_names() {
        for good in ["localhost", "example.com", "auth.example-1.com"] {
            assert!(check_relying_party_id(good).is_ok(), "{good}");
        }
        for bad in ["", "https://example.com", "example.com:443", "a..b", "-a.com", "a b", &"a".repeat(128)] {
            assert!(check_relying_party_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passkeys_need_the_first_factor_and_a_relying_party() {
        let mut pool = crate::fixtures::pool();
        let url = "http://localhost:9229";
        assert!(matches!(RelyingParty::of(&pool, url), Err(DomainError::WebAuthnNotEnabled(_))));
        pool.settings.first_factors = vec![FirstFactor::Password, FirstFactor::WebAuthn];
        assert!(matches!(RelyingParty::of(&pool, url), Err(DomainError::WebAuthnConfigurationMissing(_))));
        pool.domain = Some("cruddur".into());
        assert_eq!(RelyingParty::of(&pool, url).map(|rp| rp.id).ok().as_deref(), Some("localhost"));
        pool.custom_domain = Some("auth.example.com".into());
        assert_eq!(RelyingParty::of(&pool, url).map(|rp| rp.id).ok().as_deref(), Some("auth.example.com"));
        pool.settings.mfa.web_authn.relying_party_id = Some("example.com".into());
        let rp = RelyingParty::of(&pool, url).ok();
        assert_eq!(rp.as_ref().map(|rp| rp.id.as_str()), Some("example.com"));
        assert_eq!(rp.map(|rp| rp.policy), Some(UserVerificationPolicy::Preferred));
    }
}
