//! Remembered devices: ConfirmDevice, GetDevice, ListDevices, UpdateDeviceStatus, ForgetDevice
//! and their Admin twins, and the pool's DeviceConfiguration.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::types::AttributeType;

/// `DeviceConfigurationType`: any member turns device tracking on.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceConfigurationType {
    pub challenge_required_on_new_device: Option<bool>,
    pub device_only_remembered_on_user_prompt: Option<bool>,
}

/// `NewDeviceMetadataType`, in the AuthenticationResult of a sign-in on a new device.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewDeviceMetadataType {
    pub device_key: String,
    pub device_group_key: String,
}

/// `DeviceSecretVerifierConfigType`: the device's SRP verifier and salt, base64.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceSecretVerifierConfigType {
    pub password_verifier: Option<String>,
    pub salt: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmDeviceRequest {
    pub access_token: String,
    pub device_key: String,
    pub device_secret_verifier_config: Option<DeviceSecretVerifierConfigType>,
    pub device_name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmDeviceResponse {
    pub user_confirmation_necessary: bool,
}

/// `DeviceType`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceType {
    pub device_key: String,
    pub device_attributes: Vec<AttributeType>,
    pub device_create_date: i64,
    pub device_last_modified_date: i64,
    pub device_last_authenticated_date: i64,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetDeviceRequest {
    pub device_key: String,
    pub access_token: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetDeviceResponse {
    pub device: DeviceType,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDevicesRequest {
    pub access_token: String,
    pub limit: Option<i64>,
    pub pagination_token: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDevicesResponse {
    pub devices: Vec<DeviceType>,
    pub pagination_token: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateDeviceStatusRequest {
    pub access_token: String,
    pub device_key: String,
    pub device_remembered_status: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ForgetDeviceRequest {
    pub access_token: Option<String>,
    pub device_key: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminGetDeviceRequest {
    pub device_key: String,
    pub user_pool_id: String,
    pub username: String,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminListDevicesRequest {
    pub user_pool_id: String,
    pub username: String,
    pub limit: Option<i64>,
    pub pagination_token: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminUpdateDeviceStatusRequest {
    pub user_pool_id: String,
    pub username: String,
    pub device_key: String,
    pub device_remembered_status: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminForgetDeviceRequest {
    pub user_pool_id: String,
    pub username: String,
    pub device_key: String,
}
