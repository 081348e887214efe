//! Reading a request body whole, with a size limit, a hard cap and a deadline.
//!
//! A body over the limit is still read to its end (and thrown away) before the error is sent:
//! clients such as Python's http.client, boto3 and curl write the whole body before they read,
//! and a server that answers and closes early makes them see a connection reset instead of the
//! answer. Past the cap, or when the body is slower than the deadline, the server answers and
//! closes the connection, and says so in its log.

use std::time::Duration;

use axum::body::Body;
use axum::http::header;
use axum::http::request::Parts;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;

/// Largest request body the API accepts; Cognito's largest requests are far smaller.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Largest body the server reads (and discards) to answer "too large" on an open connection;
/// past it, the connection is closed.
pub const DRAIN_CAP_BYTES: u64 = 16 * 1024 * 1024;

/// Why a body could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Longer than the limit. `drained`: the rest was read, so the connection may stay open;
    /// otherwise it must close (past the cap, or the client waits for `100 Continue`).
    TooLarge { drained: bool },
    /// Not complete within the deadline; the connection must close.
    TooSlow,
    /// The client broke off or sent a malformed chunked body.
    Broken,
}

impl BodyError {
    /// Whether the answer must close the connection (the rest of the body is still unread).
    pub fn closes_connection(self) -> bool {
        !matches!(self, BodyError::TooLarge { drained: true })
    }
}

/// Reads `body` whole: at most `limit` bytes kept, within `deadline` from now.
pub async fn read(parts: &Parts, body: Body, limit: usize, deadline: Duration) -> Result<Bytes, BodyError> {
    let declared =
        parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if let Some(length) = declared.filter(|&n| n > limit as u64) {
        // A client that waits for `100 Continue` has sent nothing yet: answer before it does.
        let waits =
            parts.headers.get(header::EXPECT).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
        if waits {
            return Err(BodyError::TooLarge { drained: false });
        }
        if length > DRAIN_CAP_BYTES {
            tracing::info!(length, cap = DRAIN_CAP_BYTES, "closing a connection: declared body is over the cap");
            return Err(BodyError::TooLarge { drained: false });
        }
    }
    match tokio::time::timeout(deadline, collect(body, limit)).await {
        Ok(result) => result,
        Err(_) => {
            tracing::info!(
                seconds = deadline.as_secs_f64(),
                "closing a connection: the body did not arrive within the body timeout"
            );
            Err(BodyError::TooSlow)
        }
    }
}

async fn collect(mut body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let mut kept = BytesMut::new();
    let mut total: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Broken)?;
        let Ok(data) = frame.into_data() else { continue };
        total += data.len() as u64;
        if total > DRAIN_CAP_BYTES {
            tracing::info!(cap = DRAIN_CAP_BYTES, "closing a connection: body is over the cap");
            return Err(BodyError::TooLarge { drained: false });
        }
        if total <= limit as u64 {
            kept.extend_from_slice(&data);
        }
    }
    if total > limit as u64 {
        return Err(BodyError::TooLarge { drained: true });
    }
    Ok(kept.freeze())
}
