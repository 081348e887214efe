//! Translation between wire shapes (cognate-proto) and the model (cognate-domain).

mod lambda;

use cognate_domain::mfa::{MfaConfigInput, SmsMfaInput, WebAuthnInput};
use cognate_domain::model::{
    AppClient, AttributeDataType, DeviceTracking, EmailMfa, EmailSending, FirstFactor, MessageTemplate, PasswordPolicy,
    Pool, PoolMfa, PoolSettings, SchemaAttribute, SmsConfiguration, User, VerificationLink,
};
use cognate_domain::wallet::WalletSignIn;
use cognate_domain::{visible_attributes, ClientInput, DomainError, NewPool};
use cognate_proto::devices::DeviceConfigurationType;
use cognate_proto::mfa::{SetUserPoolMfaConfigRequest, SmsConfigurationType};
use cognate_proto::pools::{
    ClientSettingsFields, CreateUserPoolRequest, EmailConfigurationType, PoolSettingsFields, RefreshTokenRotationType,
    UserPoolClientType, UserPoolType, WalletSignInType,
};
use cognate_proto::types::*;
use cognate_proto::users::UserType;

/// A CreateUserPool request as the domain's input; `id` fixes the pool id (config-file pools).
pub fn new_pool(r: CreateUserPoolRequest, id: Option<String>) -> Result<NewPool, DomainError> {
    Ok(NewPool {
        id,
        name: r.pool_name,
        username_attributes: r.username_attributes.unwrap_or_default(),
        alias_attributes: r.alias_attributes.unwrap_or_default(),
        case_sensitive: r.username_configuration.map(|u| u.case_sensitive),
        schema: schema_in(r.schema.unwrap_or_default())?,
        settings: pool_settings_in(r.settings)?,
    })
}

/// Attributes from the wire, as (name, value) pairs; a missing value is the empty string.
pub fn attributes_in(list: Option<Vec<AttributeType>>) -> Vec<(String, String)> {
    list.unwrap_or_default().into_iter().map(|a| (a.name, a.value.unwrap_or_default())).collect()
}

/// A user's visible attributes, `sub` first.
pub fn attributes_out(user: &User) -> Vec<AttributeType> {
    visible_attributes(user).into_iter().map(|(name, value)| AttributeType { name, value: Some(value) }).collect()
}

/// A user as AdminCreateUser (and later ListUsers) show it.
pub fn user_out(user: &User) -> UserType {
    UserType {
        username: user.username.clone(),
        attributes: attributes_out(user),
        user_create_date: user.created,
        user_last_modified_date: user.modified,
        enabled: user.enabled,
        user_status: user.status.name().into(),
    }
}

fn number(value: Option<&String>, what: &str) -> Result<Option<u64>, DomainError> {
    value.map(|v| v.parse().map_err(|_| DomainError::InvalidParameter(format!("{what} must be a number.")))).transpose()
}

/// The schema entries of a CreateUserPool request.
pub(crate) fn schema_in(list: Vec<SchemaAttributeType>) -> Result<Vec<SchemaAttribute>, DomainError> {
    list.into_iter()
        .map(|a| {
            let name =
                a.name.ok_or_else(|| DomainError::InvalidParameter("Schema attribute Name is required.".into()))?;
            let data_type = match a.attribute_data_type.as_deref().unwrap_or("String") {
                "String" => AttributeDataType::String,
                "Number" => AttributeDataType::Number,
                "DateTime" => AttributeDataType::DateTime,
                "Boolean" => AttributeDataType::Boolean,
                other => return Err(DomainError::InvalidParameter(format!("Invalid AttributeDataType: {other}"))),
            };
            let strings = a.string_attribute_constraints.unwrap_or_default();
            let numbers = a.number_attribute_constraints.unwrap_or_default();
            let int = |v: Option<&String>, what| number(v, what).map(|n| n.map(|n| n as i64));
            Ok(SchemaAttribute {
                name,
                data_type,
                developer_only: a.developer_only_attribute.unwrap_or(false),
                mutable: a.mutable.unwrap_or(true),
                required: a.required.unwrap_or(false),
                min_length: number(strings.min_length.as_ref(), "MinLength")?,
                max_length: number(strings.max_length.as_ref(), "MaxLength")?,
                min_value: int(numbers.min_value.as_ref(), "MinValue")?,
                max_value: int(numbers.max_value.as_ref(), "MaxValue")?,
            })
        })
        .collect()
}

