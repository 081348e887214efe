//! Delivery of codes and invitations: what a message is, the [`Delivery`] trait every transport
//! implements, the local deliveries, and the durable queue that real transports are fed from.
//!
//! A message goes one of two ways. With no transport configured for its channel it is handed to
//! the local delivery (the log, or the outbox file) in the request. With one (SMTP for email, a
//! webhook for SMS) it is sealed and written to the queue in the same transaction as the code it
//! carries, and [the worker](worker) sends it afterwards, with retries: a request never waits on
//! an SMTP conversation, and a crash after the answer loses no message.

mod local;
pub(crate) mod queue;
pub mod worker;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::clock::UnixTime;
use crate::model::CodePurpose;

pub use local::{LogDelivery, OutboxDelivery};

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    #[serde(rename = "EMAIL")]
    Email,
    #[serde(rename = "SMS")]
    Sms,
}

impl Channel {
    /// Cognito's `DeliveryMedium` name.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Email => "EMAIL",
            Channel::Sms => "SMS",
        }
    }

    /// The attribute a channel delivers to.
    pub fn attribute(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "phone_number",
        }
    }
}

/// A message the server sends to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The queue's id for a queued message (receivers can drop repeats by it); empty otherwise.
    #[serde(default)]
    pub id: String,
    pub time: UnixTime,
    pub pool_id: String,
    pub username: String,
    pub destination: String,
    pub channel: Channel,
    pub purpose: CodePurpose,
    pub code: String,
    pub subject: Option<String>,
    pub text: String,
    /// The pool's sender (EmailConfiguration's `From`), when it sets one.
    #[serde(default)]
    pub from: Option<String>,
    /// The pool's `ReplyToEmailAddress`.
    #[serde(default)]
    pub reply_to: Option<String>,
    /// For a pool with a custom sender function for this channel: the call that hands it the
    /// code, made instead of sending anything (`text` is then empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<crate::triggers::SenderCall>,
}

/// Why a message did not go out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth another try: the server was unreachable, timed out, or answered "try later".
    #[error("{0}")]
    Transient(String),
    /// Another try would fail the same way: the receiver refused the message itself.
    #[error("{0}")]
    Permanent(String),
}

/// Sends messages: [`LogDelivery`], [`OutboxDelivery`], and the SMTP and webhook transports of
/// the `cognate-outbound` crate.
#[async_trait]
pub trait Delivery: Send + Sync {
    async fn deliver(&self, message: &Message) -> Result<(), DeliveryError>;
}

/// The real transports, per channel. A channel with none is delivered locally, at once.
#[derive(Clone, Default)]
pub struct Transports {
    pub email: Option<Arc<dyn Delivery>>,
    pub sms: Option<Arc<dyn Delivery>>,
}

impl Transports {
    /// The transport of a channel.
    pub fn of(&self, channel: Channel) -> Option<&Arc<dyn Delivery>> {
        match channel {
            Channel::Email => self.email.as_ref(),
            Channel::Sms => self.sms.as_ref(),
        }
    }
}

impl std::fmt::Debug for Transports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transports").field("email", &self.email.is_some()).field("sms", &self.sms.is_some()).finish()
    }
}
