//! The local deliveries, for development and tests: a log line, and the JSON-lines outbox that
//! tests and developers read. Both deliver at once, in the request.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;
use serde::Serialize;

use super::{Channel, Delivery, DeliveryError, Message};
use crate::clock::rfc3339;

/// Logs each message (the development default). The code is logged on purpose: with no other
/// channel configured, the log is how a developer reads it.
#[derive(Debug, Default)]
pub struct LogDelivery;

#[async_trait]
impl Delivery for LogDelivery {
    async fn deliver(&self, m: &Message) -> Result<(), DeliveryError> {
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
    async fn deliver(&self, m: &Message) -> Result<(), DeliveryError> {
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
        let mut bytes = serde_json::to_vec(&line).map_err(|e| DeliveryError::Permanent(e.to_string()))?;
        bytes.push(b'\n');
        {
            // One write call per line, under a lock held only for that call (never across an await).
            let mut file = self.file.lock().map_err(|_| DeliveryError::Permanent("outbox lock poisoned".into()))?;
            file.write_all(&bytes).map_err(|e| DeliveryError::Transient(format!("{}: {e}", self.path.display())))?;
        }
        self.next.deliver(m).await
    }
}