fn schema_out(schema: &[SchemaAttribute]) -> Vec<SchemaAttributeType> {
    schema
        .iter()
        .map(|a| SchemaAttributeType {
            name: Some(a.name.clone()),
            attribute_data_type: Some(format!("{:?}", a.data_type)),
            developer_only_attribute: Some(a.developer_only),
            mutable: Some(a.mutable),
            required: Some(a.required),
            number_attribute_constraints: (a.data_type == AttributeDataType::Number).then(|| {
                NumberAttributeConstraintsType {
                    min_value: a.min_value.map(|v| v.to_string()),
                    max_value: a.max_value.map(|v| v.to_string()),
                }
            }),
            string_attribute_constraints: (a.data_type == AttributeDataType::String).then(|| {
                StringAttributeConstraintsType {
                    min_length: a.min_length.map(|v| v.to_string()),
                    max_length: a.max_length.map(|v| v.to_string()),
                }
            }),
        })
        .collect()
}

/// Pool settings from CreateUserPool / UpdateUserPool; absent ones take Cognito's defaults.
pub(crate) fn pool_settings_in(f: PoolSettingsFields) -> Result<PoolSettings, DomainError> {
    let defaults = PasswordPolicy::default();
    // With no policy at all Cognito applies its default policy; within a given policy, an
    // absent requirement is off.
    let (given, sign_in_policy) = match f.policies {
        Some(p) => (p.password_policy, p.sign_in_policy),
        None => (None, None),
    };
    let absent = given.is_none();
    let p = given.unwrap_or_default();
    let admin = f.admin_create_user_config.unwrap_or_default();
    let days = |v: Option<i64>| v.map(|d| u32::try_from(d).unwrap_or(u32::MAX));
    let verification = f.verification_message_template.unwrap_or_default();
    let invite = admin.invite_message_template.unwrap_or_default();
    Ok(PoolSettings {
        password_policy: PasswordPolicy {
            minimum_length: p.minimum_length.map(|v| u32::try_from(v).unwrap_or(0)).unwrap_or(defaults.minimum_length),
            require_uppercase: p.require_uppercase.unwrap_or(absent && defaults.require_uppercase),
            require_lowercase: p.require_lowercase.unwrap_or(absent && defaults.require_lowercase),
            require_numbers: p.require_numbers.unwrap_or(absent && defaults.require_numbers),
            require_symbols: p.require_symbols.unwrap_or(absent && defaults.require_symbols),
            temporary_password_validity_days: days(p.temporary_password_validity_days)
                .or(days(admin.unused_account_validity_days))
                .unwrap_or(defaults.temporary_password_validity_days),
        },
        auto_verified_attributes: f.auto_verified_attributes.unwrap_or_default(),
        mfa_configuration: f.mfa_configuration.unwrap_or_else(|| "OFF".into()),
        // Software tokens, email MFA and passkeys are SetUserPoolMfaConfig's: UpdateUserPool
        // keeps them.
        mfa: PoolMfa {
            sms_message: f.sms_authentication_message,
            sms: f.sms_configuration.map(sms_configuration_in),
            ..PoolMfa::default()
        },
        email_sending: f.email_configuration.map(email_sending_in).unwrap_or_default(),
        allow_admin_create_user_only: admin.allow_admin_create_user_only.unwrap_or(false),
        invite_message: MessageTemplate {
            email_message: invite.email_message,
            email_subject: invite.email_subject,
            sms_message: invite.sms_message,
        },
        verification_message: MessageTemplate {
            email_message: verification.email_message.or(f.email_verification_message),
            email_subject: verification.email_subject.or(f.email_verification_subject),
            sms_message: verification.sms_message.or(f.sms_verification_message),
        },
        verification_link: VerificationLink {
            by_default: match verification.default_email_option.as_deref() {
                None | Some("CONFIRM_WITH_CODE") => false,
                Some("CONFIRM_WITH_LINK") => true,
                Some(other) => {
                    return Err(DomainError::InvalidParameter(format!(
                        "1 validation error detected: Value '{other}' at 'verificationMessageTemplate.defaultEmailOption' \
                         failed to satisfy constraint: Member must satisfy enum value set: [CONFIRM_WITH_LINK, CONFIRM_WITH_CODE]"
                    )))
                }
            },
            email_message: checked_link_message(verification.email_message_by_link)?,
            email_subject: verification.email_subject_by_link,
        },
        tags: f.user_pool_tags.unwrap_or_default(),
        recovery_mechanisms: f
            .account_recovery_setting
            .map(|r| r.recovery_mechanisms.into_iter().map(|m| (m.priority, m.name)).collect())
            .unwrap_or_default(),
        attributes_require_verification_before_update: f
            .user_attribute_update_settings
            .map(|s| s.attributes_require_verification_before_update)
            .unwrap_or_default(),
        deletion_protection: match f.deletion_protection.as_deref() {
            None | Some("INACTIVE") => false,
            Some("ACTIVE") => true,
            Some(other) => {
                return Err(DomainError::InvalidParameter(format!("Invalid DeletionProtection value: {other}")))
            }
        },
        first_factors: first_factors_in(sign_in_policy)?,
        triggers: lambda::lambda_config_in(f.lambda_config)?,
        wallet: wallet_in(f.wallet_sign_in)?,
        devices: f.device_configuration.map(|d| DeviceTracking {
            remembered_skips_mfa: d.challenge_required_on_new_device.unwrap_or(false),
            remember_on_prompt: d.device_only_remembered_on_user_prompt.unwrap_or(false),
        }),
    })
}

