//! Cognate's outbound calls, each kind through one small client with its timeouts, retries and
//! signatures in one place, and never inside a database transaction: the HTTP client that
//! identity providers and the SMS webhook are called with, and the SMTP transport for email.
//! The delivery worker (in `cognate-domain`) drives the last two.

pub mod http_client;
pub mod sms_webhook;
pub mod smtp;
pub mod tls;

pub use http_client::HttpUpstream;
pub use sms_webhook::{SmsWebhook, SmsWebhookSettings};
pub use smtp::{SmtpDelivery, SmtpSecurity, SmtpSettings};
