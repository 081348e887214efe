//! The wallet sign-in itself: the challenge (a fresh EIP-4361 message in a single-use session)
//! and its answer (the signature, which must recover the address the message names).

use std::collections::BTreeMap;

use cognate_crypto::ethereum::{recover_personal_signer, Address};
use cognate_crypto::random;
use cognate_proto::ChallengeName;
use serde::{Deserialize, Serialize};

use super::{SignInMessage, WalletSignIn, DEFAULT_STATEMENT};
use crate::account::EventKind;
use crate::attributes::login_names;
use crate::clients::check_secret_hash;
use crate::error::{DomainError, Result, StoreError};
use crate::model::{AppClient, Pool, User, UserStatus};
use crate::signin::session::invalid_session;
use crate::signin::{required, AuthOutcome, ChallengeRequest};
use crate::Cognate;

const CHALLENGE: ChallengeName = ChallengeName::CustomChallenge;

/// What the session keeps: the wallet and the exact text it was asked to sign.
#[derive(Serialize, Deserialize)]
struct WalletState {
    wallet: String,
    message: String,
}

/// The wallet a CUSTOM_AUTH username names, when the pool has wallet sign-in and the name is an
/// address; a mistyped (bad checksum) address is refused rather than sent to the triggers.
pub(crate) fn wallet_named<'p>(pool: &'p Pool, username: &str) -> Result<Option<(Address, &'p WalletSignIn)>> {
    let Some(setting) = &pool.settings.wallet else { return Ok(None) };
    if !(username.len() == 42 && username.starts_with("0x")) {
        return Ok(None);
    }
    let address = Address::parse(username).map_err(|e| DomainError::invalid(format!("USERNAME: {e}.")))?;
    Ok(Some((address, setting)))
}

/// The shape of a `personal_sign` signature, checked before the session is spent on it.
fn check_signature_shape(answer: &str) -> Result<()> {
    let digits = answer.strip_prefix("0x").unwrap_or("");
    if digits.len() != 130 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(DomainError::invalid(
            "ANSWER must be the wallet's personal_sign signature: 0x and 130 hexadecimal digits.",
        ));
    }
    Ok(())
}