/// SignInPolicy.AllowedFirstAuthFactors: 1 to 4 of AuthFactorType's values.
fn first_factors_in(policy: Option<SignInPolicyType>) -> Result<Vec<FirstFactor>, DomainError> {
    let Some(names) = policy.and_then(|p| p.allowed_first_auth_factors) else { return Ok(Vec::new()) };
    if names.is_empty() || names.len() > 4 {
        return Err(DomainError::InvalidParameter(
            "1 validation error detected: Value at 'policies.signInPolicy.allowedFirstAuthFactors' failed to satisfy constraint: Member must have length between 1 and 4".into(),
        ));
    }
    let mut factors = Vec::new();
    for name in &names {
        match FirstFactor::parse(name) {
            Some(factor) if !factors.contains(&factor) => factors.push(factor),
            Some(_) => {}
            None => {
                return Err(DomainError::InvalidParameter(format!(
                    "1 validation error detected: Value '[{}]' at 'policies.signInPolicy.allowedFirstAuthFactors' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN]]",
                    names.join(", ")
                )))
            }
        }
    }
    Ok(factors)
}

fn pool_settings_out(s: &PoolSettings) -> PoolSettingsFields {
    let p = &s.password_policy;
    let non_empty = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    PoolSettingsFields {
        policies: Some(UserPoolPolicyType {
            password_policy: Some(PasswordPolicyType {
                minimum_length: Some(p.minimum_length.into()),
                require_uppercase: Some(p.require_uppercase),
                require_lowercase: Some(p.require_lowercase),
                require_numbers: Some(p.require_numbers),
                require_symbols: Some(p.require_symbols),
                password_history_size: None,
                temporary_password_validity_days: Some(p.temporary_password_validity_days.into()),
            }),
            sign_in_policy: Some(SignInPolicyType {
                allowed_first_auth_factors: Some(if s.first_factors.is_empty() {
                    vec![FirstFactor::Password.name().to_owned()]
                } else {
                    s.first_factors.iter().map(|f| f.name().to_owned()).collect()
                }),
            }),
        }),
        auto_verified_attributes: non_empty(&s.auto_verified_attributes),
        mfa_configuration: Some(s.mfa_configuration.clone()),
        sms_authentication_message: s.mfa.sms_message.clone(),
        sms_configuration: s.mfa.sms.as_ref().map(sms_configuration_out),
        email_configuration: Some(email_sending_out(&s.email_sending)),
        admin_create_user_config: Some(AdminCreateUserConfigType {
            allow_admin_create_user_only: Some(s.allow_admin_create_user_only),
            unused_account_validity_days: Some(p.temporary_password_validity_days.into()),
            invite_message_template: Some(MessageTemplateType {
                sms_message: s.invite_message.sms_message.clone(),
                email_message: s.invite_message.email_message.clone(),
                email_subject: s.invite_message.email_subject.clone(),
            }),
        }),
        verification_message_template: Some(VerificationMessageTemplateType {
            sms_message: s.verification_message.sms_message.clone(),
            email_message: s.verification_message.email_message.clone(),
            email_subject: s.verification_message.email_subject.clone(),
            email_message_by_link: s.verification_link.email_message.clone(),
            email_subject_by_link: s.verification_link.email_subject.clone(),
            default_email_option: Some(
                if s.verification_link.by_default { "CONFIRM_WITH_LINK" } else { "CONFIRM_WITH_CODE" }.into(),
            ),
        }),
        email_verification_message: s.verification_message.email_message.clone(),
        email_verification_subject: s.verification_message.email_subject.clone(),
        sms_verification_message: s.verification_message.sms_message.clone(),
        user_pool_tags: (!s.tags.is_empty()).then(|| s.tags.clone()),
        account_recovery_setting: (!s.recovery_mechanisms.is_empty()).then(|| AccountRecoverySettingType {
            recovery_mechanisms: s
                .recovery_mechanisms
                .iter()
                .map(|(priority, name)| RecoveryOptionType { priority: *priority, name: name.clone() })
                .collect(),
        }),
        user_attribute_update_settings: Some(UserAttributeUpdateSettingsType {
            attributes_require_verification_before_update: s.attributes_require_verification_before_update.clone(),
        }),
        deletion_protection: Some(if s.deletion_protection { "ACTIVE" } else { "INACTIVE" }.into()),
        device_configuration: s.devices.map(|d| DeviceConfigurationType {
            challenge_required_on_new_device: Some(d.remembered_skips_mfa),
            device_only_remembered_on_user_prompt: Some(d.remember_on_prompt),
        }),
        lambda_config: Some(lambda::lambda_config_out(&s.triggers)),
        wallet_sign_in: s.wallet.as_ref().map(|w| WalletSignInType {
            enabled: Some(true),
            domain: w.domain.clone(),
            uri: w.uri.clone(),
            chain_id: i64::try_from(w.chain_id).ok(),
            statement: w.statement.clone(),
        }),
    }
}

