//! Email over SMTP with lettre's protocol client: STARTTLS (submission, port 587), implicit TLS
//! (port 465) or, to a relay on this machine only, plain SMTP; optional authentication; every
//! step bounded in time. Connections are Cognate's own, kept in a small pool and opened with
//! TCP_NODELAY: lettre's end-of-data write after the body otherwise waits out the peer's delayed
//! ACK (40 ms a message). The pool's `From` and `ReplyToEmailAddress` head the message when it
//! sets them, else the server's sender.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use cognate_domain::{Delivery, DeliveryError, Message};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Connections kept open to the SMTP server: as many as the worker has messages in flight.
pub const SMTP_CONNECTIONS: u32 = cognate_domain::delivery::worker::IN_FLIGHT as u32;

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

/// How long a connection may sit unused in the pool before it is closed rather than reused.
const IDLE: Duration = Duration::from_secs(30);

/// How a new connection is secured.
enum Security {
    /// lettre upgrades the plain connection after EHLO.
    StartTls(TlsParameters),
    /// TLS from the first byte, with this client configuration.
    Implicit(tokio_rustls::TlsConnector, rustls::pki_types::ServerName<'static>),
    None,
}

/// Sends email through one SMTP server.
pub struct SmtpDelivery {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    timeout: Duration,
    hello: ClientId,
    from: Mailbox,
    /// Open connections not in use, with when each was last used. Locked only to take or put one.
    idle: Mutex<Vec<(Instant, AsyncSmtpConnection)>>,
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A TLS stream as lettre's protocol client takes one.
#[derive(Debug)]
struct ImplicitTls(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncRead for ImplicitTls {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for ImplicitTls {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for ImplicitTls {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

/// Why a send failed, for the worker: 5xx is the server refusing this message (another try would
/// be refused too); anything else (unreachable, 4xx, a timeout) is worth another try.
fn failure(e: lettre::transport::smtp::Error) -> DeliveryError {
    if e.is_permanent() {
        DeliveryError::Permanent(format!("the SMTP server refused it: {e}"))
    } else {
        DeliveryError::Transient(format!("SMTP: {e}"))
    }
}

impl SmtpDelivery {
    /// A transport for `settings`; connections are opened when the first message goes.
    pub fn new(settings: &SmtpSettings) -> Result<Self, String> {
        let from: Mailbox = settings.from.parse().map_err(|e| format!("smtp from '{}': {e}", settings.from))?;
        let security = match settings.security {
            SmtpSecurity::None if !is_loopback(&settings.host) => {
                return Err(format!(
                    "smtp security 'none' sends codes and the password in clear: only to a relay on this machine, not {}",
                    settings.host
                ));
            }
            SmtpSecurity::None => Security::None,
            SmtpSecurity::StartTls => {
                let mut parameters = TlsParameters::builder(settings.host.clone());
                for pem in &settings.ca_pem {
                    let certificate = Certificate::from_pem(pem).map_err(|e| format!("smtp CA certificate: {e}"))?;
                    parameters = parameters.add_root_certificate(certificate);
                }
                Security::StartTls(parameters.build_rustls().map_err(|e| format!("smtp TLS settings: {e}"))?)
            }
            SmtpSecurity::Tls => {
                let config =
                    crate::tls::client_config(&settings.ca_pem).map_err(|e| format!("smtp TLS settings: {e}"))?;
                let name = rustls::pki_types::ServerName::try_from(settings.host.clone())
                    .map_err(|e| format!("smtp host {}: {e}", settings.host))?;
                Security::Implicit(tokio_rustls::TlsConnector::from(Arc::new(config)), name)
            }
        };
        Ok(Self {
            host: settings.host.clone(),
            port: settings.port,
            security,
            credentials: settings
                .credentials
                .as_ref()
                .map(|(user, password)| Credentials::new(user.clone(), password.clone())),
            timeout: settings.timeout,
            hello: ClientId::default(),
            from,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// A new connection: TCP (no Nagle), TLS as configured, EHLO, AUTH.
    async fn connect(&self) -> Result<AsyncSmtpConnection, DeliveryError> {
        let unreachable = |e: &dyn std::fmt::Display| {
            DeliveryError::Transient(format!("SMTP: cannot reach {}:{}: {e}", self.host, self.port))
        };
        let tcp = TcpStream::connect((self.host.as_str(), self.port)).await.map_err(|e| unreachable(&e))?;
        tcp.set_nodelay(true).map_err(|e| unreachable(&e))?;
        let mut connection = match &self.security {
            Security::Implicit(connector, name) => {
                let tls = connector.connect(name.clone(), tcp).await.map_err(|e| unreachable(&e))?;
                AsyncSmtpConnection::connect_with_transport(Box::new(ImplicitTls(tls)), &self.hello)
                    .await
                    .map_err(failure)?
            }
            Security::StartTls(parameters) => {
                let mut plain =
                    AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello).await.map_err(failure)?;
                if !plain.can_starttls() {
                    return Err(DeliveryError::Transient(format!(
                        "SMTP: {}:{} does not offer STARTTLS; not sending in clear",
                        self.host, self.port
                    )));
                }
                plain.starttls(parameters.clone(), &self.hello).await.map_err(failure)?;
                plain
            }
            Security::None => {
                AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello).await.map_err(failure)?
            }
        };
        if let Some(credentials) = &self.credentials {
            connection.auth(&[Mechanism::Plain, Mechanism::Login], credentials).await.map_err(failure)?;
        }
        Ok(connection)
    }

    /// A pooled connection still fresh, if any (stale ones are dropped).
    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while let Some((since, connection)) = idle.pop() {
            if since.elapsed() < IDLE && !connection.has_broken() {
                return Some(connection);
            }
        }
        None
    }

    fn put_idle(&self, connection: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < SMTP_CONNECTIONS as usize && !connection.has_broken() {
            idle.push((Instant::now(), connection));
        }
    }

    /// One SMTP transaction on `connection`, bounded in time.
    async fn send_on(
        &self,
        connection: &mut AsyncSmtpConnection,
        envelope: &lettre::address::Envelope,
        bytes: &[u8],
    ) -> Result<(), DeliveryError> {
        match tokio::time::timeout(self.timeout, connection.send(envelope, bytes)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(failure(e)),
            Err(_) => Err(DeliveryError::Transient(format!("SMTP: no answer within {:?}", self.timeout))),
        }
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
        let (envelope, bytes) = (email.envelope().clone(), email.formatted());
        // A pooled connection the server has since closed fails at once: then a fresh one.
        if let Some(mut connection) = self.take_idle() {
            match self.send_on(&mut connection, &envelope, &bytes).await {
                Ok(()) => {
                    self.put_idle(connection);
                    return Ok(());
                }
                Err(DeliveryError::Permanent(refused)) => {
                    self.put_idle(connection);
                    return Err(DeliveryError::Permanent(refused));
                }
                Err(DeliveryError::Transient(_)) => {}
            }
        }
        let mut connection = tokio::time::timeout(self.timeout, self.connect())
            .await
            .map_err(|_| DeliveryError::Transient(format!("SMTP: no connection within {:?}", self.timeout)))??;
        let sent = self.send_on(&mut connection, &envelope, &bytes).await;
        self.put_idle(connection);
        sent
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
            sender: None,
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
