//! The model: pools, app clients, users, and the records kept for codes, tokens and sessions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clock::UnixTime;

/// A user pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pool {
    pub id: String,
    pub name: String,
    pub created: UnixTime,
    pub modified: UnixTime,
    /// `email` and/or `phone_number` used as the sign-in name (immutable).
    pub username_attributes: Vec<String>,
    /// `email`, `phone_number`, `preferred_username` accepted as aliases (immutable).
    pub alias_attributes: Vec<String>,
    pub case_sensitive: bool,
    pub schema: Vec<SchemaAttribute>,
    pub settings: PoolSettings,
    /// The pool's prefix domain, once CreateUserPoolDomain gave it one.
    #[serde(default)]
    pub domain: Option<String>,
    /// The pool's custom domain (a fully qualified host name), if any.
    #[serde(default)]
    pub custom_domain: Option<String>,
    /// The hosted pages' branding for every client without its own (SetUICustomization `ALL`).
    #[serde(default)]
    pub ui_customization: Option<UiCustomization>,
    /// SetRiskConfiguration's settings, by client id (`""` for the whole pool).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub risk_configurations: BTreeMap<String, RiskConfiguration>,
}

/// A risk configuration as SetRiskConfiguration gave it: the three parts kept in Cognito's JSON
/// (already checked against the service model), and when it was set. Cognate detects no risk, so
/// none of it changes a sign-in; it is kept for the tools that write and read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskConfiguration {
    pub compromised_credentials: Option<serde_json::Value>,
    pub account_takeover: Option<serde_json::Value>,
    pub risk_exception: Option<serde_json::Value>,
    pub modified: UnixTime,
}

/// The classic hosted UI's branding (SetUICustomization): CSS from Cognito's fixed classes, and
/// a logo. Kept with the pool or client it brands, so pages read it with them at no cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UiCustomization {
    pub css: Option<String>,
    /// The logo as given: base64 (shared, not copied, by every clone of its pool or client).
    pub image: Option<std::sync::Arc<str>>,
    /// `image/png` or `image/jpeg`.
    pub image_type: Option<String>,
    pub created: UnixTime,
    pub modified: UnixTime,
}

/// A user pool domain: a prefix, or a custom host name with its certificate. The pool's hosted
/// (OAuth) endpoints exist once it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolDomain {
    pub domain: String,
    pub pool_id: String,
    /// Custom domains only: the certificate's ARN and TLS policy, as given.
    pub certificate_arn: Option<String>,
    pub security_policy: Option<String>,
    /// 1: the classic hosted UI; 2: managed login.
    pub managed_login_version: i64,
    pub created: UnixTime,
}

impl PoolDomain {
    /// Whether this is a custom domain rather than a prefix.
    pub fn is_custom(&self) -> bool {
        self.certificate_arn.is_some()
    }
}

/// A resource server: an API identified by `identifier`, with the custom scopes clients may be
/// granted as `<identifier>/<scope>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceServer {
    pub pool_id: String,
    pub identifier: String,
    pub name: String,
    pub scopes: Vec<ResourceScope>,
}

/// An external identity provider of a pool (CreateIdentityProvider). The secret details
/// (`client_secret`, `private_key`) are not in `details` but sealed in `sealed_details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProvider {
    pub pool_id: String,
    pub name: String,
    /// `OIDC`, `Google`, `Facebook`, `LoginWithAmazon` or `SignInWithApple`.
    pub provider_type: String,
    /// ProviderDetails as given, but for the secrets.
    pub details: BTreeMap<String, String>,
    /// The secret details, each sealed under the server key (base64), bound to the provider.
    pub sealed_details: BTreeMap<String, String>,
    pub attribute_mapping: BTreeMap<String, String>,
    pub idp_identifiers: Vec<String>,
    pub created: UnixTime,
    pub modified: UnixTime,
}

/// One custom scope of a resource server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceScope {
    pub name: String,
    pub description: String,
}

