//! Email over SMTP with lettre: STARTTLS (submission, port 587), implicit TLS (port 465) or, to
//! a relay on this machine only, plain SMTP; optional authentication; a small pool of
//! connections; every conversation bounded in time. The pool's `From` and `ReplyToEmailAddress`
//! head the message when it sets them, else the server's sender.

use std::time::Duration;

use async_trait::async_trait;
use cognate_domain::{Delivery, DeliveryError, Message};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which the server must offer.
    StartTls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No TLS: only to a relay on a loopback address.
    None,
}

impl SmtpSecurity {
    /// `starttls`, `tls` or `none`.
    pub fn parse(name: &str) -> Result<Self, String> {
        match name {
            "starttls" => Ok(Self::StartTls),
            "tls" => Ok(Self::Tls),
            "none" => Ok(Self::None),
            other => Err(format!("unknown SMTP security '{other}' (expected starttls, tls or none)")),
        }
    }

    /// The usual port of each.
    pub fn default_port(self) -> u16 {
        match self {
            Self::StartTls => 587,
            Self::Tls => 465,
            Self::None => 25,
        }
    }
}

/// Where and how to send email.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// User name and password, when the server asks for authentication.
    pub credentials: Option<(String, String)>,
    /// The sender when the pool names none: `Name <address>` or an address.
    pub from: String,
    /// Extra certificate authorities (PEM) to trust besides the system's: a private CA.
    pub ca_pem: Vec<Vec<u8>>,
    /// How long one SMTP command may take.
    pub timeout: Duration,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .field("from", &self.from)
            .finish()
    }
}

/// Sends email through one SMTP server.
pub struct SmtpDelivery {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl SmtpDelivery {
    /// A transport for `settings`; connections are opened when the first message goes.
    pub fn new(settings: &SmtpSettings) -> Result<Self, String> {
        let from: Mailbox = settings.from.parse().map_err(|e| format!("smtp from '{}': {e}", settings.from))?;
        let tls = match settings.security {
            SmtpSecurity::None if !is_loopback(&settings.host) => {
                return Err(format!(
                    "smtp security 'none' sends codes and the password in clear: only to a relay on this machine, not {}",
                    settings.host
                ));
            }
            SmtpSecurity::None => Tls::None,
            security => {
                let mut parameters = TlsParameters::builder(settings.host.clone());
                for pem in &settings.ca_pem {
                    let certificate = Certificate::from_pem(pem).map_err(|e| format!("smtp CA certificate: {e}"))?;
                    parameters = parameters.add_root_certificate(certificate);
                }
                let parameters = parameters.build_rustls().map_err(|e| format!("smtp TLS settings: {e}"))?;
                if security == SmtpSecurity::Tls {
                    Tls::Wrapper(parameters)
                } else {
                    Tls::Required(parameters)
                }
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.clone())
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout))
            .pool_config(PoolConfig::new().max_size(4).idle_timeout(Duration::from_secs(30)));
        if let Some((user, password)) = &settings.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self { transport: builder.build(), from })
    }

    /// The email of a message: the pool's sender or ours, the pool's reply-to, HTML when the
    /// text has markup (a confirmation link), plain text otherwise.
    fn email(&self, m: &Message) -> Result<lettre::Message, DeliveryError> {
        let refuse = |what: &str, e: &dyn std::fmt::Display| DeliveryError::Permanent(format!("{what}: {e}"));
        let from = match &m.from {
            Some(from) => from.parse::<Mailbox>().map_err(|e| refuse("the pool's From", &e))?,
            None => self.from.clone(),
        };
        let to: Mailbox = m.destination.parse().map_err(|e| refuse("the recipient", &e))?;
        let mut builder =
            lettre::Message::builder().from(from).to(to).subject(m.subject.clone().unwrap_or_default()).date_now();
        if let Some(reply_to) = &m.reply_to {
            builder = builder.reply_to(reply_to.parse().map_err(|e| refuse("the pool's ReplyToEmailAddress", &e))?);
        }
        let kind = if m.text.contains('<') { ContentType::TEXT_HTML } else { ContentType::TEXT_PLAIN };
        builder.header(kind).body(m.text.clone()).map_err(|e| refuse("the message", &e))
    }
}

#[async_trait]
impl Delivery for SmtpDelivery {
    async fn deliver(&self, m: &Message) -> Result<(), DeliveryError> {
        let email = self.email(m)?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            // 5xx: the server refused this message (a bad address, a policy); another try
            // would be refused too. Anything else (unreachable, 4xx, a timeout) is retried.
            Err(e) if e.is_permanent() => Err(DeliveryError::Permanent(format!("the SMTP server refused it: {e}"))),
            Err(e) => Err(DeliveryError::Transient(format!("SMTP: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(host: &str, security: SmtpSecurity) -> SmtpSettings {
        SmtpSettings {
            host: host.into(),
            port: 2525,
            security,
            credentials: None,
            from: "Cognate <no-reply@example.com>".into(),
            ca_pem: Vec::new(),
            timeout: Duration::from_secs(5),
        }
    }

    // The transport's connection pool lives on the Tokio runtime, hence the async tests.
    #[tokio::test]
    async fn plain_smtp_is_only_for_a_relay_on_this_machine() {
        assert!(SmtpDelivery::new(&settings("127.0.0.1", SmtpSecurity::None)).is_ok());
        assert!(SmtpDelivery::new(&settings("localhost", SmtpSecurity::None)).is_ok());
        let remote = SmtpDelivery::new(&settings("smtp.example.com", SmtpSecurity::None));
        assert!(remote.is_err_and(|e| e.contains("in clear")));
        assert!(SmtpDelivery::new(&settings("smtp.example.com", SmtpSecurity::StartTls)).is_ok());
        assert!(SmtpSecurity::parse("ssl").is_err());
    }

    #[tokio::test]
    async fn the_pools_sender_heads_the_email_and_markup_makes_it_html() {
        let smtp = SmtpDelivery::new(&settings("127.0.0.1", SmtpSecurity::None)).unwrap();
        let mut message = Message {
            id: "m1".into(),
            time: 0,
            pool_id: "p".into(),
            username: "ana".into(),
            destination: "ana@example.com".into(),
            channel: cognate_domain::Channel::Email,
            purpose: cognate_domain::model::CodePurpose::SignUp,
            code: "123456".into(),
            subject: Some("Your code".into()),
            text: "Your code is 123456".into(),
            from: None,
            reply_to: Some("help@example.com".into()),
        };
        let plain = String::from_utf8(smtp.email(&message).unwrap().formatted()).unwrap();
        assert!(plain.contains("From: Cognate <no-reply@example.com>"), "{plain}");
        assert!(plain.contains("Reply-To: help@example.com") && plain.contains("text/plain"), "{plain}");
        message.from = Some("Cruddur <hello@cruddur.example>".into());
        message.text = "<a href=\"https://x/confirmUser\">Verify</a>".into();
        let html = String::from_utf8(smtp.email(&message).unwrap().formatted()).unwrap();
        assert!(html.contains("From: Cruddur <hello@cruddur.example>") && html.contains("text/html"), "{html}");
        message.destination = "not an address".into();
        assert!(matches!(smtp.email(&message), Err(DeliveryError::Permanent(_))));
    }
}
