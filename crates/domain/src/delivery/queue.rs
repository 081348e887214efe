//! Preparing a message for the way it goes: composed from its template, counted against the SMS
//! spend cap, and, when its channel has a real transport, sealed as a [`QueuedMessage`] for the
//! caller to write with the state it announces; then released once that state is committed.

use cognate_crypto::{mac, random, seal};

use super::{Channel, Message};
use crate::codes::Destination;
use crate::error::{DomainError, Result};
use crate::model::{Pool, QueuedMessage, User};
use crate::triggers::{MessageKind, Requester, Wording};
use crate::Cognate;

/// A message on its way: queued (written by the caller's transaction) or to deliver at once.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    message: Message,
    queued: Option<QueuedMessage>,
}

impl Outgoing {
    /// What the caller's transaction writes to the queue (nothing for a local delivery).
    pub fn queued(&self) -> Option<&QueuedMessage> {
        self.queued.as_ref()
    }

    /// The queue rows of several messages.
    pub fn all_queued(outgoing: &[Outgoing]) -> Vec<QueuedMessage> {
        outgoing.iter().filter_map(|o| o.queued.clone()).collect()
    }
}

/// What a message in the queue holds, sealed.
const SEAL_CONTEXT: &[u8] = b"queued-message";

/// The key that seals queued messages, derived from the server secret.
pub(crate) fn queue_seal_key(code_key: &[u8; 32]) -> [u8; 32] {
    mac::hmac_sha256(code_key, &[b"outbound-message-seal"])
}

/// The sealed body of a queued message, bound to its id.
fn seal_message(key: &[u8; 32], message: &Message) -> Result<Vec<u8>> {
    let plain = serde_json::to_vec(message).map_err(|e| DomainError::Internal(e.to_string()))?;
    seal::seal(key, &[SEAL_CONTEXT, message.id.as_bytes()].concat(), &plain)
        .ok_or_else(|| DomainError::Internal("cannot seal a message".into()))
}

/// The message a queue row holds, if it opens under `key` (and belongs to that row).
pub(crate) fn open_message(key: &[u8; 32], row: &QueuedMessage) -> Option<Message> {
    let plain = seal::open(key, &[SEAL_CONTEXT, row.id.as_bytes()].concat(), &row.sealed)?;
    serde_json::from_slice::<Message>(&plain).ok().filter(|m| m.id == row.id)
}

/// The text with `{####}` and `{username}` filled.
fn fill(template: &str, code: &str, username: &str) -> String {
    template.replace("{####}", code).replace("{username}", username)
}

/// A message to compose: its kind, the code (or temporary password) it carries, the pool's
/// wording, and who asked for it.
pub(crate) struct Draft<'a> {
    pub(crate) kind: MessageKind,
    pub(crate) code: &'a str,
    pub(crate) wording: Wording,
    pub(crate) requester: Requester<'a>,
}

impl Cognate {
    /// Composes a message, counts it against the SMS spend cap (refusing it past the cap, as
    /// Cognito refuses an undeliverable SMS), and seals it for the queue when its channel has a
    /// transport. Nothing is sent yet: the caller stores [`Outgoing::queued`] with its state,
    /// then calls [`Cognate::release`].
    ///
    /// A pool with a custom sender function for the channel composes nothing: the message is
    /// the function's call, always queued (Cognito calls senders asynchronously).
    pub(crate) async fn prepare_message(
        &self,
        pool: &Pool,
        user: &User,
        to: &Destination,
        draft: Draft<'_>,
    ) -> Result<Outgoing> {
        let Draft { kind, code, wording, requester } = draft;
        let (channel, destination) = (to.channel, to.address.as_str());
        let purpose = kind.purpose();
        let sender = self.sender_call(pool, user, (kind, channel), code, requester)?;
        // The pool's CustomMessage function may reword it (before the spend cap counts it).
        let (text, subject) = match sender {
            Some(_) => (String::new(), None),
            None => {
                let Wording { text, subject } =
                    self.custom_message(pool, user, kind, channel, wording, requester).await?;
                (fill(&text, code, &user.username), subject)
            }
        };
        let now = self.clock.now();
        let limits = self.config.sms_limits;
        let capped = limits != crate::SmsLimits::default() && sender.is_none();
        if channel == Channel::Sms && capped && !self.store.spend_sms(&pool.id, destination, now, limits).await? {
            tracing::warn!(pool_id = %pool.id, purpose = purpose.name(), limits = ?limits,
                "text message not sent: the spend cap is reached");
            return Err(DomainError::CodeDeliveryFailure(
                "Unable to deliver the text message: the limit of messages is reached.".into(),
            ));
        }
        let queued = sender.is_some() || self.transports.of(channel).is_some();
        let from = &pool.settings.email_sending;
        let message = Message {
            id: if queued { random::time_ordered_uuid() } else { String::new() },
            time: now,
            pool_id: pool.id.clone(),
            username: user.username.clone(),
            destination: destination.to_owned(),
            channel,
            purpose,
            code: code.to_owned(),
            subject,
            text,
            from: from.from.clone(),
            reply_to: from.reply_to.clone(),
            sender,
        };
        let queued = if queued {
            Some(QueuedMessage {
                id: message.id.clone(),
                pool_id: pool.id.clone(),
                created: now,
                due: now,
                attempts: 0,
                sealed: seal_message(&self.queue_seal_key, &message)?,
            })
        } else {
            None
        };
        Ok(Outgoing { message, queued })
    }

    /// After the state an outgoing message announces is committed: a queued message wakes the
    /// worker; any other is delivered now, failing the request if it cannot be.
    pub(crate) async fn release(&self, outgoing: Outgoing) -> Result<()> {
        if outgoing.queued.is_some() {
            self.delivery_wake.notify_one();
            return Ok(());
        }
        self.delivery.deliver(&outgoing.message).await.map_err(|e| {
            tracing::error!(error = %e, pool_id = %outgoing.message.pool_id, "message delivery failed");
            DomainError::CodeDeliveryFailure("Unable to deliver the message.".into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CodePurpose;

    fn message(id: &str) -> Message {
        Message {
            id: id.into(),
            time: 1,
            pool_id: "us-east-1_x".into(),
            username: "ana".into(),
            destination: "ana@example.com".into(),
            channel: Channel::Email,
            purpose: CodePurpose::SignUp,
            code: "123456".into(),
            subject: Some("Your code".into()),
            text: fill("Code {####} for {username}", "123456", "ana"),
            from: None,
            reply_to: None,
            sender: None,
        }
    }

    #[test]
    fn a_sealed_message_opens_only_under_its_key_and_in_its_own_row() {
        let key = queue_seal_key(&[7; 32]);
        let sealed = seal_message(&key, &message("m-1")).unwrap();
        let row = QueuedMessage {
            id: "m-1".into(),
            pool_id: "us-east-1_x".into(),
            created: 1,
            due: 1,
            attempts: 0,
            sealed: sealed.clone(),
        };
        let opened = open_message(&key, &row).unwrap();
        assert_eq!(opened.text, "Code 123456 for ana");
        assert!(!String::from_utf8_lossy(&sealed).contains("123456"), "the code is not readable at rest");
        assert!(open_message(&queue_seal_key(&[8; 32]), &row).is_none(), "another server's key");
        let moved = QueuedMessage { id: "m-2".into(), ..row };
        assert!(open_message(&key, &moved).is_none(), "a body copied into another row");
    }
}