/// The settings of a pool that UpdateUserPool may change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PoolSettings {
    pub password_policy: PasswordPolicy,
    pub auto_verified_attributes: Vec<String>,
    /// OFF, ON or OPTIONAL.
    pub mfa_configuration: String,
    pub allow_admin_create_user_only: bool,
    pub invite_message: MessageTemplate,
    pub verification_message: MessageTemplate,
    pub tags: BTreeMap<String, String>,
    /// (priority, name) pairs, e.g. (1, "verified_email").
    pub recovery_mechanisms: Vec<(i64, String)>,
    pub attributes_require_verification_before_update: Vec<String>,
    pub deletion_protection: bool,
    /// The sign-up confirmation by link in the email (VerificationMessageTemplate's `*ByLink`).
    #[serde(default)]
    pub verification_link: VerificationLink,
    /// Which second factors the pool offers (`mfa_configuration` says whether they are asked for).
    #[serde(default)]
    pub mfa: PoolMfa,
    /// The sender of the pool's email (EmailConfiguration).
    #[serde(default)]
    pub email_sending: EmailSending,
    /// DeviceConfiguration: with it, the pool tracks and remembers devices.
    #[serde(default)]
    pub devices: Option<DeviceTracking>,
    /// SignInPolicy.AllowedFirstAuthFactors: what USER_AUTH may start with (empty: PASSWORD).
    #[serde(default)]
    pub first_factors: Vec<FirstFactor>,
    /// LambdaConfig: the functions the pool's triggers call.
    #[serde(default)]
    pub triggers: crate::triggers::LambdaConfig,
    /// WalletSignIn (Cognate's extension): CUSTOM_AUTH signs wallets in with EIP-4361 messages.
    #[serde(default)]
    pub wallet: Option<crate::wallet::WalletSignIn>,
}

/// `AuthFactorType`: a first factor a pool can allow for USER_AUTH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FirstFactor {
    #[serde(rename = "PASSWORD")]
    Password,
    #[serde(rename = "EMAIL_OTP")]
    EmailOtp,
    #[serde(rename = "SMS_OTP")]
    SmsOtp,
    #[serde(rename = "WEB_AUTHN")]
    WebAuthn,
}

impl FirstFactor {
    pub const ALL: [FirstFactor; 4] =
        [FirstFactor::Password, FirstFactor::EmailOtp, FirstFactor::SmsOtp, FirstFactor::WebAuthn];

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Password => "PASSWORD",
            Self::EmailOtp => "EMAIL_OTP",
            Self::SmsOtp => "SMS_OTP",
            Self::WebAuthn => "WEB_AUTHN",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// `DeviceConfigurationType`: how a pool that tracks devices treats them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceTracking {
    /// ChallengeRequiredOnNewDevice: a remembered device stands in for an SMS or TOTP code.
    pub remembered_skips_mfa: bool,
    /// DeviceOnlyRememberedOnUserPrompt: ConfirmDevice leaves the device not remembered until
    /// the app calls UpdateDeviceStatus.
    pub remember_on_prompt: bool,
}

/// `EmailConfigurationType`, kept as given: `From` and `ReplyToEmailAddress` head the pool's
/// email; the SES fields are shown back but Cognate sends through its own SMTP delivery.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSending {
    pub from: Option<String>,
    pub reply_to: Option<String>,
    pub source_arn: Option<String>,
    /// COGNITO_DEFAULT or DEVELOPER.
    pub sending_account: Option<String>,
    pub configuration_set: Option<String>,
}

/// The second factors a pool offers: SMS once it has an SMS configuration, software tokens when
/// enabled, email once it has an email MFA configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolMfa {
    /// The SMS MFA message, with `{####}`; Cognito's default when `None`.
    pub sms_message: Option<String>,
    pub sms: Option<SmsConfiguration>,
    pub software_token: bool,
    pub email: Option<EmailMfa>,
    /// WebAuthnConfiguration: how passkeys are registered and asserted.
    #[serde(default)]
    pub web_authn: WebAuthnConfig,
}

