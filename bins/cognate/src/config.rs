//! The configuration: one typed struct layered from defaults, a TOML file, `COGNATE_*`
//! environment variables (and `*_FILE` secrets) and command-line flags, validated at start-up.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use cognate_crypto::password::HashCost;
use cognate_http::Timeouts;
use cognate_outbound::{SmsWebhookSettings, SmtpSecurity, SmtpSettings};
use cognate_proto::pools::{ClientSettingsFields, CreateUserPoolRequest};
use serde::Deserialize;

/// Flags of `cognate serve`; each also reads an environment variable.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// TOML configuration file (default: ./cognate.toml when it exists).
    #[arg(long, env = "COGNATE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:9229].
    #[arg(long, env = "COGNATE_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Directory for the database and generated secrets [default: ./.cognate].
    #[arg(long, env = "COGNATE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Base URL clients reach the server at; issuers are `<public-url>/<poolId>`.
    #[arg(long, env = "COGNATE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// JSON-lines file that receives every message the server sends.
    #[arg(long, env = "COGNATE_OUTBOX")]
    pub outbox: Option<PathBuf>,
    /// Database URL [default: sqlite://<data-dir>/cognate.db].
    #[arg(long, env = "COGNATE_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Password hashing cost: `owasp` (default) or `development` (fast, for tests only).
    #[arg(long, env = "COGNATE_PASSWORD_HASH")]
    pub password_hash: Option<String>,
    /// PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(long, env = "COGNATE_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the certificate.
    #[arg(long, env = "COGNATE_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// A second address served over HTTPS, with --tls-cert's certificate or else one from a
    /// local CA made in the data directory; `off` for none [default: 127.0.0.1:9443].
    #[arg(long, env = "COGNATE_TLS_LISTEN", value_name = "ADDR|off")]
    pub tls_listen: Option<String>,
    /// Issue tokens with Amazon Cognito's issuer (`https://cognito-idp.<region>.amazonaws.com/<poolId>`),
    /// for verifiers hard-wired to AWS.
    #[arg(long, env = "COGNATE_AWS_ISSUER")]
    pub aws_issuer: bool,
    /// Seconds a client has to send a request's head (and a TLS handshake) [default: 10]; 0 turns
    /// it off (behind a proxy that enforces its own).
    #[arg(long, env = "COGNATE_HEADER_TIMEOUT", value_name = "SECONDS")]
    pub header_timeout: Option<u64>,
    /// Seconds a client has to send a request's body after its head [default: 30].
    #[arg(long, env = "COGNATE_BODY_TIMEOUT", value_name = "SECONDS")]
    pub body_timeout: Option<u64>,
    /// Text messages each pool may send per UTC day (the SMS spend cap) [default: no limit].
    #[arg(long, env = "COGNATE_SMS_DAILY_LIMIT", value_name = "MESSAGES")]
    pub sms_daily_limit: Option<u32>,
    /// Text messages one phone number may be sent per hour [default: no limit].
    #[arg(long, env = "COGNATE_SMS_HOURLY_LIMIT_PER_NUMBER", value_name = "MESSAGES")]
    pub sms_hourly_limit_per_number: Option<u32>,
}

/// The `cognate.toml` file. Pools and clients use the field names of CreateUserPool and
/// CreateUserPoolClient, plus a fixed `Id` / `ClientId`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub public_url: Option<String>,
    pub outbox: Option<PathBuf>,
    pub database_url: Option<String>,
    pub region: Option<String>,
    pub password_hash: Option<HashSetting>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub tls_listen: Option<String>,
    pub aws_issuer: Option<bool>,
    pub header_timeout: Option<u64>,
    pub body_timeout: Option<u64>,
    pub sms_daily_limit: Option<u32>,
    pub sms_hourly_limit_per_number: Option<u32>,
    /// Email over SMTP (else email goes to the log or the outbox).
    pub smtp: Option<SmtpFileConfig>,
    /// Text messages through a signed webhook (else they go to the log or the outbox).
    pub sms_webhook: Option<SmsWebhookFileConfig>,
    /// Where the pools' Lambda triggers run.
    pub triggers: Option<TriggersFileConfig>,
    #[serde(default)]
    pub access_keys: Vec<AccessKeyConfig>,
    #[serde(default)]
    pub pools: Vec<PoolConfig>,
}