/// `WalletSignIn`: on unless `Enabled` is false; chain 1 unless given.
pub(crate) fn wallet_in(given: Option<WalletSignInType>) -> Result<Option<WalletSignIn>, DomainError> {
    let Some(given) = given.filter(|w| w.enabled != Some(false)) else { return Ok(None) };
    let chain_id = match given.chain_id {
        None => 1,
        Some(id) => u64::try_from(id)
            .map_err(|_| DomainError::InvalidParameter("WalletSignIn: ChainId must be positive.".into()))?,
    };
    Ok(Some(WalletSignIn { domain: given.domain, uri: given.uri, chain_id, statement: given.statement }))
}

/// A pool as DescribeUserPool and CreateUserPool show it.
pub fn pool_out(pool: &Pool, region: &str, account: &str, users: i64) -> UserPoolType {
    let non_empty = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    UserPoolType {
        id: pool.id.clone(),
        name: pool.name.clone(),
        arn: format!("arn:aws:cognito-idp:{region}:{account}:userpool/{}", pool.id),
        creation_date: pool.created,
        last_modified_date: pool.modified,
        settings: pool_settings_out(&pool.settings),
        username_attributes: non_empty(&pool.username_attributes),
        alias_attributes: non_empty(&pool.alias_attributes),
        schema_attributes: schema_out(&pool.schema),
        username_configuration: Some(UsernameConfigurationType { case_sensitive: pool.case_sensitive }),
        estimated_number_of_users: users,
        domain: pool.domain.clone(),
        custom_domain: pool.custom_domain.clone(),
    }
}

