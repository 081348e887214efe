//! The delivery worker: takes due messages from the queue, sends each through its channel's
//! transport outside any transaction, and deletes it once sent — or puts it back with an
//! exponential backoff, or gives up after [`MAX_ATTEMPTS`] with an error in the log.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;

use super::queue::open_message;
use super::{Delivery, DeliveryError, Message};
use crate::attributes::mask_destination;
use crate::error::Result;
use crate::model::QueuedMessage;
use crate::Cognate;

/// Messages taken per pass.
pub const BATCH: u32 = 32;
/// Messages of a pass in flight at once: as many as a transport keeps connections open (the
/// SMTP pool's size), so that each send reuses a connection instead of a new TLS handshake.
pub const IN_FLIGHT: usize = 4;
/// How long a taken message is reserved for the worker that took it. A transport's timeout is far
/// shorter; if that worker dies, the message is due again when the lease runs out.
pub const LEASE_SECONDS: i64 = 120;
/// Tries before a message is given up on (about 45 minutes of retrying with [`retry_delay`]).
pub const MAX_ATTEMPTS: u32 = 12;
/// How often the worker looks for due messages when nothing wakes it (retries, other instances).
pub const POLL: Duration = Duration::from_secs(1);
/// How long the worker waits after a wake-up before taking messages, so that under load one pass
/// (one claim, one delete) carries many messages instead of one each.
pub const GATHER: Duration = Duration::from_millis(50);

/// Seconds before the next try of a message tried `attempts` times: 5, 10, 20 … up to 10 minutes.
pub fn retry_delay(attempts: u32) -> i64 {
    (5_i64 << attempts.saturating_sub(1).min(10)).min(600)
}

/// What became of one message in a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Sent or given up on: its row goes.
    Done,
    /// Put back for another try.
    Retried,
}

impl Cognate {
    /// One pass over the queue: takes the messages due now and sends them. Returns how many
    /// it took.
    pub async fn deliver_due(&self) -> Result<usize> {
        let now = self.clock.now();
        let taken = self.store.claim_messages(now, now + LEASE_SECONDS, BATCH).await?;
        let mut done = Vec::with_capacity(taken.len());
        let mut failed = None;
        for group in taken.chunks(IN_FLIGHT) {
            let outcomes = join_all(group.iter().map(|row| self.send_queued(row))).await;
            for (row, outcome) in group.iter().zip(outcomes) {
                match outcome {
                    Ok(Outcome::Done) => done.push(row.id.clone()),
                    Ok(Outcome::Retried) => {}
                    // A message that could not be put back stays leased; the others still count.
                    Err(e) => failed = failed.or(Some(e)),
                }
            }
        }
        // One statement for the pass; a crash before it re-sends these after their lease.
        self.store.finish_messages(&done).await?;
        match failed {
            Some(e) => Err(e),
            None => Ok(taken.len()),
        }
    }

    async fn send_queued(&self, row: &QueuedMessage) -> Result<Outcome> {
        let Some(message) = open_message(&self.queue_seal_key, row) else {
            tracing::error!(message_id = %row.id, pool_id = %row.pool_id,
                "queued message dropped: it does not open under this server's key");
            return Ok(Outcome::Done);
        };
        // A channel whose transport was removed from the configuration since: the local delivery.
        let transport: &dyn Delivery = match self.transports.of(message.channel) {
            Some(transport) => transport.as_ref(),
            None => self.delivery.as_ref(),
        };
        let sent = match &message.sender {
            Some(call) => self.call_sender(call).await,
            None => transport.deliver(&message).await,
        };
        let error = match sent {
            Ok(()) => {
                tracing::info!(message_id = %row.id, pool_id = %row.pool_id, channel = message.channel.name(),
                    purpose = message.purpose.name(), attempt = row.attempts, "message sent");
                return Ok(Outcome::Done);
            }
            Err(error) => error,
        };
        let fields = Logged::of(&message, row);
        match error {
            DeliveryError::Transient(cause) if row.attempts < MAX_ATTEMPTS => {
                let delay = retry_delay(row.attempts);
                self.store.retry_message(&row.id, self.clock.now() + delay, &cause).await?;
                tracing::warn!(message_id = %fields.id, pool_id = %fields.pool_id, channel = fields.channel,
                    destination = %fields.destination, attempt = row.attempts, retry_in_seconds = delay,
                    error = %cause, "message not delivered yet; will retry");
                Ok(Outcome::Retried)
            }
            error => {
                tracing::error!(message_id = %fields.id, pool_id = %fields.pool_id, channel = fields.channel,
                    destination = %fields.destination, attempts = row.attempts, error = %error,
                    "message given up: it was not delivered");
                Ok(Outcome::Done)
            }
        }
    }

    /// Sends queued messages until the process ends: a pass shortly ([`GATHER`]) after a
    /// request queues one, or every [`POLL`] (for retries and for messages other instances
    /// queued), more passes at once while full batches come back.
    pub async fn run_delivery_worker(self: Arc<Self>) {
        loop {
            let taken = match self.deliver_due().await {
                Ok(taken) => taken,
                Err(e) => {
                    tracing::warn!(error = %e, "the delivery queue could not be read; trying again shortly");
                    0
                }
            };
            if taken == BATCH as usize {
                continue;
            }
            tokio::select! {
                _ = self.delivery_wake.notified() => tokio::time::sleep(GATHER).await,
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// How many messages wait in the queue, and since when the oldest has.
    pub async fn queue_depth(&self) -> Result<(i64, Option<crate::UnixTime>)> {
        Ok(self.store.queue_depth().await?)
    }

    /// Whether anything is sent through the queue (a real transport, or triggers, whose
    /// custom senders are called from it), and so a worker is needed.
    pub fn needs_delivery_worker(&self) -> bool {
        self.transports.email.is_some() || self.transports.sms.is_some() || self.triggers.transport().is_some()
    }
}

/// What a log line says of a message: never its code or text, and the destination masked.
struct Logged<'a> {
    id: &'a str,
    pool_id: &'a str,
    channel: &'static str,
    destination: String,
}

impl<'a> Logged<'a> {
    fn of(message: &'a Message, row: &'a QueuedMessage) -> Self {
        Self {
            id: &row.id,
            pool_id: &row.pool_id,
            channel: message.channel.name(),
            destination: mask_destination(&message.destination),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_ten_minutes() {
        let delays: Vec<i64> = (1..=MAX_ATTEMPTS).map(retry_delay).collect();
        assert_eq!(&delays[..6], &[5, 10, 20, 40, 80, 160]);
        assert_eq!(*delays.last().unwrap_or(&0), 600);
        assert!(delays.iter().sum::<i64>() > 40 * 60, "about 45 minutes of trying in all");
    }
}
