//! A device's proof at the end of a sign-in: DEVICE_SRP_AUTH (the client's A) and
//! DEVICE_PASSWORD_VERIFIER (its claim). It is SRP as for passwords, with the device key as the
//! username, the device group key as the pool name and the verifier from ConfirmDevice.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cognate_crypto::{constant_time_eq, random};
use cognate_proto::ChallengeName;
use serde::{Deserialize, Serialize};

use super::{device_not_found, TokenDevice};
use crate::account::EventKind;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Device, Pool, User};
use crate::signin::srp::{check_timestamp, hex_number, parse_hex, SrpState};
use crate::signin::{required, AuthOutcome, ChallengeRequest};
use crate::triggers::TokenSource;
use crate::Cognate;

/// What the two challenge sessions keep: the device, whether a second factor passed before,
/// and after DEVICE_SRP_AUTH the server's half of the exchange and the secret block sent.
#[derive(Serialize, Deserialize)]
struct DeviceProof {
    key: String,
    mfa: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    srp: Option<SrpState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret_block: Option<String>,
}

impl DeviceProof {
    fn read(data: &str) -> Result<Self> {
        serde_json::from_str(data).map_err(DomainError::internal)
    }

    fn write(&self) -> Result<String> {
        serde_json::to_string(self).map_err(DomainError::internal)
    }
}

impl Cognate {
    /// Asks the device `key` to prove itself: the DEVICE_SRP_AUTH challenge. `mfa`: a second
    /// factor passed already.
    pub(crate) async fn device_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        key: &str,
        mfa: bool,
    ) -> Result<AuthOutcome> {
        let state = DeviceProof { key: key.to_owned(), mfa, srp: None, secret_block: None };
        let name = ChallengeName::DeviceSrpAuth;
        let session = self.open_challenge(pool, client, user, name, &state.write()?).await?;
        let parameters = BTreeMap::from([("USERNAME".to_owned(), user.username.clone())]);
        Ok(AuthOutcome::Challenge { name, session: Some(session), parameters })
    }

    /// Takes the session a device step answers: the USERNAME (with the client's SECRET_HASH
    /// checked against it) and the Session must be the sign-in's, DEVICE_KEY its device, which
    /// must still exist. Returns the session's state, the user and the device.
    async fn take_device_step(
        &self,
        pool: &Pool,
        client: &AppClient,
        request: &ChallengeRequest,
        challenge: ChallengeName,
    ) -> Result<(DeviceProof, User, Device)> {
        let (responses, username, session) = request.answer(client)?;
        let key = required(responses, "DEVICE_KEY")?;
        let (stored, user) = self.take_challenge(pool, client, session, challenge, username).await?;
        let state = DeviceProof::read(&stored.data)?;
        if state.key != key {
            return Err(device_not_found());
        }
        // Forgotten meanwhile: not found, as at the password step.
        let device = self.owned_device(&user, key).await?;
        Ok((state, user, device))
    }

    /// DEVICE_SRP_AUTH: the client's A; answered with B, the device's salt and a secret block.
    pub(crate) async fn answer_device_srp(
        &self,
        pool: &Pool,
        client: &AppClient,
        request: &ChallengeRequest,
    ) -> Result<AuthOutcome> {
        let a = parse_hex(required(&request.responses, "SRP_A")?)
            .ok_or_else(|| DomainError::invalid("SRP_A is not a hexadecimal number."))?;
        let (state, user, device) = self.take_device_step(pool, client, request, ChallengeName::DeviceSrpAuth).await?;
        let (srp, public_b) = SrpState::start(self.device_verifier(&device)?, &a).await?;
        let secret_block = B64.encode(random::key_bytes());
        let next = DeviceProof {
            key: device.key.clone(),
            mfa: state.mfa,
            srp: Some(srp),
            secret_block: Some(secret_block.clone()),
        };
        let name = ChallengeName::DevicePasswordVerifier;
        let session = self.open_challenge(pool, client, &user, name, &next.write()?).await?;
        let parameters = BTreeMap::from([
            ("SRP_B".to_owned(), hex_number(&public_b)),
            ("SALT".to_owned(), hex_number(&device.salt)),
            ("SECRET_BLOCK".to_owned(), secret_block),
            ("USERNAME".to_owned(), user.username.clone()),
            ("DEVICE_KEY".to_owned(), device.key),
        ]);
        Ok(AuthOutcome::Challenge { name, session: Some(session), parameters })
    }

    /// DEVICE_PASSWORD_VERIFIER: the device's claim; tokens naming the device once it holds. A
    /// wrong claim counts as a failed sign-in.
    pub(crate) async fn answer_device_password_verifier(
        &self,
        pool: &Pool,
        client: &AppClient,
        request: &ChallengeRequest,
    ) -> Result<AuthOutcome> {
        let responses = &request.responses;
        let secret_block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = required(responses, "PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = required(responses, "TIMESTAMP")?;
        let (state, user, device) =
            self.take_device_step(pool, client, request, ChallengeName::DevicePasswordVerifier).await?;
        let (Some(srp), Some(sent_block)) = (&state.srp, &state.secret_block) else {
            return Err(DomainError::internal("a device proof session without its exchange"));
        };
        if !user.enabled {
            return Err(DomainError::not_authorized("User is disabled."));
        }
        self.check_lockout(&user)?;
        let now = self.clock.now();
        check_timestamp(timestamp, now)?;
        let holds = constant_time_eq(sent_block.as_bytes(), secret_block.as_bytes())
            && srp
                .claim_holds(
                    self.device_verifier(&device)?,
                    &device.group_key,
                    &device.key,
                    secret_block,
                    timestamp,
                    signature,
                )
                .await?;
        if !holds {
            return Err(self.wrong_password(&user, EventKind::SignIn).await);
        }
        self.store.device_authenticated(&pool.id, &device.key, now).await?;
        self.sign_in_tokens(
            pool,
            client,
            &user,
            state.mfa,
            Some(TokenDevice::Proven(device.key)),
            TokenSource::AuthenticateDevice,
        )
        .await
    }
}