/// Client settings from CreateUserPoolClient / UpdateUserPoolClient.
pub fn client_input(f: ClientSettingsFields) -> ClientInput {
    let units = f.token_validity_units.unwrap_or_default();
    ClientInput {
        name: f.client_name,
        access_token_validity: f.access_token_validity,
        id_token_validity: f.id_token_validity,
        refresh_token_validity: f.refresh_token_validity,
        access_token_unit: units.access_token,
        id_token_unit: units.id_token,
        refresh_token_unit: units.refresh_token,
        read_attributes: f.read_attributes.unwrap_or_default(),
        write_attributes: f.write_attributes.unwrap_or_default(),
        explicit_auth_flows: f.explicit_auth_flows.unwrap_or_default(),
        supported_identity_providers: f.supported_identity_providers.unwrap_or_default(),
        callback_urls: f.callback_urls.unwrap_or_default(),
        logout_urls: f.logout_urls.unwrap_or_default(),
        default_redirect_uri: f.default_redirect_uri,
        allowed_oauth_flows: f.allowed_o_auth_flows.unwrap_or_default(),
        allowed_oauth_scopes: f.allowed_o_auth_scopes.unwrap_or_default(),
        allowed_oauth_flows_user_pool_client: f.allowed_o_auth_flows_user_pool_client.unwrap_or(false),
        prevent_user_existence_errors: f.prevent_user_existence_errors,
        enable_token_revocation: f.enable_token_revocation,
        auth_session_validity: f.auth_session_validity,
        refresh_token_rotation: f.refresh_token_rotation.map(|r| (r.feature, r.retry_grace_period_seconds)),
    }
}

/// An app client as DescribeUserPoolClient shows it.
pub fn client_out(c: &AppClient) -> UserPoolClientType {
    let s = &c.settings;
    let non_empty = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    UserPoolClientType {
        user_pool_id: c.pool_id.clone(),
        client_id: c.id.clone(),
        client_secret: c.secret.clone(),
        creation_date: c.created,
        last_modified_date: c.modified,
        settings: ClientSettingsFields {
            client_name: Some(s.name.clone()),
            refresh_token_validity: Some(s.refresh_token_validity.value),
            access_token_validity: Some(s.access_token_validity.value),
            id_token_validity: Some(s.id_token_validity.value),
            token_validity_units: Some(TokenValidityUnitsType {
                access_token: Some(s.access_token_validity.unit.name().into()),
                id_token: Some(s.id_token_validity.unit.name().into()),
                refresh_token: Some(s.refresh_token_validity.unit.name().into()),
            }),
            read_attributes: non_empty(&s.read_attributes),
            write_attributes: non_empty(&s.write_attributes),
            explicit_auth_flows: Some(s.explicit_auth_flows.clone()),
            supported_identity_providers: non_empty(&s.supported_identity_providers),
            callback_urls: non_empty(&s.callback_urls),
            logout_urls: non_empty(&s.logout_urls),
            default_redirect_uri: s.default_redirect_uri.clone(),
            allowed_o_auth_flows: non_empty(&s.allowed_oauth_flows),
            allowed_o_auth_scopes: non_empty(&s.allowed_oauth_scopes),
            allowed_o_auth_flows_user_pool_client: Some(s.allowed_oauth_flows_user_pool_client),
            prevent_user_existence_errors: Some(
                if s.prevent_user_existence_errors { "ENABLED" } else { "LEGACY" }.into(),
            ),
            enable_token_revocation: Some(s.enable_token_revocation),
            auth_session_validity: Some(s.auth_session_validity_minutes),
            refresh_token_rotation: Some(RefreshTokenRotationType {
                feature: if s.refresh_token_rotation.enabled { "ENABLED" } else { "DISABLED" }.into(),
                retry_grace_period_seconds: Some(s.refresh_token_rotation.retry_grace_period_seconds),
            }),
        },
    }
}

