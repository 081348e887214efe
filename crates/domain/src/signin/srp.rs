//! SRP sign-in (USER_SRP_AUTH then PASSWORD_VERIFIER), the flow Amplify and
//! amazon-cognito-identity-js use by default. The password never crosses the wire; the server
//! proves nothing but checks the client's proof against the user's sealed verifier.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cognate_crypto::srp::{claim_signature, parse_timestamp, ServerSession};
use cognate_crypto::{constant_time_eq, mac, random, seal};
use serde::{Deserialize, Serialize};

use crate::account::EventKind;
use cognate_proto::ChallengeName;

use super::{required, AuthOutcome};
use crate::clients::check_secret_hash;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, AuthSession, Pool, User};
use crate::triggers::ChallengeResult;
use crate::{srp_pool_name, Cognate};

/// How far a client's TIMESTAMP may be from ours.
const MAX_CLOCK_SKEW: i64 = 15 * 60;
const CHALLENGE: ChallengeName = ChallengeName::PasswordVerifier;

/// The server's state between the two steps, kept in the challenge session.
#[derive(Serialize, Deserialize)]
pub(crate) struct SrpState {
    b: String,
    big_b: String,
    big_a: String,
    /// In a custom-auth sign-in (CUSTOM_WITH_SRP): the challenges answered so far, which the
    /// password's proof continues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    custom: Option<Vec<ChallengeResult>>,
}

impl SrpState {
    /// The server's half of an exchange against verifier `v` for the client's `a`: the state to
    /// keep, and B to send.
    pub(crate) async fn start(v: Vec<u8>, a: &[u8]) -> Result<(Self, Vec<u8>)> {
        let server = tokio::task::spawn_blocking(move || ServerSession::start(&v, random::key_bytes()))
            .await
            .map_err(DomainError::internal)?
            .map_err(DomainError::internal)?;
        let state = Self {
            b: hex::encode(server.secret()),
            big_b: hex::encode(&server.public_b),
            big_a: hex::encode(a),
            custom: None,
        };
        Ok((state, server.public_b))
    }

    /// Whether the client's claim holds: `signature` (base64) is the HMAC, under the key both
    /// sides derive from the exchange, of `pool_name | username | secret block | timestamp`.
    pub(crate) async fn claim_holds(
        &self,
        v: Vec<u8>,
        pool_name: &str,
        username: &str,
        secret_block: &str,
        timestamp: &str,
        signature: &str,
    ) -> Result<bool> {
        let decode = |h: &str| hex::decode(h).map_err(DomainError::internal);
        let (b, big_b, big_a) = (decode(&self.b)?, decode(&self.big_b)?, decode(&self.big_a)?);
        let b: [u8; 32] = b.try_into().map_err(|_| DomainError::internal("corrupt SRP state"))?;
        let key = tokio::task::spawn_blocking(move || ServerSession::resume(b, big_b).key(&big_a, &v))
            .await
            .map_err(DomainError::internal)?
            .map_err(|_| DomainError::invalid("SRP_A is not a valid public value."))?;
        let Ok(block) = B64.decode(secret_block) else { return Ok(false) };
        let expected = claim_signature(&key, pool_name, username, &block, timestamp);
        let presented = B64.decode(signature).unwrap_or_default();
        Ok(constant_time_eq(&expected, &presented))
    }
}

/// A claim's TIMESTAMP, checked against the server's clock.
pub(crate) fn check_timestamp(timestamp: &str, now: i64) -> Result<()> {
    let signed_at = parse_timestamp(timestamp).ok_or_else(|| DomainError::invalid("TIMESTAMP is not a valid date."))?;
    if (signed_at - now).abs() > MAX_CLOCK_SKEW {
        return Err(DomainError::not_authorized("TIMESTAMP is too far from the server's time."));
    }
    Ok(())
}

/// The client's SRP_A parameter.
pub(crate) fn client_public_value(params: &BTreeMap<String, String>) -> Result<Vec<u8>> {
    parse_hex(required(params, "SRP_A")?).ok_or_else(|| DomainError::invalid("SRP_A is not a hexadecimal number."))
}

pub(crate) fn parse_hex(value: &str) -> Option<Vec<u8>> {
    if value.is_empty() || value.len() > 2048 {
        return None;
    }
    if value.len() % 2 == 1 {
        hex::decode(format!("0{value}")).ok()
    } else {
        hex::decode(value).ok()
    }
}

pub(crate) fn hex_number(bytes: &[u8]) -> String {
    let text = hex::encode(bytes);
    let trimmed = text.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".into()
    } else {
        trimmed.into()
    }
}

