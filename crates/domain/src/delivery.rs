//! Delivery of codes and invitations: the `Delivery` trait, a logging delivery and the
//! JSON-lines outbox that tests and developers read.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;
use serde::Serialize;

use crate::clock::{rfc3339, UnixTime};
use crate::model::CodePurpose;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone)]
pub struct Message {
    pub time: UnixTime,
    pub pool_id: String,
    pub username: String,
    pub destination: String,
    pub channel: Channel,
    pub purpose: CodePurpose,
    pub code: String,
    pub subject: Option<String>,
    pub text: String,
}

/// Sends messages. Implementations: [`LogDelivery`], [`OutboxDelivery`]; SMTP and webhooks later.
#[async_trait]
pub trait Delivery: Send + Sync {
    async fn deliver(&self, message: &Message) -> Result<(), String>;
}

/// Logs each message (the development default). The code is logged on purpose: with no other
/// channel configured, the log is how a developer reads it.
#[derive(Debug, Default)]
pub struct LogDelivery;

#[async_trait]
impl Delivery for LogDelivery {
    async fn deliver(&self, m: &Message) -> Result<(), String> {
        tracing::info!(pool_id = %m.pool_id, username = %m.username, channel = m.channel.name(),
            purpose = m.purpose.name(), destination = %m.destination, code = %m.code, "message delivered");
        Ok(())
    }
}

#[derive(Serialize)]
struct OutboxLine<'a> {
    time: String,
    pool_id: &'a str,
    username: &'a str,
    destination: &'a str,
    channel: Channel,
    purpose: &'a str,
    code: &'a str,
    subject: Option<&'a str>,
    message: &'a str,
}

/// Appends every message as one JSON object per line to a file, then hands it on.
#[derive(Debug)]
pub struct OutboxDelivery<D> {
    file: Mutex<std::fs::File>,
    path: PathBuf,
    next: D,
}

impl<D: Delivery> OutboxDelivery<D> {
    /// Opens (creating) the outbox for appending.
    pub fn open(path: impl Into<PathBuf>, next: D) -> std::io::Result<Self> {
        let path = path.into();
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
        Ok(Self { file: Mutex::new(file), path, next })
    }
}

#[async_trait]
impl<D: Delivery> Delivery for OutboxDelivery<D> {
    async fn deliver(&self, m: &Message) -> Result<(), String> {
        let line = OutboxLine {
            time: rfc3339(m.time),
            pool_id: &m.pool_id,
            username: &m.username,
            destination: &m.destination,
            channel: m.channel,
            purpose: m.purpose.name(),
            code: &m.code,
            subject: m.subject.as_deref(),
            message: &m.text,
        };
        let mut bytes = serde_json::to_vec(&line).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        {
            // One write call per line, under a lock held only for that call (never across an await).
            let mut file = self.file.lock().map_err(|_| "outbox lock poisoned".to_string())?;
            file.write_all(&bytes).map_err(|e| format!("{}: {e}", self.path.display()))?;
        }
        self.next.deliver(m).await
    }
}