/// EmailMessageByLink must say where the link goes: `{##text##}`, as Cognito's pattern requires.
fn checked_link_message(message: Option<String>) -> Result<Option<String>, DomainError> {
    match &message {
        Some(m) if !m.split_once("{##").is_some_and(|(_, rest)| rest.contains("##}")) => {
            Err(DomainError::InvalidParameter(format!(
                "1 validation error detected: Value '{m}' at 'verificationMessageTemplate.emailMessageByLink' failed to \
                 satisfy constraint: Member must satisfy regular expression pattern: \
                 [\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}\\s*]*\\{{##[\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}\\s*]*##\\}}[\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}\\s*]*"
            )))
        }
        _ => Ok(message),
    }
}

fn email_sending_in(c: EmailConfigurationType) -> EmailSending {
    EmailSending {
        from: c.from,
        reply_to: c.reply_to_email_address,
        source_arn: c.source_arn,
        sending_account: c.email_sending_account,
        configuration_set: c.configuration_set,
    }
}

fn email_sending_out(e: &EmailSending) -> EmailConfigurationType {
    EmailConfigurationType {
        source_arn: e.source_arn.clone(),
        reply_to_email_address: e.reply_to.clone(),
        // Cognito shows COGNITO_DEFAULT when the pool chose nothing.
        email_sending_account: Some(e.sending_account.clone().unwrap_or_else(|| "COGNITO_DEFAULT".into())),
        from: e.from.clone(),
        configuration_set: e.configuration_set.clone(),
    }
}

pub(crate) fn sms_configuration_in(c: SmsConfigurationType) -> SmsConfiguration {
    SmsConfiguration { sns_caller_arn: c.sns_caller_arn, external_id: c.external_id, sns_region: c.sns_region }
}

pub(crate) fn sms_configuration_out(c: &SmsConfiguration) -> SmsConfigurationType {
    SmsConfigurationType {
        sns_caller_arn: c.sns_caller_arn.clone(),
        external_id: c.external_id.clone(),
        sns_region: c.sns_region.clone(),
    }
}

/// SetUserPoolMfaConfig's request as the domain takes it (also for the pools of the config file).
pub fn mfa_config_in(r: SetUserPoolMfaConfigRequest) -> MfaConfigInput {
    MfaConfigInput {
        sms: r.sms_mfa_configuration.map(|sms| SmsMfaInput {
            message: sms.sms_authentication_message,
            configuration: sms.sms_configuration.map(sms_configuration_in),
        }),
        software_token: r.software_token_mfa_configuration.map(|t| t.enabled.unwrap_or(false)),
        email: r.email_mfa_configuration.map(|e| EmailMfa { message: e.message, subject: e.subject }),
        mode: r.mfa_configuration,
        web_authn: r.web_authn_configuration.map(|w| WebAuthnInput {
            relying_party_id: w.relying_party_id,
            user_verification: w.user_verification,
            factor_configuration: w.factor_configuration,
        }),
    }
}