impl Cognate {
    fn verifier_of(&self, user: &User) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        let Some(srp) = &user.srp else { return Ok(None) };
        let key = mac::hmac_sha256(&self.config.code_key, &[b"srp-verifier-seal"]);
        let context = format!("{}/{}", user.pool_id, user.sub);
        let v = seal::open(&key, context.as_bytes(), &srp.sealed)
            .ok_or_else(|| DomainError::internal("an SRP verifier does not open with this server's key"))?;
        Ok(Some((srp.salt.clone(), v)))
    }

    /// USER_SRP_AUTH: answers the client's A with the salt, B and a secret block.
    pub(super) async fn srp_start(
        &self,
        pool: &Pool,
        client: &AppClient,
        params: &BTreeMap<String, String>,
        validation_data: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        let username = required(params, "USERNAME")?;
        let a = client_public_value(params)?;
        check_secret_hash(client, username, params.get("SECRET_HASH").map(String::as_str))?;
        let user = match self.find_user(pool, username).await? {
            Some(user) => user,
            None if client.settings.prevent_user_existence_errors => {
                // A challenge that looks real; no session exists, so any answer fails.
                let mut parameters = BTreeMap::new();
                parameters.insert("SALT".into(), hex_number(&random::key_bytes()[..16]));
                let fake_b: Vec<u8> = (0..12).flat_map(|_| random::key_bytes()).collect();
                parameters.insert("SRP_B".into(), hex_number(&fake_b));
                parameters.insert("SECRET_BLOCK".into(), B64.encode(random::key_bytes()));
                parameters.insert("USERNAME".into(), username.to_owned());
                parameters.insert("USER_ID_FOR_SRP".into(), username.to_owned());
                return Ok(AuthOutcome::Challenge { name: CHALLENGE, session: None, parameters });
            }
            None => return Err(DomainError::user_not_found()),
        };
        self.check_lockout(&user)?;
        self.pre_authentication(pool, client, &user, validation_data).await?;
        self.srp_challenge(pool, client, &user, &a, None).await
    }

    /// PASSWORD_VERIFIER's parameters for `user` and the client's A, its state kept under the
    /// secret block; `custom` is the history of a custom-auth sign-in the proof continues.
    pub(crate) async fn srp_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        a: &[u8],
        custom: Option<Vec<ChallengeResult>>,
    ) -> Result<AuthOutcome> {
        let Some((salt, v)) = self.verifier_of(user)? else {
            // Set before this server could make verifiers: USER_PASSWORD_AUTH still works, and
            // makes one on success.
            return Err(DomainError::incorrect_credentials());
        };
        let secret_block = B64.encode(random::key_bytes());
        let (mut state, public_b) = SrpState::start(v, a).await?;
        state.custom = custom;
        self.store
            .insert_session(
                &AuthSession {
                    digest: mac::token_digest(&secret_block),
                    pool_id: pool.id.clone(),
                    client_id: client.id.clone(),
                    sub: user.sub.clone(),
                    challenge: CHALLENGE.name().into(),
                    expires: self.clock.now() + client.settings.auth_session_validity_minutes * 60,
                    data: serde_json::to_string(&state).map_err(DomainError::internal)?,
                },
                None,
            )
            .await?;
        let mut parameters = BTreeMap::new();
        parameters.insert("SALT".into(), hex_number(&salt));
        parameters.insert("SRP_B".into(), hex_number(&public_b));
        parameters.insert("SECRET_BLOCK".into(), secret_block);
        parameters.insert("USERNAME".into(), user.username.clone());
        parameters.insert("USER_ID_FOR_SRP".into(), user.username.clone());
        Ok(AuthOutcome::Challenge { name: CHALLENGE, session: None, parameters })
    }

    /// PASSWORD_VERIFIER: checks the client's proof; a wrong one is a failed sign-in.
    pub(super) async fn srp_verify(
        &self,
        pool: &Pool,
        client: &AppClient,
        admin: bool,
        responses: &BTreeMap<String, String>,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        let username = required(responses, "USERNAME")?;
        let secret_block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = required(responses, "PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = required(responses, "TIMESTAMP")?;
        check_secret_hash(client, username, responses.get("SECRET_HASH").map(String::as_str))?;
        // Before the session is taken: amazon-cognito-identity-js answers "Device does not
        // exist." by sending the same claim again without DEVICE_KEY.
        let device = self.device_intent(pool, admin, responses.get("DEVICE_KEY").map(String::as_str)).await?;
        let taken = self.store.take_session(&mac::token_digest(secret_block)).await?;
        let Some((stored, user)) =
            taken.filter(|(s, _)| s.challenge == CHALLENGE.name() && s.client_id == client.id && s.pool_id == pool.id)
        else {
            return Err(DomainError::incorrect_credentials());
        };
        let now = self.clock.now();
        if stored.expires <= now {
            return Err(DomainError::not_authorized("Invalid session for the user, session is expired."));
        }
        let user = user.ok_or_else(DomainError::incorrect_credentials)?;
        if !self.names_user(pool, username, &user).await? {
            return Err(DomainError::incorrect_credentials());
        }
        self.check_lockout(&user)?;
        check_timestamp(timestamp, now)?;
        let (_, v) = self.verifier_of(&user)?.ok_or_else(DomainError::incorrect_credentials)?;
        let state: SrpState = serde_json::from_str(&stored.data).map_err(DomainError::internal)?;
        let holds =
            state.claim_holds(v, srp_pool_name(&pool.id), &user.username, secret_block, timestamp, signature).await?;
        if !holds {
            return Err(self.wrong_password(&user, EventKind::SignIn).await);
        }
        if let Some(mut history) = state.custom {
            history.push(ChallengeResult::new(CHALLENGE.name(), true, None));
            return self.custom_step(pool, client, user, history, client_metadata).await;
        }
        self.complete_sign_in(pool, client, user, device).await
    }
}