/// `WebAuthnConfigurationType`: the relying party passkeys are bound to, whether the
/// authenticator must verify the user, and whether such a passkey counts as two factors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebAuthnConfig {
    /// RelyingPartyId; without one, the pool's custom domain, else the public URL's host once the
    /// pool has a prefix domain (where Cognate serves its hosted pages).
    pub relying_party_id: Option<String>,
    /// UserVerification `required` (else `preferred`, Cognito's default).
    pub user_verification_required: bool,
    /// FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION: users may turn on passkey MFA
    /// (WebAuthnMfaSettings), after which their user-verified passkey sign-ins satisfy MFA.
    pub multi_factor_with_user_verification: bool,
}

impl PoolMfa {
    /// Whether the pool offers this factor.
    pub fn offers(&self, factor: MfaFactor) -> bool {
        match factor {
            MfaFactor::Sms => self.sms.is_some(),
            MfaFactor::SoftwareToken => self.software_token,
            MfaFactor::Email => self.email.is_some(),
        }
    }
}

/// `SmsConfigurationType`, kept as given (Cognate sends SMS through its own delivery).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsConfiguration {
    pub sns_caller_arn: String,
    pub external_id: Option<String>,
    pub sns_region: Option<String>,
}

/// The email MFA message (with `{####}`) and subject; Cognito's defaults when `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailMfa {
    pub message: Option<String>,
    pub subject: Option<String>,
}

/// A second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MfaFactor {
    Sms,
    SoftwareToken,
    Email,
}

impl MfaFactor {
    /// Every factor, in the order Cognito lists them.
    pub const ALL: [MfaFactor; 3] = [MfaFactor::Sms, MfaFactor::SoftwareToken, MfaFactor::Email];

    /// Its name in `UserMFASettingList`, `PreferredMfaSetting` and challenge names.
    pub fn name(self) -> &'static str {
        match self {
            MfaFactor::Sms => "SMS_MFA",
            MfaFactor::SoftwareToken => "SOFTWARE_TOKEN_MFA",
            MfaFactor::Email => "EMAIL_OTP",
        }
    }

    /// Parses a name; `EMAIL_MFA`, which Cognito's documentation also uses, means email.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "SMS_MFA" => Some(MfaFactor::Sms),
            "SOFTWARE_TOKEN_MFA" => Some(MfaFactor::SoftwareToken),
            "EMAIL_OTP" | "EMAIL_MFA" => Some(MfaFactor::Email),
            _ => None,
        }
    }
}

/// A user's second factors and which one is preferred.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserMfa {
    /// The verified software token's secret, sealed under the server key (base64).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
    /// The FriendlyDeviceName given when it was verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totp_name: Option<String>,
    /// A secret from AssociateSoftwareToken that VerifySoftwareToken has not confirmed yet; the
    /// verified one stays in use until then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_totp_secret: Option<String>,
    pub sms_enabled: bool,
    pub totp_enabled: bool,
    pub email_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred: Option<MfaFactor>,
    /// WebAuthnMfaSettings: the user's passkey sign-ins verify the user and count as two
    /// factors (in a pool whose FactorConfiguration allows it).
    pub web_authn: bool,
}

impl UserMfa {
    /// Whether the user turned this factor on.
    pub fn enabled(&self, factor: MfaFactor) -> bool {
        match factor {
            MfaFactor::Sms => self.sms_enabled,
            MfaFactor::SoftwareToken => self.totp_enabled,
            MfaFactor::Email => self.email_enabled,
        }
    }

    /// Turns a factor on or off; turning the preferred one off leaves none preferred.
    pub fn set_enabled(&mut self, factor: MfaFactor, on: bool) {
        match factor {
            MfaFactor::Sms => self.sms_enabled = on,
            MfaFactor::SoftwareToken => self.totp_enabled = on,
            MfaFactor::Email => self.email_enabled = on,
        }
        if !on && self.preferred == Some(factor) {
            self.preferred = None;
        }
    }
}

/// VerificationMessageTemplate's link side: with `by_default` (DefaultEmailOption
/// CONFIRM_WITH_LINK) a sign-up's email carries a link to `/confirmUser` instead of a code to type;
/// `{##text##}` in the message stands for the link.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VerificationLink {
    pub by_default: bool,
    pub email_message: Option<String>,
    pub email_subject: Option<String>,
}

/// Message templates; `{####}` stands for the code, `{username}` for the user name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MessageTemplate {
    pub email_message: Option<String>,
    pub email_subject: Option<String>,
    pub sms_message: Option<String>,
}

