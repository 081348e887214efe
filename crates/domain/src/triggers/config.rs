//! A pool's `LambdaConfig`: which function each trigger calls, the pre-token event's version,
//! and the checks CreateUserPool and UpdateUserPool make of it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Triggers;
use crate::error::{DomainError, Result};

/// A trigger, named by its `LambdaConfig` key (which also heads its error messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Trigger {
    PreSignUp,
    CustomMessage,
    PostConfirmation,
    PreAuthentication,
    PostAuthentication,
    DefineAuthChallenge,
    CreateAuthChallenge,
    VerifyAuthChallengeResponse,
    PreTokenGeneration,
    UserMigration,
    CustomSMSSender,
    CustomEmailSender,
    InboundFederation,
}

impl Trigger {
    /// Every trigger, in `LambdaConfig`'s order.
    pub const ALL: [Trigger; 13] = [
        Trigger::PreSignUp,
        Trigger::CustomMessage,
        Trigger::PostConfirmation,
        Trigger::PreAuthentication,
        Trigger::PostAuthentication,
        Trigger::DefineAuthChallenge,
        Trigger::CreateAuthChallenge,
        Trigger::VerifyAuthChallengeResponse,
        Trigger::PreTokenGeneration,
        Trigger::UserMigration,
        Trigger::CustomSMSSender,
        Trigger::CustomEmailSender,
        Trigger::InboundFederation,
    ];

    /// The `LambdaConfig` key.
    pub fn name(self) -> &'static str {
        match self {
            Self::PreSignUp => "PreSignUp",
            Self::CustomMessage => "CustomMessage",
            Self::PostConfirmation => "PostConfirmation",
            Self::PreAuthentication => "PreAuthentication",
            Self::PostAuthentication => "PostAuthentication",
            Self::DefineAuthChallenge => "DefineAuthChallenge",
            Self::CreateAuthChallenge => "CreateAuthChallenge",
            Self::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            Self::PreTokenGeneration => "PreTokenGeneration",
            Self::UserMigration => "UserMigration",
            Self::CustomSMSSender => "CustomSMSSender",
            Self::CustomEmailSender => "CustomEmailSender",
            Self::InboundFederation => "InboundFederation",
        }
    }
}

/// `PreTokenGenerationConfig.LambdaVersion`: which event the pre-token trigger gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreTokenVersion {
    /// The id token only (the legacy `PreTokenGeneration` key).
    #[default]
    V1_0,
    /// Both tokens, and the access token's scopes.
    V2_0,
    /// V2, and the tokens of the client-credentials grant too.
    V3_0,
}

impl PreTokenVersion {
    pub fn name(self) -> &'static str {
        match self {
            Self::V1_0 => "V1_0",
            Self::V2_0 => "V2_0",
            Self::V3_0 => "V3_0",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::V1_0, Self::V2_0, Self::V3_0].into_iter().find(|v| v.name() == name)
    }

    /// The event's `version` field.
    pub(crate) fn event_version(self) -> &'static str {
        match self {
            Self::V1_0 => "1",
            Self::V2_0 => "2",
            Self::V3_0 => "3",
        }
    }
}

/// A pool's triggers: the function ARN of each one it has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LambdaConfig {
    pub functions: BTreeMap<Trigger, String>,
    #[serde(default)]
    pub pre_token_version: PreTokenVersion,
    /// `KMSKeyID`, kept and shown back.
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

impl LambdaConfig {
    /// The function a trigger calls, if the pool has it.
    pub fn function(&self, trigger: Trigger) -> Option<&str> {
        self.functions.get(&trigger).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.functions.is_empty() && self.kms_key_id.is_none()
    }
}

