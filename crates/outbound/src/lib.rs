//! Cognate's outbound calls, each kind through one small client with its timeouts, retries and
//! signatures in one place, and never inside a database transaction: the HTTP client that
//! identity providers, the SMS webhook and triggers are called with, and the SMTP transport for email.
//! The delivery worker (in `cognate-domain`) drives the last two.

pub mod http_client;
pub mod signing;
pub mod sms_webhook;
pub mod smtp;
pub mod tls;
pub mod trigger_webhook;

pub use http_client::HttpUpstream;
pub use sms_webhook::{SmsWebhook, SmsWebhookSettings};
pub use smtp::{SmtpDelivery, SmtpSecurity, SmtpSettings};
pub use trigger_webhook::TriggerWebhook;
