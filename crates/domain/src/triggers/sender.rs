//! CustomEmailSender and CustomSMSSender. When a pool has one for a message's channel, Cognate
//! sends nothing itself (and CustomMessage is not asked): the function gets the code or the
//! temporary password encrypted under the pool's `KMSKeyID` (see [`crate::kms`]) and delivers
//! it. As Cognito invokes these functions asynchronously, the call travels through the delivery
//! queue: the request answers first, and a function that cannot be reached is tried again.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Envelope, MessageKind, Requester, Trigger, TriggerFailure};
use crate::delivery::{Channel, DeliveryError};
use crate::error::Result;
use crate::model::{Pool, User};
use crate::Cognate;

/// A sender function's call, made by the delivery worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderCall {
    pub trigger: Trigger,
    /// The function's ARN, mapped to its endpoint when the call is made.
    pub arn: String,
    /// The Lambda event, its code already encrypted.
    pub event: Value,
}

/// The sender trigger of a channel.
fn sender_of(channel: Channel) -> (Trigger, &'static str) {
    match channel {
        Channel::Email => (Trigger::CustomEmailSender, "customEmailSenderRequestV1"),
        Channel::Sms => (Trigger::CustomSMSSender, "customSMSSenderRequestV1"),
    }
}

/// A temporary password as Cognito hands it to a sender: HTML-escaped.
fn html_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Cognate {
    /// The sender call that delivers a `kind` message carrying `code` to `user` over `channel`,
    /// if the pool has a sender function for that channel.
    pub(crate) fn sender_call(
        &self,
        pool: &Pool,
        user: &User,
        (kind, channel): (MessageKind, Channel),
        code: &str,
        requester: Requester<'_>,
    ) -> Result<Option<SenderCall>> {
        let (trigger, request_type) = sender_of(channel);
        let Some(arn) = pool.settings.triggers.function(trigger) else { return Ok(None) };
        let secret = match kind {
            MessageKind::AdminCreateUser => html_escaped(code),
            _ => code.to_owned(),
        };
        let source = format!("{}_{}", trigger.name(), kind.event_name());
        let event = Envelope::about(source, pool, user, requester.client_id)
            .with("type", request_type)
            .with("code", self.encrypt_for_sender(pool, &secret)?)
            .client_metadata(requester.client_metadata);
        Ok(Some(SenderCall { trigger, arn: arn.to_owned(), event: event.to_json(pool) }))
    }

    /// Makes a sender call. The function's answer is not read (Cognito ignores it too); a
    /// function that could not be reached is worth another try, one that failed is not.
    pub(crate) async fn call_sender(&self, call: &SenderCall) -> std::result::Result<(), DeliveryError> {
        let name = call.trigger.name();
        let (Some(url), Some(transport)) = (self.triggers.url_for(&call.arn), self.triggers.transport()) else {
            return Err(DeliveryError::Permanent(format!(
                "{name} invocation failed due to error ResourceNotFoundException: no endpoint is configured for {}",
                call.arn
            )));
        };
        let body = serde_json::to_vec(&call.event).map_err(|e| DeliveryError::Permanent(e.to_string()))?;
        match transport.call(&url, body).await {
            Ok(_) => Ok(()),
            Err(TriggerFailure::Invocation(cause)) => {
                Err(DeliveryError::Transient(format!("{name} invocation failed due to error {cause}.")))
            }
            Err(TriggerFailure::Function(message)) => {
                Err(DeliveryError::Permanent(format!("{name} failed with error {message}.")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_are_html_escaped() {
        assert_eq!(html_escaped("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(html_escaped("Plain-Pass-1"), "Plain-Pass-1");
    }
}