/// Whether `arn` has the shape of a Lambda function's ARN, as the service model constrains it:
/// 20 to 2048 characters, `arn:<partition>:<service>:<region>:<account>:<resource>`.
fn arn_shaped(arn: &str) -> bool {
    let fields: Vec<&str> = arn.split(':').collect();
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_+=/,.@-".contains(c));
    (20..=2048).contains(&arn.len())
        && (6..=8).contains(&fields.len())
        && fields[0] == "arn"
        && word(fields[1])
        && word(fields[2])
        && (fields[3].is_empty() || word(fields[3]))
        && fields[4].chars().all(|c| c.is_ascii_digit())
        && !fields[4].is_empty()
        && fields[5..].iter().all(|f| word(f))
}

impl Triggers {
    /// Checks a pool's `LambdaConfig`: ARNs shaped as ARNs, and each one mapped to an endpoint
    /// by this server's configuration (a function Cognate cannot call is refused now, not at
    /// the first sign-up).
    pub(crate) fn check(&self, config: &LambdaConfig) -> Result<()> {
        for (trigger, arn) in &config.functions {
            if !arn_shaped(arn) {
                return Err(DomainError::invalid(format!(
                    "1 validation error detected: Value '{arn}' at 'lambdaConfig.{}' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?",
                    lower_first(trigger.name())
                )));
            }
            if self.url_for(arn).is_none() {
                return Err(DomainError::invalid(format!(
                    "{} function {arn} has no endpoint: Cognate calls triggers over HTTP, and its configuration's [[triggers.functions]] map no URL to this ARN.",
                    trigger.name()
                )));
            }
        }
        if let Some(key) = &config.kms_key_id {
            if !kms_key_arn_shaped(key) {
                return Err(DomainError::invalid(format!(
                    "KMSKeyID {key} is not the ARN of a KMS key: it must be arn:aws:kms:<region>:<account>:key/<key id>."
                )));
            }
        }
        // Cognito's documentation makes the key a requirement of the senders without quoting the
        // error; this text names both so that the fix is plain.
        if let Some(trigger) = [Trigger::CustomSMSSender, Trigger::CustomEmailSender]
            .into_iter()
            .find(|t| config.functions.contains_key(t) && config.kms_key_id.is_none())
        {
            return Err(DomainError::invalid(format!(
                "{} needs KMSKeyID: the codes a custom sender gets are encrypted under that key.",
                trigger.name()
            )));
        }
        Ok(())
    }
}

/// Whether `arn` names a KMS key by ARN, as a sender's keyring needs it (an alias will not do:
/// the encrypted data key carries the key's ARN, which the keyring matches).
fn kms_key_arn_shaped(arn: &str) -> bool {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    arn_shaped(arn)
        && fields.len() == 6
        && fields[2] == "kms"
        && !fields[3].is_empty()
        && fields[5].strip_prefix("key/").is_some_and(|id| !id.is_empty())
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_arns_are_checked_as_the_service_model_checks_them() {
        assert!(arn_shaped("arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up"));
        assert!(arn_shaped("arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up:live"));
        assert!(!arn_shaped("arn:aws:lambda:us-east-1:account:function:x"));
        assert!(!arn_shaped("pre-sign-up"));
        assert!(!arn_shaped("arn:aws:lambda:us-east-1:123456789012:function:a b"));
        assert!(kms_key_arn_shaped("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"));
        assert!(!kms_key_arn_shaped("arn:aws:kms:us-east-1:123456789012:alias/codes"));
        assert!(!kms_key_arn_shaped("arn:aws:lambda:us-east-1:123456789012:function:sender"));
    }

    #[test]
    fn trigger_names_are_lambda_config_keys() {
        assert_eq!(Trigger::ALL.map(Trigger::name)[8], "PreTokenGeneration");
        assert_eq!(serde_json::to_string(&Trigger::CustomSMSSender).unwrap(), "\"CustomSMSSender\"");
        assert_eq!(PreTokenVersion::parse("V2_0"), Some(PreTokenVersion::V2_0));
        assert_eq!(lower_first("PreSignUp"), "preSignUp");
    }
}