/// The `[smtp]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpFileConfig {
    pub host: String,
    /// Default: 587 for starttls, 465 for tls, 25 for none.
    pub port: Option<u16>,
    /// `starttls` (default), `tls` (implicit TLS) or `none` (a relay on this machine only).
    pub security: Option<String>,
    pub username: Option<String>,
    /// Better given as COGNATE_SMTP_PASSWORD (or COGNATE_SMTP_PASSWORD_FILE).
    pub password: Option<String>,
    /// The sender when a pool's EmailConfiguration names none.
    pub from: String,
    /// A PEM file of certificate authorities to trust besides the system's.
    pub ca_file: Option<PathBuf>,
    /// Seconds one SMTP command may take [default: 15].
    pub timeout_seconds: Option<u64>,
}

/// The `[sms_webhook]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsWebhookFileConfig {
    pub url: String,
    /// The HMAC key of the signature; better given as COGNATE_SMS_WEBHOOK_SECRET (or `_FILE`).
    pub secret: Option<String>,
    /// Seconds one call may take [default: 10].
    pub timeout_seconds: Option<u64>,
}

/// The `[triggers]` table: the secret calls are signed with, and `[[triggers.functions]]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggersFileConfig {
    /// The HMAC key of the signature; better given as COGNATE_TRIGGER_SECRET (or `_FILE`).
    pub secret: Option<String>,
    #[serde(default)]
    pub functions: Vec<TriggerFunctionConfig>,
}

/// One `[[triggers.functions]]` entry: the ARNs it covers (`*` for any run within a field) and
/// the URL their calls go to (`{function}` for the function's name).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerFunctionConfig {
    pub arn: String,
    pub url: String,
}

/// Where triggers run: the routes, and the secret their calls are signed with.
#[derive(Debug, Clone)]
pub struct TriggerSettings {
    pub routes: cognate_domain::triggers::FunctionRoutes,
    pub secret: Vec<u8>,
}

/// A named cost or explicit argon2id parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum HashSetting {
    Named(String),
    Custom(HashCost),
}

/// An AWS access key pair accepted on signed actions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessKeyConfig {
    pub id: String,
    pub secret: String,
}

/// A pool created at start-up if it does not exist yet.
#[derive(Debug, Clone, Deserialize)]
pub struct PoolConfig {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(flatten)]
    pub request: CreateUserPoolRequest,
    #[serde(rename = "Clients", default)]
    pub clients: Vec<ClientConfig>,
    /// A prefix domain (as CreateUserPoolDomain's `Domain`), which turns on the pool's OAuth
    /// endpoints and hosted pages.
    #[serde(rename = "Domain")]
    pub domain: Option<String>,
    /// Identity providers (as CreateIdentityProvider takes them), made before the clients that
    /// list them in SupportedIdentityProviders.
    #[serde(rename = "IdentityProviders", default)]
    pub identity_providers: Vec<IdentityProviderConfig>,
    /// The pool's MFA configuration (as SetUserPoolMfaConfig takes it, without the pool id),
    /// applied when the pool is created.
    #[serde(rename = "MfaConfig")]
    pub mfa: Option<MfaConfig>,
}

/// SetUserPoolMfaConfig's members, for a pool of the config file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct MfaConfig {
    pub mfa_configuration: Option<String>,
    pub software_token_mfa_configuration: Option<cognate_proto::mfa::SoftwareTokenMfaConfigType>,
    pub sms_mfa_configuration: Option<cognate_proto::mfa::SmsMfaConfigType>,
    pub email_mfa_configuration: Option<cognate_proto::mfa::EmailMfaConfigType>,
    pub web_authn_configuration: Option<cognate_proto::passkeys::WebAuthnConfigurationType>,
}

