//! Shapes shared by several actions (attributes, delivery details, policies, tokens).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// A user attribute: `{"Name": "email", "Value": "a@example.com"}`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeType {
    pub name: String,
    pub value: Option<String>,
}

/// Where a code was sent, masked as Cognito masks it.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CodeDeliveryDetailsType {
    pub destination: Option<String>,
    pub delivery_medium: Option<String>,
    pub attribute_name: Option<String>,
}

/// The tokens of a successful sign-in or refresh.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthenticationResultType {
    pub access_token: Option<String>,
    pub expires_in: Option<i64>,
    pub token_type: Option<String>,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    pub new_device_metadata: Option<crate::devices::NewDeviceMetadataType>,
}

/// The password rules of a pool.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicyType {
    pub minimum_length: Option<i64>,
    pub require_uppercase: Option<bool>,
    pub require_lowercase: Option<bool>,
    pub require_numbers: Option<bool>,
    pub require_symbols: Option<bool>,
    pub password_history_size: Option<i64>,
    pub temporary_password_validity_days: Option<i64>,
}

/// A pool's policies.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolPolicyType {
    pub password_policy: Option<PasswordPolicyType>,
    pub sign_in_policy: Option<SignInPolicyType>,
}

/// `SignInPolicyType`: the first factors USER_AUTH may offer.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignInPolicyType {
    pub allowed_first_auth_factors: Option<Vec<String>>,
}

/// Length limits of a string attribute (Cognito sends the numbers as strings).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StringAttributeConstraintsType {
    pub min_length: Option<String>,
    pub max_length: Option<String>,
}

/// Value limits of a number attribute (Cognito sends the numbers as strings).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NumberAttributeConstraintsType {
    pub min_value: Option<String>,
    pub max_value: Option<String>,
}

/// One attribute of a pool's schema.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaAttributeType {
    pub name: Option<String>,
    pub attribute_data_type: Option<String>,
    pub developer_only_attribute: Option<bool>,
    pub mutable: Option<bool>,
    pub required: Option<bool>,
    pub number_attribute_constraints: Option<NumberAttributeConstraintsType>,
    pub string_attribute_constraints: Option<StringAttributeConstraintsType>,
}

/// Whether usernames are case sensitive.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UsernameConfigurationType {
    pub case_sensitive: bool,
}

/// Who may create users, and how long a temporary password lasts (legacy field).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserConfigType {
    pub allow_admin_create_user_only: Option<bool>,
    pub unused_account_validity_days: Option<i64>,
    pub invite_message_template: Option<MessageTemplateType>,
}

/// Message templates for invitations.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageTemplateType {
    #[serde(rename = "SMSMessage")]
    pub sms_message: Option<String>,
    pub email_message: Option<String>,
    pub email_subject: Option<String>,
}

/// Verification message templates.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerificationMessageTemplateType {
    pub sms_message: Option<String>,
    pub email_message: Option<String>,
    pub email_subject: Option<String>,
    pub email_message_by_link: Option<String>,
    pub email_subject_by_link: Option<String>,
    pub default_email_option: Option<String>,
}

/// Which verified attributes recover an account, in order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountRecoverySettingType {
    #[serde(default)]
    pub recovery_mechanisms: Vec<RecoveryOptionType>,
}

/// One account-recovery mechanism.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecoveryOptionType {
    pub priority: i64,
    pub name: String,
}

/// Attributes that must be verified before a change takes effect.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserAttributeUpdateSettingsType {
    #[serde(default)]
    pub attributes_require_verification_before_update: Vec<String>,
}

/// Units of an app client's token validity periods.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TokenValidityUnitsType {
    pub access_token: Option<String>,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
}
