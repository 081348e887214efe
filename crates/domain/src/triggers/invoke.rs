//! Running a pool's trigger: the event sent to the function's endpoint, the returned event
//! checked, and failures answered as Cognito words them.

use serde_json::Value;

use super::{Envelope, Trigger, TriggerFailure};
use crate::error::{DomainError, Result};
use crate::model::Pool;
use crate::Cognate;

const INVALID_JSON: &str = "Invalid lambda function output : Invalid JSON";
const UNRECOGNIZABLE: &str = "Unrecognizable lambda output";

impl Cognate {
    /// Calls the pool's `trigger`, if it has one, with `event`; gives the returned event's
    /// `response` object (`None` when the pool has no such trigger).
    pub(crate) async fn run_trigger(&self, pool: &Pool, trigger: Trigger, event: Envelope) -> Result<Option<Value>> {
        let Some(arn) = pool.settings.triggers.function(trigger) else { return Ok(None) };
        let (Some(url), Some(transport)) = (self.triggers.url_for(arn), self.triggers.transport()) else {
            // The mapping was removed from the configuration after the pool was made.
            return Err(DomainError::UnexpectedLambda(format!(
                "{} invocation failed due to error ResourceNotFoundException.",
                trigger.name()
            )));
        };
        let body = serde_json::to_vec(&event.to_json(pool)).map_err(DomainError::internal)?;
        let answer = transport.call(&url, body).await.map_err(|failure| match failure {
            TriggerFailure::Function(message) => {
                DomainError::UserLambdaValidation(format!("{} failed with error {message}.", trigger.name()))
            }
            TriggerFailure::Invocation(cause) => {
                DomainError::UnexpectedLambda(format!("{} invocation failed due to error {cause}.", trigger.name()))
            }
        })?;
        returned_response(&answer).map(Some)
    }
}

/// The `response` of a returned event: the answer must be the event (a JSON object); its
/// `response` an object, or absent or null for "nothing changed".
fn returned_response(answer: &[u8]) -> Result<Value> {
    let event: Value =
        serde_json::from_slice(answer).map_err(|_| DomainError::InvalidLambdaResponse(INVALID_JSON.into()))?;
    let Value::Object(mut event) = event else {
        return Err(DomainError::InvalidLambdaResponse(INVALID_JSON.into()));
    };
    match event.remove("response") {
        None | Some(Value::Null) => Ok(Value::Object(Default::default())),
        Some(response @ Value::Object(_)) => Ok(response),
        Some(_) => Err(DomainError::InvalidLambdaResponse(UNRECOGNIZABLE.into())),
    }
}

/// A response field that must be a boolean when present (`autoConfirmUser`, `answerCorrect`).
pub(crate) fn flag(response: &Value, name: &str) -> Result<bool> {
    match response.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(DomainError::InvalidLambdaResponse(UNRECOGNIZABLE.into())),
    }
}

/// A response field that must be a string when present.
pub(crate) fn text<'a>(response: &'a Value, name: &str) -> Result<Option<&'a str>> {
    match response.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(DomainError::InvalidLambdaResponse(UNRECOGNIZABLE.into())),
    }
}

/// The error for a response whose shape is wrong.
pub(crate) fn unrecognizable() -> DomainError {
    DomainError::InvalidLambdaResponse(UNRECOGNIZABLE.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_must_be_the_event() {
        assert_eq!(returned_response(br#"{"response":{"autoConfirmUser":true}}"#).unwrap()["autoConfirmUser"], true);
        assert_eq!(returned_response(br#"{"version":"1","response":null}"#).unwrap(), serde_json::json!({}));
        let invalid = |body: &[u8]| match returned_response(body) {
            Err(DomainError::InvalidLambdaResponse(m)) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(invalid(b""), INVALID_JSON, "an async handler that returns nothing");
        assert_eq!(invalid(b"null"), INVALID_JSON);
        assert_eq!(invalid(br#"{"response":"yes"}"#), UNRECOGNIZABLE);
        assert!(flag(&serde_json::json!({"answerCorrect":"true"}), "answerCorrect").is_err());
    }
}
