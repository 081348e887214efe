//! The three custom-auth triggers: DefineAuthChallenge decides the next step from the
//! sign-in's `session` history, CreateAuthChallenge makes a challenge, and
//! VerifyAuthChallengeResponse judges the answer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::invoke::{flag, text, unrecognizable};
use super::{Envelope, Trigger};
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool, User};
use crate::Cognate;

/// One entry of the `session` array: a challenge answered and whether the answer was right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ChallengeResult {
    #[serde(rename = "challengeName")]
    pub(crate) name: String,
    #[serde(rename = "challengeResult")]
    pub(crate) result: bool,
    #[serde(rename = "challengeMetadata", default)]
    pub(crate) metadata: Option<String>,
}

impl ChallengeResult {
    pub(crate) fn new(name: &str, result: bool, metadata: Option<String>) -> Self {
        Self { name: name.to_owned(), result, metadata }
    }
}

/// What DefineAuthChallenge decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    IssueTokens,
    Fail,
    /// The next challenge: CUSTOM_CHALLENGE, PASSWORD_VERIFIER, ...
    Challenge(String),
}

/// A challenge CreateAuthChallenge made.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CreatedChallenge {
    /// `publicChallengeParameters`: what the client is shown.
    pub(crate) public: BTreeMap<String, String>,
    /// `privateChallengeParameters`: kept for VerifyAuthChallengeResponse (the expected answer).
    pub(crate) private: Value,
    pub(crate) metadata: Option<String>,
}

/// The events' common request: the user, the history, the caller's metadata.
fn request(
    trigger_source: &str,
    pool: &Pool,
    client: &AppClient,
    user: &User,
    client_metadata: &BTreeMap<String, String>,
) -> Envelope {
    Envelope::about(trigger_source, pool, user, Some(&client.id)).client_metadata(client_metadata)
}

impl Cognate {
    /// DefineAuthChallenge with the sign-in's history.
    pub(crate) async fn define_auth_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        session: &[ChallengeResult],
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<Decision> {
        let mut event = request("DefineAuthChallenge_Authentication", pool, client, user, client_metadata)
            .with("session", serde_json::to_value(session).map_err(DomainError::internal)?)
            .with("userNotFound", false);
        event.response = json!({"challengeName": null, "issueTokens": null, "failAuthentication": null});
        let response = self.run_trigger(pool, Trigger::DefineAuthChallenge, event).await?.ok_or_else(no_triggers)?;
        if flag(&response, "failAuthentication")? {
            return Ok(Decision::Fail);
        }
        if flag(&response, "issueTokens")? {
            return Ok(Decision::IssueTokens);
        }
        match text(&response, "challengeName")? {
            Some(name) if !name.is_empty() => Ok(Decision::Challenge(name.to_owned())),
            _ => Err(unrecognizable()),
        }
    }

    /// CreateAuthChallenge for `challenge_name`.
    pub(crate) async fn create_auth_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        challenge_name: &str,
        session: &[ChallengeResult],
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<CreatedChallenge> {
        let mut event = request("CreateAuthChallenge_Authentication", pool, client, user, client_metadata)
            .with("challengeName", challenge_name)
            .with("session", serde_json::to_value(session).map_err(DomainError::internal)?)
            .with("userNotFound", false);
        event.response =
            json!({"publicChallengeParameters": null, "privateChallengeParameters": null, "challengeMetadata": null});
        let response = self.run_trigger(pool, Trigger::CreateAuthChallenge, event).await?.ok_or_else(no_triggers)?;
        let public = match response.get("publicChallengeParameters") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(fields)) => fields
                .iter()
                .map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())).ok_or_else(unrecognizable))
                .collect::<Result<_>>()?,
            Some(_) => return Err(unrecognizable()),
        };
        let private = match response.get("privateChallengeParameters") {
            None | Some(Value::Null) => json!({}),
            Some(fields @ Value::Object(_)) => fields.clone(),
            Some(_) => return Err(unrecognizable()),
        };
        let metadata = text(&response, "challengeMetadata")?.map(str::to_owned);
        Ok(CreatedChallenge { public, private, metadata })
    }

    /// VerifyAuthChallengeResponse: whether `answer` is right.
    pub(crate) async fn verify_auth_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        private: &Value,
        answer: &str,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<bool> {
        let mut event = request("VerifyAuthChallengeResponse_Authentication", pool, client, user, client_metadata)
            .with("privateChallengeParameters", private.clone())
            .with("challengeAnswer", answer)
            .with("userNotFound", false);
        event.response = json!({"answerCorrect": null});
        let response =
            self.run_trigger(pool, Trigger::VerifyAuthChallengeResponse, event).await?.ok_or_else(no_triggers)?;
        flag(&response, "answerCorrect")
    }
}

/// A custom-auth step whose trigger the pool lacks.
pub(crate) fn no_triggers() -> DomainError {
    DomainError::InvalidUserPoolConfiguration("Custom auth lambda trigger is not configured for the user pool.".into())
}
