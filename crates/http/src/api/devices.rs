//! Device handlers: ConfirmDevice, GetDevice, ListDevices, UpdateDeviceStatus, ForgetDevice and
//! their Admin twins.

use cognate_domain::devices::{DeviceConfirmation, DevicePage, DeviceView};
use cognate_domain::{Cognate, DomainError};
use cognate_proto::devices::*;
use cognate_proto::pools::Empty;
use cognate_proto::types::AttributeType;

type Result<T> = std::result::Result<T, DomainError>;

fn device_out(d: DeviceView) -> DeviceType {
    DeviceType {
        device_key: d.key,
        device_attributes: d
            .attributes
            .into_iter()
            .map(|(name, value)| AttributeType { name, value: Some(value) })
            .collect(),
        device_create_date: d.created,
        device_last_modified_date: d.modified,
        device_last_authenticated_date: d.last_authenticated,
    }
}

fn page_out(page: DevicePage) -> ListDevicesResponse {
    ListDevicesResponse { devices: page.devices.into_iter().map(device_out).collect(), pagination_token: page.next }
}

/// GetDevice and ForgetDevice leave AccessToken optional in the service model; Cognate needs it
/// to know whose device is meant.
fn bearer(token: Option<String>) -> Result<String> {
    token.ok_or_else(|| DomainError::InvalidParameter("Missing required parameter AccessToken".into()))
}

pub async fn confirm_device(c: &Cognate, r: ConfirmDeviceRequest) -> Result<ConfirmDeviceResponse> {
    let config = r.device_secret_verifier_config.unwrap_or_default();
    let input = DeviceConfirmation {
        key: r.device_key,
        verifier: config.password_verifier,
        salt: config.salt,
        name: r.device_name,
    };
    let user_confirmation_necessary = c.confirm_device(&r.access_token, input).await?;
    Ok(ConfirmDeviceResponse { user_confirmation_necessary })
}

pub async fn get_device(c: &Cognate, r: GetDeviceRequest) -> Result<GetDeviceResponse> {
    let device = c.get_device(&bearer(r.access_token)?, &r.device_key).await?;
    Ok(GetDeviceResponse { device: device_out(device) })
}

pub async fn admin_get_device(c: &Cognate, r: AdminGetDeviceRequest) -> Result<GetDeviceResponse> {
    let device = c.admin_get_device(&r.user_pool_id, &r.username, &r.device_key).await?;
    Ok(GetDeviceResponse { device: device_out(device) })
}

pub async fn list_devices(c: &Cognate, r: ListDevicesRequest) -> Result<ListDevicesResponse> {
    Ok(page_out(c.list_devices(&r.access_token, r.limit, r.pagination_token.as_deref()).await?))
}

pub async fn admin_list_devices(c: &Cognate, r: AdminListDevicesRequest) -> Result<ListDevicesResponse> {
    let page = c.admin_list_devices(&r.user_pool_id, &r.username, r.limit, r.pagination_token.as_deref()).await?;
    Ok(page_out(page))
}

pub async fn update_device_status(c: &Cognate, r: UpdateDeviceStatusRequest) -> Result<Empty> {
    c.update_device_status(&r.access_token, &r.device_key, r.device_remembered_status.as_deref()).await?;
    Ok(Empty {})
}

pub async fn admin_update_device_status(c: &Cognate, r: AdminUpdateDeviceStatusRequest) -> Result<Empty> {
    let status = r.device_remembered_status.as_deref();
    c.admin_update_device_status(&r.user_pool_id, &r.username, &r.device_key, status).await?;
    Ok(Empty {})
}

pub async fn forget_device(c: &Cognate, r: ForgetDeviceRequest) -> Result<Empty> {
    c.forget_device(&bearer(r.access_token)?, &r.device_key).await?;
    Ok(Empty {})
}

pub async fn admin_forget_device(c: &Cognate, r: AdminForgetDeviceRequest) -> Result<Empty> {
    c.admin_forget_device(&r.user_pool_id, &r.username, &r.device_key).await?;
    Ok(Empty {})
}