impl Cognate {
    /// InitiateAuth CUSTOM_AUTH for a wallet: CUSTOM_CHALLENGE with the message to sign.
    pub(crate) async fn wallet_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        (address, setting): (Address, &WalletSignIn),
        params: &BTreeMap<String, String>,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        let username = required(params, "USERNAME")?;
        check_secret_hash(client, username, params.get("SECRET_HASH").map(String::as_str))?;
        // No second factor follows a wallet (as none follows Cognito's custom auth without a
        // password): a pool that requires one cannot take it.
        if pool.settings.mfa_configuration == "ON" {
            return Err(DomainError::not_authorized(
                "This user pool requires MFA, which a wallet sign-in cannot give.",
            ));
        }
        if params.contains_key("CHALLENGE_NAME") {
            return Err(DomainError::invalid(
                "A wallet sign-in takes no CHALLENGE_NAME: the wallet's signature is the proof.",
            ));
        }
        let user = self.find_user(pool, &address.lowercase()).await?;
        match &user {
            Some(user) => {
                self.check_lockout(user)?;
                if !user.enabled {
                    return Err(DomainError::not_authorized("User is disabled."));
                }
                self.pre_authentication(pool, client, user, client_metadata).await?;
            }
            // Under PreventUserExistenceErrors the stranger gets a message like anyone else's,
            // and a refusal after signing.
            None if pool.settings.allow_admin_create_user_only && !client.settings.prevent_user_existence_errors => {
                return Err(DomainError::user_not_found());
            }
            None => {}
        }
        let now = self.clock.now();
        let expires = now + client.settings.auth_session_validity_minutes * 60;
        let nonce = hex::encode(&random::key_bytes()[..12]);
        let (domain, uri) = self.wallet_origin(setting)?;
        let text = SignInMessage {
            domain: &domain,
            address,
            statement: setting.statement.as_deref().unwrap_or(DEFAULT_STATEMENT),
            uri: &uri,
            chain_id: setting.chain_id,
            nonce: &nonce,
            issued_at: now,
            expires,
        }
        .text()?;
        let state = WalletState { wallet: address.lowercase(), message: text.clone() };
        let state = serde_json::to_string(&state).map_err(DomainError::internal)?;
        let sub = user.as_ref().map(|u| u.sub.as_str()).unwrap_or_default();
        let session = self.insert_challenge(pool, client, sub, CHALLENGE, &state, None).await?;
        let parameters = BTreeMap::from([
            ("USERNAME".to_owned(), user.map(|u| u.username).unwrap_or_else(|| address.lowercase())),
            ("ADDRESS".to_owned(), address.checksummed()),
            ("MESSAGE".to_owned(), text),
            ("NONCE".to_owned(), nonce),
            ("CHAIN_ID".to_owned(), setting.chain_id.to_string()),
        ]);
        Ok(AuthOutcome::Challenge { name: CHALLENGE, session: Some(session), parameters })
    }

    /// The message's domain and URI: the setting's, else the public URL's authority and itself.
    fn wallet_origin(&self, setting: &WalletSignIn) -> Result<(String, String)> {
        let public = &self.config.public_url;
        let domain = match &setting.domain {
            Some(domain) => domain.clone(),
            None => {
                let url = url::Url::parse(public).map_err(DomainError::internal)?;
                let host = url.host_str().ok_or_else(|| DomainError::internal("the public URL has no host"))?;
                match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                }
            }
        };
        Ok((domain, setting.uri.clone().unwrap_or_else(|| public.clone())))
    }

    /// RespondToAuthChallenge CUSTOM_CHALLENGE for a wallet: the signature must recover the
    /// address over the message this session issued; then the wallet's user (made on its first
    /// sign-in where the pool lets users sign themselves up) is signed in.
    pub(crate) async fn answer_wallet_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        address: Address,
        request: &ChallengeRequest,
    ) -> Result<AuthOutcome> {
        let (responses, _, session) = request.answer(client)?;
        let answer = required(responses, "ANSWER")?;
        check_signature_shape(answer)?;
        let (stored, user) = self.take_live_challenge(pool, client, session, CHALLENGE).await?;
        let state: WalletState = serde_json::from_str(&stored.data).map_err(|_| invalid_session())?;
        if state.wallet != address.lowercase() {
            return Err(invalid_session());
        }
        let signer = recover_personal_signer(&state.message, answer)
            .map_err(|e| DomainError::not_authorized(format!("The signature is refused: {e}.")))?;
        if signer != address {
            let err = DomainError::not_authorized(
                "The signature is not the wallet's: it was made with another key or over another message.",
            );
            return Err(match &user {
                Some(user) => {
                    let event = self.auth_event(user, EventKind::SignIn, false, None);
                    self.failed_factor(user, event, err).await
                }
                None => err,
            });
        }
        let user = match user {
            Some(user) => user,
            None => self.wallet_user(pool, address).await?.ok_or_else(DomainError::incorrect_credentials)?,
        };
        self.check_lockout(&user)?;
        self.signed_in_without_password(pool, client, &user, None, false).await
    }

    /// The user an address names, made on the wallet's first sign-in (CONFIRMED, username the
    /// lowercase address, no password) unless only administrators may create users.
    async fn wallet_user(&self, pool: &Pool, address: Address) -> Result<Option<User>> {
        let username = address.lowercase();
        if let Some(user) = self.find_user(pool, &username).await? {
            return Ok(Some(user));
        }
        if pool.settings.allow_admin_create_user_only {
            return Ok(None);
        }
        let user = User::new(
            &pool.id,
            random::time_ordered_uuid(),
            username.clone(),
            UserStatus::Confirmed,
            BTreeMap::new(),
            self.clock.now(),
        );
        match self.store.insert_user(&user, &login_names(pool, &user), None, &[]).await {
            Ok(()) => Ok(Some(user)),
            // The same wallet's other first sign-in made it meanwhile.
            Err(StoreError::Conflict(_)) => self.find_user(pool, &username).await,
            Err(other) => Err(other.into()),
        }
    }
}