/// A pool's password rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    pub temporary_password_validity_days: u32,
}

impl Default for PasswordPolicy {
    /// Cognito's default policy.
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
        }
    }
}

/// The type of an attribute's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttributeDataType {
    String,
    Number,
    DateTime,
    Boolean,
}

/// One attribute in a pool's schema. Custom attributes are named `custom:<name>`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SchemaAttribute {
    pub name: String,
    pub data_type: AttributeDataType,
    pub developer_only: bool,
    pub mutable: bool,
    pub required: bool,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
}

/// An app client of a pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppClient {
    pub id: String,
    pub pool_id: String,
    pub secret: Option<String>,
    pub created: UnixTime,
    pub modified: UnixTime,
    pub settings: ClientSettings,
    /// The client's own hosted-page branding (SetUICustomization with its id).
    #[serde(default)]
    pub ui_customization: Option<UiCustomization>,
    /// When `secret` was made, where that was not the client's creation (a secret that took the
    /// place of a deleted one).
    #[serde(default)]
    pub secret_created: Option<UnixTime>,
    /// The second secret of a rotation (AddUserPoolClientSecret): either one is accepted.
    #[serde(default)]
    pub second_secret: Option<ClientSecret>,
}

/// A client secret beside the first, with its identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSecret {
    /// `<client-id>--<epoch-create-time>`, as Cognito names its secrets.
    pub id: String,
    pub value: String,
    pub created: UnixTime,
}

/// A validity period as configured: a number and its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validity {
    pub value: i64,
    pub unit: TimeUnit,
}

/// The unit of a token validity period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl TimeUnit {
    /// The unit's wire name (`"hours"`).
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Seconds => "seconds",
            TimeUnit::Minutes => "minutes",
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "seconds" => Some(TimeUnit::Seconds),
            "minutes" => Some(TimeUnit::Minutes),
            "hours" => Some(TimeUnit::Hours),
            "days" => Some(TimeUnit::Days),
            _ => None,
        }
    }

    fn seconds(self) -> i64 {
        match self {
            TimeUnit::Seconds => 1,
            TimeUnit::Minutes => 60,
            TimeUnit::Hours => 3600,
            TimeUnit::Days => 86_400,
        }
    }
}

impl Validity {
    /// The period in seconds.
    pub fn seconds(self) -> i64 {
        self.value.saturating_mul(self.unit.seconds())
    }
}

/// The settings of an app client that UpdateUserPoolClient may change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientSettings {
    pub name: String,
    pub access_token_validity: Validity,
    pub id_token_validity: Validity,
    pub refresh_token_validity: Validity,
    /// Attributes the client may read; empty means all.
    pub read_attributes: Vec<String>,
    /// Attributes the client may write; empty means all mutable ones.
    pub write_attributes: Vec<String>,
    pub explicit_auth_flows: Vec<String>,
    pub supported_identity_providers: Vec<String>,
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
    pub default_redirect_uri: Option<String>,
    pub allowed_oauth_flows: Vec<String>,
    pub allowed_oauth_scopes: Vec<String>,
    pub allowed_oauth_flows_user_pool_client: bool,
    pub prevent_user_existence_errors: bool,
    pub enable_token_revocation: bool,
    /// Minutes a challenge session stays valid (3 to 15).
    pub auth_session_validity_minutes: i64,
    #[serde(default)]
    pub refresh_token_rotation: RefreshTokenRotation,
}

/// An app client's refresh-token rotation: when enabled, every refresh through
/// GetTokensFromRefreshToken or `/oauth2/token` gives a new refresh token, and the one it
/// replaces works for `retry_grace_period_seconds` more (for a client's retries), then is refused
/// with RefreshTokenReuseException.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshTokenRotation {
    pub enabled: bool,
    pub retry_grace_period_seconds: i64,
}