/// An identity provider of a pool, created at start-up if it does not exist yet.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityProviderConfig {
    pub provider_name: String,
    pub provider_type: String,
    #[serde(default)]
    pub provider_details: std::collections::BTreeMap<String, String>,
    pub attribute_mapping: Option<std::collections::BTreeMap<String, String>>,
    pub idp_identifiers: Option<Vec<String>>,
}

/// An app client created at start-up if it does not exist yet.
#[derive(Debug, Clone, Deserialize)]
pub struct ClientConfig {
    #[serde(rename = "ClientId")]
    pub id: String,
    #[serde(rename = "GenerateSecret", default)]
    pub generate_secret: bool,
    /// A fixed secret (Cognate's addition, as a fixed `ClientId` is): for a confidential client
    /// that a demo's verifier or gate must know before the server first starts.
    #[serde(rename = "ClientSecret")]
    pub secret: Option<String>,
    #[serde(flatten)]
    pub settings: ClientSettingsFields,
}

/// The validated configuration the server runs with.
#[derive(Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub public_url: String,
    pub outbox: Option<PathBuf>,
    pub database_url: String,
    pub region: String,
    pub hash_cost: HashCost,
    /// Certificate chain and key files, when serving HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// The second, HTTPS, address.
    pub tls_listen: TlsListen,
    pub aws_issuer: bool,
    /// How long clients may take to send a request.
    pub timeouts: Timeouts,
    /// The SMS spend cap.
    pub sms_limits: cognate_domain::SmsLimits,
    /// Email over SMTP, when configured.
    pub smtp: Option<SmtpSettings>,
    /// Text messages through the webhook, when configured.
    pub sms_webhook: Option<SmsWebhookSettings>,
    /// Where triggers run, when configured.
    pub triggers: Option<TriggerSettings>,
    pub access_keys: Vec<AccessKeyConfig>,
    pub pools: Vec<PoolConfig>,
    pub config_file: Option<PathBuf>,
}

/// Where the second, HTTPS, listener goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsListen {
    /// Nowhere.
    Off,
    /// The default address: if it is taken (another instance has it), the server goes on
    /// without it.
    Default(SocketAddr),
    /// An address the operator chose: failing to listen there stops the start.
    Chosen(SocketAddr),
}

impl TlsListen {
    /// The default second address: Amplify's hosted-UI calls need HTTPS.
    pub const DEFAULT: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 9443);

    fn parse(value: Option<String>) -> Result<Self, String> {
        match value.as_deref().map(str::trim) {
            None => Ok(Self::Default(Self::DEFAULT)),
            Some("off" | "none" | "") => Ok(Self::Off),
            Some(addr) => addr
                .parse()
                .map(Self::Chosen)
                .map_err(|_| format!("tls_listen must be an address such as 127.0.0.1:9443, or off: {addr}")),
        }
    }
}

/// Reads an environment variable, or the file its `*_FILE` twin names (for secrets).
fn env_or_file(name: &str) -> Result<Option<String>, String> {
    if let Ok(value) = std::env::var(name) {
        return Ok(Some(value));
    }
    match std::env::var(format!("{name}_FILE")) {
        Ok(path) => std::fs::read_to_string(&path)
            .map(|s| Some(s.trim().to_owned()))
            .map_err(|e| format!("cannot read {name}_FILE ({path}): {e}")),
        Err(_) => Ok(None),
    }
}

fn hash_cost(setting: Option<HashSetting>) -> Result<HashCost, String> {
    match setting {
        None => Ok(HashCost::OWASP),
        Some(HashSetting::Named(name)) => match name.as_str() {
            "owasp" => Ok(HashCost::OWASP),
            "development" => Ok(HashCost::DEVELOPMENT),
            other => Err(format!("unknown password_hash '{other}' (expected owasp, development or a table)")),
        },
        Some(HashSetting::Custom(cost)) => {
            if cost.memory_kib < HashCost::DEVELOPMENT.memory_kib || cost.iterations == 0 || cost.parallelism == 0 {
                return Err("password_hash parameters are below the cheapest allowed (memory_kib >= 64, iterations >= 1, parallelism >= 1)".into());
            }
            Ok(cost)
        }
    }
}

