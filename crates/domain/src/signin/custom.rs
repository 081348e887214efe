//! CUSTOM_AUTH: the pool's DefineAuthChallenge decides each step from the sign-in's history;
//! CUSTOM_CHALLENGE is made by CreateAuthChallenge and judged by VerifyAuthChallengeResponse;
//! PASSWORD_VERIFIER (with `CHALLENGE_NAME: SRP_A`, Amplify's CUSTOM_WITH_SRP) is the built-in
//! SRP step, made without CreateAuthChallenge. Each answer spends its session and the next step
//! gets a new one. In a pool with wallet sign-in, a username that is an address goes to
//! [`crate::wallet`] instead, with no trigger.

use std::collections::BTreeMap;

use cognate_proto::ChallengeName;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::srp::client_public_value;
use super::{required, unknown_user, AuthOutcome, ChallengeRequest};
use crate::clients::check_secret_hash;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool, User};
use crate::triggers::{no_triggers, ChallengeResult, Decision, Trigger};
use crate::wallet::wallet_named;
use crate::Cognate;

/// What a CUSTOM_CHALLENGE session keeps: the history so far and what Create gave the verifier.
#[derive(Serialize, Deserialize)]
struct CustomState {
    history: Vec<ChallengeResult>,
    private: Value,
    metadata: Option<String>,
}

impl Cognate {
    /// InitiateAuth CUSTOM_AUTH: PreAuthentication, then DefineAuthChallenge with an empty
    /// history (or `[SRP_A]` when the client starts with SRP).
    pub(super) async fn custom_start(
        &self,
        pool: &Pool,
        client: &AppClient,
        params: &BTreeMap<String, String>,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        if !client.allows("ALLOW_CUSTOM_AUTH")
            && !client.settings.explicit_auth_flows.iter().any(|f| f == "CUSTOM_AUTH_FLOW_ONLY")
        {
            return Err(DomainError::invalid("CUSTOM_AUTH flow not enabled for this client"));
        }
        let username = required(params, "USERNAME")?;
        if let Some(wallet) = wallet_named(pool, username)? {
            return self.wallet_challenge(pool, client, wallet, params, client_metadata).await;
        }
        if pool.settings.triggers.function(Trigger::DefineAuthChallenge).is_none() {
            return Err(no_triggers());
        }
        check_secret_hash(client, username, params.get("SECRET_HASH").map(String::as_str))?;
        let with_srp = match params.get("CHALLENGE_NAME").map(String::as_str) {
            None => None,
            Some("SRP_A") => Some(client_public_value(params)?),
            Some(other) => return Err(DomainError::invalid(format!("Invalid CHALLENGE_NAME: {other}"))),
        };
        let Some(user) = self.find_user(pool, username).await? else {
            return Err(unknown_user(client));
        };
        self.check_lockout(&user)?;
        if !user.enabled {
            return Err(DomainError::not_authorized("User is disabled."));
        }
        // InitiateAuth's ClientMetadata reaches PreAuthentication only, as on Cognito.
        self.pre_authentication(pool, client, &user, client_metadata).await?;
        let none = BTreeMap::new();
        match with_srp {
            None => self.custom_step(pool, client, user, Vec::new(), &none).await,
            Some(a) => {
                let history = vec![ChallengeResult::new("SRP_A", true, None)];
                match self.define_auth_challenge(pool, client, &user, &history, &none).await? {
                    Decision::Challenge(name) if name == ChallengeName::PasswordVerifier.name() => {
                        self.srp_challenge(pool, client, &user, &a, Some(history)).await
                    }
                    decision => self.follow(pool, client, user, history, decision, &none).await,
                }
            }
        }
    }

    /// RespondToAuthChallenge CUSTOM_CHALLENGE: the session spent, the answer judged, and the
    /// history with its result back to DefineAuthChallenge.
    pub(super) async fn answer_custom_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        request: &ChallengeRequest,
    ) -> Result<AuthOutcome> {
        let (responses, username, session) = request.answer(client)?;
        if let Some((address, _)) = wallet_named(pool, username)? {
            return self.answer_wallet_challenge(pool, client, address, request).await;
        }
        let answer = required(responses, "ANSWER")?;
        let (stored, user) =
            self.take_challenge(pool, client, session, ChallengeName::CustomChallenge, username).await?;
        let state: CustomState = serde_json::from_str(&stored.data).map_err(DomainError::internal)?;
        let metadata = &request.client_metadata;
        let right = self.verify_auth_challenge(pool, client, &user, &state.private, answer, metadata).await?;
        let mut history = state.history;
        history.push(ChallengeResult::new(ChallengeName::CustomChallenge.name(), right, state.metadata));
        self.custom_step(pool, client, user, history, metadata).await
    }

    /// Asks DefineAuthChallenge what follows `history`, and does it.
    pub(crate) async fn custom_step(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: User,
        history: Vec<ChallengeResult>,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        let decision = self.define_auth_challenge(pool, client, &user, &history, client_metadata).await?;
        self.follow(pool, client, user, history, decision, client_metadata).await
    }

    /// Carries out DefineAuthChallenge's decision.
    async fn follow(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: User,
        history: Vec<ChallengeResult>,
        decision: Decision,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        match decision {
            Decision::Fail => Err(DomainError::incorrect_credentials()),
            Decision::IssueTokens => {
                // With the password proven, the user's MFA follows; otherwise the functions
                // vouched for the whole sign-in.
                let password_proven =
                    history.iter().any(|h| h.name == ChallengeName::PasswordVerifier.name() && h.result);
                if password_proven {
                    self.complete_sign_in(pool, client, user, None).await
                } else {
                    self.signed_in_without_password(pool, client, &user, None, false).await
                }
            }
            Decision::Challenge(name) if name == ChallengeName::CustomChallenge.name() => {
                let created = self.create_auth_challenge(pool, client, &user, &name, &history, client_metadata).await?;
                let state = CustomState { history, private: created.private, metadata: created.metadata };
                let state = serde_json::to_string(&state).map_err(DomainError::internal)?;
                let session = self.open_challenge(pool, client, &user, ChallengeName::CustomChallenge, &state).await?;
                let mut parameters = created.public;
                parameters.insert("USERNAME".into(), user.username.clone());
                Ok(AuthOutcome::Challenge { name: ChallengeName::CustomChallenge, session: Some(session), parameters })
            }
            Decision::Challenge(name) if name == ChallengeName::PasswordVerifier.name() => {
                Err(DomainError::invalid("PASSWORD_VERIFIER can only follow SRP_A, in the InitiateAuth that sends it."))
            }
            Decision::Challenge(name) => Err(DomainError::Unsupported(format!(
                "DefineAuthChallenge chose {name}: Cognate's custom flows offer CUSTOM_CHALLENGE and PASSWORD_VERIFIER."
            ))),
        }
    }
}