impl AppClient {
    /// The client's secrets (none for a public client, two during a rotation).
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.secret.iter().map(String::as_str).chain(self.second_secret.iter().map(|s| s.value.as_str()))
    }

    /// Whether `presented` is one of the client's secrets (compared in constant time).
    pub fn secret_matches(&self, presented: &str) -> bool {
        self.secrets().fold(false, |found, secret| {
            cognate_crypto::constant_time_eq(secret.as_bytes(), presented.as_bytes()) | found
        })
    }

    /// The first secret's descriptor: its id, value and creation.
    pub fn first_secret(&self) -> Option<ClientSecret> {
        let created = self.secret_created.unwrap_or(self.created);
        self.secret.as_ref().map(|value| ClientSecret {
            id: format!("{}--{created}", self.id),
            value: value.clone(),
            created,
        })
    }

    /// Whether `flow` (an `ALLOW_*` name) is enabled, honouring the legacy names too.
    pub fn allows(&self, flow: &str) -> bool {
        let legacy = match flow {
            "ALLOW_USER_PASSWORD_AUTH" => Some("USER_PASSWORD_AUTH"),
            "ALLOW_ADMIN_USER_PASSWORD_AUTH" => Some("ADMIN_NO_SRP_AUTH"),
            _ => None,
        };
        self.settings.explicit_auth_flows.iter().any(|f| f == flow || Some(f.as_str()) == legacy)
    }
}

/// A user's account status, as Cognito names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserStatus {
    Unconfirmed,
    Confirmed,
    ForceChangePassword,
    ResetRequired,
    /// A user made by a sign-in through an external identity provider: no password.
    ExternalProvider,
}

impl UserStatus {
    /// The wire name (`"FORCE_CHANGE_PASSWORD"`).
    pub fn name(self) -> &'static str {
        match self {
            UserStatus::Unconfirmed => "UNCONFIRMED",
            UserStatus::Confirmed => "CONFIRMED",
            UserStatus::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            UserStatus::ResetRequired => "RESET_REQUIRED",
            UserStatus::ExternalProvider => "EXTERNAL_PROVIDER",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Unconfirmed, Self::Confirmed, Self::ForceChangePassword, Self::ResetRequired, Self::ExternalProvider]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// A user of a pool.
#[derive(Debug, Clone)]
pub struct User {
    pub pool_id: String,
    pub sub: String,
    pub username: String,
    pub status: UserStatus,
    pub enabled: bool,
    /// argon2id PHC string; `None` until a password is set.
    pub password_hash: Option<String>,
    /// Attributes other than `sub`, by name (`email`, `custom:team`, ...).
    pub attributes: BTreeMap<String, String>,
    pub created: UnixTime,
    pub modified: UnixTime,
    /// When a temporary password stops working (FORCE_CHANGE_PASSWORD only).
    pub temporary_password_expires: Option<UnixTime>,
    /// Wrong passwords since the last successful sign-in.
    pub failed_sign_ins: u32,
    /// Sign-in is refused until then (Cognito's lockout after repeated failures).
    pub locked_until: Option<UnixTime>,
    /// Attribute changes waiting for verification (UserAttributeUpdateSettings), by name.
    pub pending: BTreeMap<String, String>,
    /// The SRP salt and sealed verifier, set with every password.
    pub srp: Option<SrpVerifier>,
    /// Second factors.
    pub mfa: UserMfa,
}

/// What SRP sign-in needs of a password: the salt, and the verifier sealed under a server key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrpVerifier {
    pub salt: Vec<u8>,
    pub sealed: Vec<u8>,
}

/// The attributes ListUsers filters on, besides `username`, `status`, `cognito:user_status`
/// and `sub`.
pub const FILTERABLE_ATTRIBUTES: &[&str] =
    &["email", "phone_number", "name", "given_name", "family_name", "preferred_username"];

impl User {
    /// A new user of `pool_id`, with no password, factors or failures yet.
    pub fn new(
        pool_id: &str,
        sub: String,
        username: String,
        status: UserStatus,
        attributes: BTreeMap<String, String>,
        now: UnixTime,
    ) -> Self {
        Self {
            pool_id: pool_id.to_owned(),
            sub,
            username,
            status,
            enabled: true,
            password_hash: None,
            attributes,
            created: now,
            modified: now,
            temporary_password_expires: None,
            failed_sign_ins: 0,
            locked_until: None,
            pending: Default::default(),
            srp: None,
            mfa: Default::default(),
        }
    }