fn timeouts(header: Option<u64>, body: Option<u64>) -> Result<Timeouts, String> {
    let mut timeouts = Timeouts::default();
    match header {
        // Off: for a server behind a proxy that enforces its own header timeout.
        Some(0) => timeouts.header = None,
        Some(seconds) => timeouts.header = Some(Duration::from_secs(seconds)),
        None => {}
    }
    match body {
        Some(0) => return Err("body_timeout must be at least 1 second".into()),
        Some(seconds) => timeouts.body = Duration::from_secs(seconds),
        None => {}
    }
    Ok(timeouts)
}

fn smtp(file: Option<SmtpFileConfig>) -> Result<Option<SmtpSettings>, String> {
    let Some(file) = file else { return Ok(None) };
    let security = SmtpSecurity::parse(file.security.as_deref().unwrap_or("starttls"))?;
    let password = env_or_file("COGNATE_SMTP_PASSWORD")?.or(file.password);
    let credentials = match (file.username, password) {
        (Some(user), Some(password)) => Some((user, password)),
        (None, None) => None,
        _ => return Err("smtp username and password must be given together".into()),
    };
    let ca_pem = match &file.ca_file {
        Some(path) => {
            vec![std::fs::read(path).map_err(|e| format!("cannot read smtp ca_file {}: {e}", path.display()))?]
        }
        None => Vec::new(),
    };
    let timeout = Duration::from_secs(file.timeout_seconds.unwrap_or(15).max(1));
    let settings = SmtpSettings {
        port: file.port.unwrap_or(security.default_port()),
        host: file.host,
        security,
        credentials,
        from: file.from,
        ca_pem,
        timeout,
    };
    // The sender and the TLS settings are checked now, not at the first message.
    cognate_outbound::SmtpDelivery::new(&settings)?;
    Ok(Some(settings))
}

fn sms_webhook(file: Option<SmsWebhookFileConfig>) -> Result<Option<SmsWebhookSettings>, String> {
    let Some(file) = file else { return Ok(None) };
    let secret = env_or_file("COGNATE_SMS_WEBHOOK_SECRET")?
        .or(file.secret)
        .ok_or("sms_webhook needs a secret to sign its calls with (COGNATE_SMS_WEBHOOK_SECRET or secret)")?;
    let timeout = Duration::from_secs(file.timeout_seconds.unwrap_or(10).max(1));
    Ok(Some(SmsWebhookSettings { url: file.url, secret: secret.into_bytes(), timeout }))
}

/// The trigger routes: the file's `[[triggers.functions]]`, then COGNATE_TRIGGER_URL (every
/// Lambda function ARN, qualified or not, to one URL template).
fn triggers(file: Option<TriggersFileConfig>) -> Result<Option<TriggerSettings>, String> {
    let file = file.unwrap_or_default();
    let mut pairs: Vec<(String, String)> = file.functions.into_iter().map(|f| (f.arn, f.url)).collect();
    if let Some(url) = env_or_file("COGNATE_TRIGGER_URL")? {
        pairs.push(("arn:*:lambda:*:*:function:*".into(), url.clone()));
        pairs.push(("arn:*:lambda:*:*:function:*:*".into(), url));
    }
    if pairs.is_empty() {
        return Ok(None);
    }
    let secret = env_or_file("COGNATE_TRIGGER_SECRET")?
        .or(file.secret)
        .ok_or("triggers need a secret to sign their calls with (COGNATE_TRIGGER_SECRET or [triggers] secret)")?;
    if secret.len() < 16 {
        return Err("the trigger secret must be at least 16 bytes".into());
    }
    let routes = cognate_domain::triggers::FunctionRoutes::new(pairs)?;
    Ok(Some(TriggerSettings { routes, secret: secret.into_bytes() }))
}

