//! `LambdaConfigType` to and from the pool's [`LambdaConfig`], with the service model's checks
//! of the versioned entries.

use cognate_domain::triggers::{LambdaConfig, PreTokenVersion, Trigger};
use cognate_domain::DomainError;
use cognate_proto::pools::{LambdaConfigType, LambdaVersionConfigType};

fn version_error(field: &str, value: &str, allowed: &str) -> DomainError {
    DomainError::InvalidParameter(format!(
        "1 validation error detected: Value '{value}' at 'lambdaConfig.{field}.lambdaVersion' failed to satisfy constraint: Member must satisfy enum value set: [{allowed}]"
    ))
}

/// A versioned entry whose only version is V1_0 (the senders, InboundFederation).
fn v1_only(field: &str, entry: Option<LambdaVersionConfigType>) -> Result<Option<String>, DomainError> {
    match entry {
        None => Ok(None),
        Some(e) if e.lambda_version == "V1_0" => Ok(Some(e.lambda_arn)),
        Some(e) => Err(version_error(field, &e.lambda_version, "V1_0")),
    }
}

/// The pool's triggers from CreateUserPool / UpdateUserPool.
pub(crate) fn lambda_config_in(wire: Option<LambdaConfigType>) -> Result<LambdaConfig, DomainError> {
    let Some(w) = wire else { return Ok(LambdaConfig::default()) };
    let mut config = LambdaConfig { kms_key_id: w.kms_key_id, ..LambdaConfig::default() };
    let (pre_token, version) = match (w.pre_token_generation, w.pre_token_generation_config) {
        (legacy, Some(versioned)) => {
            let version = PreTokenVersion::parse(&versioned.lambda_version).ok_or_else(|| {
                version_error("preTokenGenerationConfig", &versioned.lambda_version, "V1_0, V2_0, V3_0")
            })?;
            if legacy.as_ref().is_some_and(|arn| *arn != versioned.lambda_arn) {
                return Err(DomainError::InvalidParameter(
                    "The PreTokenGeneration and PreTokenGenerationConfig.LambdaArn values must be the same.".into(),
                ));
            }
            (Some(versioned.lambda_arn), version)
        }
        (legacy, None) => (legacy, PreTokenVersion::V1_0),
    };
    config.pre_token_version = version;
    let entries = [
        (Trigger::PreSignUp, w.pre_sign_up),
        (Trigger::CustomMessage, w.custom_message),
        (Trigger::PostConfirmation, w.post_confirmation),
        (Trigger::PreAuthentication, w.pre_authentication),
        (Trigger::PostAuthentication, w.post_authentication),
        (Trigger::DefineAuthChallenge, w.define_auth_challenge),
        (Trigger::CreateAuthChallenge, w.create_auth_challenge),
        (Trigger::VerifyAuthChallengeResponse, w.verify_auth_challenge_response),
        (Trigger::PreTokenGeneration, pre_token),
        (Trigger::UserMigration, w.user_migration),
        (Trigger::CustomSMSSender, v1_only("customSMSSender", w.custom_sms_sender)?),
        (Trigger::CustomEmailSender, v1_only("customEmailSender", w.custom_email_sender)?),
        (Trigger::InboundFederation, v1_only("inboundFederation", w.inbound_federation)?),
    ];
    for (trigger, arn) in entries {
        if let Some(arn) = arn {
            config.functions.insert(trigger, arn);
        }
    }
    Ok(config)
}

/// The pool's triggers as DescribeUserPool shows them.
pub(crate) fn lambda_config_out(config: &LambdaConfig) -> LambdaConfigType {
    let arn = |t: Trigger| config.function(t).map(str::to_owned);
    let v1 = |t: Trigger| {
        config.function(t).map(|arn| LambdaVersionConfigType { lambda_version: "V1_0".into(), lambda_arn: arn.into() })
    };
    LambdaConfigType {
        pre_sign_up: arn(Trigger::PreSignUp),
        custom_message: arn(Trigger::CustomMessage),
        post_confirmation: arn(Trigger::PostConfirmation),
        pre_authentication: arn(Trigger::PreAuthentication),
        post_authentication: arn(Trigger::PostAuthentication),
        define_auth_challenge: arn(Trigger::DefineAuthChallenge),
        create_auth_challenge: arn(Trigger::CreateAuthChallenge),
        verify_auth_challenge_response: arn(Trigger::VerifyAuthChallengeResponse),
        pre_token_generation: arn(Trigger::PreTokenGeneration),
        pre_token_generation_config: config.function(Trigger::PreTokenGeneration).map(|arn| LambdaVersionConfigType {
            lambda_version: config.pre_token_version.name().into(),
            lambda_arn: arn.into(),
        }),
        user_migration: arn(Trigger::UserMigration),
        custom_sms_sender: v1(Trigger::CustomSMSSender),
        custom_email_sender: v1(Trigger::CustomEmailSender),
        inbound_federation: v1(Trigger::InboundFederation),
        kms_key_id: config.kms_key_id.clone(),
    }
}