    /// The (attribute, value) pairs ListUsers can filter this user by.
    pub fn index_entries(&self) -> Vec<(&'static str, String)> {
        let mut entries = vec![
            ("username", self.username.clone()),
            ("sub", self.sub.clone()),
            ("cognito:user_status", self.status.name().to_owned()),
            ("status", if self.enabled { "Enabled" } else { "Disabled" }.to_owned()),
        ];
        for attr in FILTERABLE_ATTRIBUTES {
            if let Some(value) = self.attributes.get(*attr) {
                entries.push((attr, value.clone()));
            }
        }
        entries
    }
}

/// A ListUsers filter: `attr = "value"` or `attr ^= "prefix"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFilter {
    pub attr: String,
    pub value: String,
    pub prefix: bool,
}

/// A group of users in a pool.
#[derive(Debug, Clone)]
pub struct Group {
    pub pool_id: String,
    pub name: String,
    pub description: Option<String>,
    pub precedence: Option<i64>,
    pub role_arn: Option<String>,
    pub created: UnixTime,
    pub modified: UnixTime,
}

/// A recorded authentication event (AdminListUserAuthEvents).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthEvent {
    pub event_id: String,
    /// SignIn, SignUp, ForgotPassword, PasswordChange, ResendCode, SignOut.
    pub event_type: String,
    pub created: UnixTime,
    /// Pass or Fail.
    pub response: String,
    /// (challenge, Success/Failure) pairs, e.g. ("Password", "Failure").
    pub challenges: Vec<(String, String)>,
}

/// What a one-time code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodePurpose {
    SignUp,
    ForgotPassword,
    VerifyAttribute,
    AdminCreateUser,
    Mfa,
}

impl StoredCode {
    /// The key that tells outstanding codes of one user apart: purpose, and attribute if any.
    pub fn slot(&self) -> String {
        match &self.target {
            Some(target) => format!("{}:{target}", self.purpose.name()),
            None => self.purpose.name().to_owned(),
        }
    }
}

impl CodePurpose {
    /// The name used in storage and in the outbox.
    pub fn name(self) -> &'static str {
        match self {
            CodePurpose::SignUp => "SIGN_UP",
            CodePurpose::ForgotPassword => "FORGOT_PASSWORD",
            CodePurpose::VerifyAttribute => "VERIFY_ATTRIBUTE",
            CodePurpose::AdminCreateUser => "ADMIN_CREATE_USER",
            CodePurpose::Mfa => "MFA",
        }
    }
}

/// A one-time code as stored: only its keyed digest.
#[derive(Debug, Clone)]
pub struct StoredCode {
    pub pool_id: String,
    pub sub: String,
    pub purpose: CodePurpose,
    /// The attribute a VERIFY_ATTRIBUTE code verifies (one outstanding code per attribute).
    pub target: Option<String>,
    pub digest: String,
    pub expires: UnixTime,
}

/// The outcome of presenting a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeOutcome {
    /// Right code, in time: it is gone now, and the user update was saved with it.
    Redeemed,
    Mismatch,
    Expired,
    /// No code is outstanding.
    Missing,
    TooManyAttempts,
}

/// A refresh token as stored: its digest and what it is bound to.
#[derive(Debug, Clone)]
pub struct RefreshTokenRecord {
    pub digest: String,
    pub pool_id: String,
    pub client_id: String,
    pub sub: String,
    /// The `origin_jti` of every token minted from it.
    pub origin_jti: String,
    pub auth_time: UnixTime,
    pub expires: UnixTime,
    pub revoked: bool,
    /// The OAuth scopes granted at the hosted sign-in, space-separated; `None` for a sign-in
    /// through the API, whose tokens carry `aws.cognito.signin.user.admin`. A refresh keeps them.
    pub scopes: Option<String>,
    /// When a rotating client's refresh replaced this token: it works until then (the grace
    /// period), and is refused as reused after. `None` while it is the current one.
    pub rotated_until: Option<UnixTime>,
    /// The device the sign-in was made on (tracked pools): refreshed access tokens name it too.
    pub device_key: Option<String>,
}