impl Config {
    /// Layers defaults, the file, the environment and the flags, and validates the result.
    pub fn load(args: ServeArgs) -> Result<Self, String> {
        let config_file = args.config.clone().or_else(|| {
            let default = Path::new("cognate.toml");
            default.exists().then(|| default.to_path_buf())
        });
        let file: FileConfig = match &config_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                toml::from_str(&text).map_err(|e| format!("invalid {}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let listen = args.listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 9229)));
        let data_dir = args.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from(".cognate"));
        let tls = match (args.tls_cert.or(file.tls_cert), args.tls_key.or(file.tls_key)) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => return Err("tls_cert and tls_key must be given together".into()),
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let public_url = args
            .public_url
            .or(file.public_url)
            .unwrap_or_else(|| format!("{scheme}://{listen}"))
            .trim_end_matches('/')
            .to_owned();
        if !public_url.starts_with("http://") && !public_url.starts_with("https://") {
            return Err(format!("public URL must start with http:// or https://: {public_url}"));
        }
        let database_url = args
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("cognate.db").display()));
        let setting = args.password_hash.map(HashSetting::Named).or(file.password_hash);
        let mut access_keys = file.access_keys;
        match (env_or_file("COGNATE_ACCESS_KEY_ID")?, env_or_file("COGNATE_SECRET_ACCESS_KEY")?) {
            (Some(id), Some(secret)) => access_keys.push(AccessKeyConfig { id, secret }),
            (None, None) => {}
            _ => return Err("COGNATE_ACCESS_KEY_ID and COGNATE_SECRET_ACCESS_KEY must be set together".into()),
        }
        Ok(Self {
            listen,
            data_dir,
            public_url,
            outbox: args.outbox.or(file.outbox),
            database_url,
            region: file.region.unwrap_or_else(|| "us-east-1".into()),
            hash_cost: hash_cost(setting)?,
            tls,
            tls_listen: TlsListen::parse(args.tls_listen.or(file.tls_listen))?,
            aws_issuer: args.aws_issuer || file.aws_issuer.unwrap_or(false),
            timeouts: timeouts(args.header_timeout.or(file.header_timeout), args.body_timeout.or(file.body_timeout))?,
            sms_limits: cognate_domain::SmsLimits {
                daily_per_pool: args.sms_daily_limit.or(file.sms_daily_limit),
                hourly_per_destination: args.sms_hourly_limit_per_number.or(file.sms_hourly_limit_per_number),
            },
            smtp: smtp(file.smtp)?,
            sms_webhook: sms_webhook(file.sms_webhook)?,
            triggers: triggers(file.triggers)?,
            access_keys,
            pools: file.pools,
            config_file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_header_timeout_turns_it_off_and_a_zero_body_timeout_is_refused() {
        let defaults = timeouts(None, None).unwrap_or_default();
        assert_eq!((defaults.header, defaults.body), (Some(Duration::from_secs(10)), Duration::from_secs(30)));
        let set = timeouts(Some(2), Some(3)).unwrap_or_default();
        assert_eq!((set.header, set.body), (Some(Duration::from_secs(2)), Duration::from_secs(3)));
        assert_eq!(timeouts(Some(0), None).map(|t| t.header), Ok(None));
        assert!(timeouts(None, Some(0)).is_err());
    }

    #[test]
    fn the_https_address_defaults_to_9443_and_can_be_chosen_or_turned_off() {
        assert_eq!(TlsListen::parse(None), Ok(TlsListen::Default(TlsListen::DEFAULT)));
        assert_eq!(TlsListen::parse(Some("off".into())), Ok(TlsListen::Off));
        let chosen = TlsListen::parse(Some("127.0.0.1:0".into()));
        assert_eq!(chosen, Ok(TlsListen::Chosen(SocketAddr::from(([127, 0, 0, 1], 0)))));
        assert!(TlsListen::parse(Some("localhost".into())).is_err());
    }
}