/// `AuthSession.challenge` of an authorization code not yet exchanged.
pub const AUTHORIZATION_CODE: &str = "AUTHORIZATION_CODE";
/// `AuthSession.challenge` of an authorization code once exchanged: the row stays until the code
/// would have expired, so that a replay is recognized (and revokes what the code minted).
pub const SPENT_AUTHORIZATION_CODE: &str = "SPENT_AUTHORIZATION_CODE";

/// A device a user confirmed (ConfirmDevice): it proves itself at sign-in with SRP, its key as
/// the username and its group key as the pool name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub pool_id: String,
    pub sub: String,
    /// `<region>_<uuid>`.
    pub key: String,
    pub group_key: String,
    pub name: Option<String>,
    pub salt: Vec<u8>,
    /// The SRP verifier of the device's secret, sealed.
    pub verifier: Vec<u8>,
    /// Remembered devices may skip MFA; a device can be tracked and not remembered.
    pub remembered: bool,
    pub created: UnixTime,
    pub modified: UnixTime,
    pub last_authenticated: UnixTime,
}

/// A user's passkey (CompleteWebAuthnRegistration): the public key and what the API shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passkey {
    pub pool_id: String,
    pub sub: String,
    /// The credential's id, base64url without padding (ListWebAuthnCredentials' CredentialId).
    pub credential_id: String,
    pub relying_party_id: String,
    /// FriendlyCredentialName: made from the authenticator's kind (the browser's attachment).
    pub name: String,
    /// `platform` or `cross-platform`, as the browser said.
    pub attachment: Option<String>,
    pub transports: Vec<String>,
    /// The verified credential (public key, algorithm, policy) as webauthn-rs-core keeps it, JSON.
    pub credential: String,
    /// The authenticator's signature counter at its last use: a later assertion must pass it.
    pub sign_count: u32,
    pub created: UnixTime,
    pub last_used: Option<UnixTime>,
}

/// A pending multi-step sign-in (e.g. NEW_PASSWORD_REQUIRED), keyed by the session's digest.
#[derive(Debug, Clone)]
pub struct AuthSession {
    pub digest: String,
    pub pool_id: String,
    pub client_id: String,
    pub sub: String,
    pub challenge: String,
    pub expires: UnixTime,
    /// Challenge state (for PASSWORD_VERIFIER: the server's b, B and the client's A), as JSON.
    pub data: String,
}

/// One entry of the revocation feed: sessions revoked, or a whole user's tokens.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RevocationEvent {
    /// Position in the feed; increases with every event.
    pub seq: i64,
    /// The action that caused it (`GlobalSignOut`, `RevokeToken`, `AdminDisableUser`, ...).
    pub reason: String,
    pub sub: String,
    /// Revoked sessions: tokens carrying one of these `origin_jti`s are void.
    pub origin_jtis: Vec<String>,
    /// Whether every token of the user issued before `at` is void.
    pub whole_user: bool,
    pub at: UnixTime,
}

/// A pool's RSA signing key, as stored (PKCS#8 DER).
#[derive(Debug, Clone)]
pub struct StoredKey {
    pub pool_id: String,
    pub kid: String,
    pub purpose: KeyPurpose,
    pub pkcs8: Vec<u8>,
    pub created: UnixTime,
}

/// Which tokens a key signs (Cognito uses separate keys for id and access tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPurpose {
    Id,
    Access,
}

impl KeyPurpose {
    /// The name used in storage.
    pub fn name(self) -> &'static str {
        match self {
            KeyPurpose::Id => "id",
            KeyPurpose::Access => "access",
        }
    }
}

/// A message waiting in the delivery queue. Its body (destination, text, the code it carries) is
/// sealed under the server's key: the queue holds what the codes table never does, the code itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMessage {
    /// A UUIDv7, so that ids sort by creation.
    pub id: String,
    pub pool_id: String,
    pub created: UnixTime,
    /// When the worker may (next) try it; while one instance sends it, the end of its lease.
    pub due: UnixTime,
    /// Tries so far, counted when a worker takes it.
    pub attempts: u32,
    pub sealed: Vec<u8>,
}
