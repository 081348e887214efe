//! Handlers for recovery, attributes, sign-out and revocation, user listing and auth events.

use cognate_domain::model::AuthEvent;
use cognate_domain::{Cognate, DomainError};
use cognate_proto::lifecycle::AdminResetUserPasswordRequest;
use cognate_proto::lifecycle::*;
use cognate_proto::pools::Empty;
use cognate_proto::users::{AccessTokenRequest, AdminUserRequest, CodeDeliveryResponse};

use crate::api::users::delivery_out;
use crate::convert::{attributes_in, schema_in, user_out};

type Result<T> = std::result::Result<T, DomainError>;

pub async fn forgot_password(c: &Cognate, r: ForgotPasswordRequest) -> Result<CodeDeliveryResponse> {
    let metadata = r.client_metadata.unwrap_or_default();
    let delivery = c.forgot_password(&r.client_id, r.secret_hash.as_deref(), &r.username, &metadata).await?;
    Ok(CodeDeliveryResponse { code_delivery_details: Some(delivery_out(delivery)) })
}

pub async fn confirm_forgot_password(c: &Cognate, r: ConfirmForgotPasswordRequest) -> Result<Empty> {
    let metadata = r.client_metadata.unwrap_or_default();
    let (code, password) = (&r.confirmation_code, &r.password);
    c.confirm_forgot_password(&r.client_id, r.secret_hash.as_deref(), &r.username, code, password, &metadata).await?;
    Ok(Empty {})
}

pub async fn admin_reset_user_password(c: &Cognate, r: AdminResetUserPasswordRequest) -> Result<Empty> {
    c.admin_reset_user_password(&r.user_pool_id, &r.username, &r.client_metadata.unwrap_or_default()).await?;
    Ok(Empty {})
}

pub async fn change_password(c: &Cognate, r: ChangePasswordRequest) -> Result<Empty> {
    c.change_password(&r.access_token, &r.previous_password, &r.proposed_password).await?;
    Ok(Empty {})
}

pub async fn update_user_attributes(
    c: &Cognate,
    r: UpdateUserAttributesRequest,
) -> Result<UpdateUserAttributesResponse> {
    let metadata = r.client_metadata.unwrap_or_default();
    let deliveries =
        c.update_user_attributes(&r.access_token, &attributes_in(Some(r.user_attributes)), &metadata).await?;
    Ok(UpdateUserAttributesResponse {
        code_delivery_details_list: Some(deliveries.into_iter().map(delivery_out).collect()),
    })
}

pub async fn delete_user_attributes(c: &Cognate, r: DeleteUserAttributesRequest) -> Result<Empty> {
    c.delete_user_attributes(&r.access_token, &r.user_attribute_names).await?;
    Ok(Empty {})
}

pub async fn get_user_attribute_verification_code(
    c: &Cognate,
    r: GetUserAttributeVerificationCodeRequest,
) -> Result<CodeDeliveryResponse> {
    let metadata = r.client_metadata.unwrap_or_default();
    let delivery = c.get_user_attribute_verification_code(&r.access_token, &r.attribute_name, &metadata).await?;
    Ok(CodeDeliveryResponse { code_delivery_details: Some(delivery_out(delivery)) })
}

pub async fn verify_user_attribute(c: &Cognate, r: VerifyUserAttributeRequest) -> Result<Empty> {
    c.verify_user_attribute(&r.access_token, &r.attribute_name, &r.code).await?;
    Ok(Empty {})
}

pub async fn admin_update_user_attributes(c: &Cognate, r: AdminUpdateUserAttributesRequest) -> Result<Empty> {
    let metadata = r.client_metadata.unwrap_or_default();
    let attributes = attributes_in(Some(r.user_attributes));
    c.admin_update_user_attributes(&r.user_pool_id, &r.username, &attributes, &metadata).await?;
    Ok(Empty {})
}

pub async fn admin_delete_user_attributes(c: &Cognate, r: AdminDeleteUserAttributesRequest) -> Result<Empty> {
    c.admin_delete_user_attributes(&r.user_pool_id, &r.username, &r.user_attribute_names).await?;
    Ok(Empty {})
}

pub async fn add_custom_attributes(c: &Cognate, r: AddCustomAttributesRequest) -> Result<Empty> {
    c.add_custom_attributes(&r.user_pool_id, schema_in(r.custom_attributes)?).await?;
    Ok(Empty {})
}

pub async fn delete_user(c: &Cognate, r: AccessTokenRequest) -> Result<Empty> {
    c.delete_user(&r.access_token).await?;
    Ok(Empty {})
}

pub async fn admin_disable_user(c: &Cognate, r: AdminUserRequest) -> Result<Empty> {
    c.admin_disable_user(&r.user_pool_id, &r.username).await?;
    Ok(Empty {})
}

pub async fn admin_enable_user(c: &Cognate, r: AdminUserRequest) -> Result<Empty> {
    c.admin_enable_user(&r.user_pool_id, &r.username).await?;
    Ok(Empty {})
}

pub async fn global_sign_out(c: &Cognate, r: AccessTokenRequest) -> Result<Empty> {
    c.global_sign_out(&r.access_token).await?;
    Ok(Empty {})
}

pub async fn admin_user_global_sign_out(c: &Cognate, r: AdminUserRequest) -> Result<Empty> {
    c.admin_user_global_sign_out(&r.user_pool_id, &r.username).await?;
    Ok(Empty {})
}

pub async fn revoke_token(c: &Cognate, r: RevokeTokenRequest) -> Result<Empty> {
    c.revoke_token(&r.client_id, r.client_secret.as_deref(), &r.token).await?;
    Ok(Empty {})
}

pub async fn list_users(c: &Cognate, r: ListUsersRequest) -> Result<ListUsersResponse> {
    let (users, pagination_token) =
        c.list_users(&r.user_pool_id, r.filter.as_deref(), r.limit, r.pagination_token.as_deref()).await?;
    let wanted = r.attributes_to_get.unwrap_or_default();
    let users = users
        .iter()
        .map(|u| {
            let mut out = user_out(u);
            if !wanted.is_empty() {
                out.attributes.retain(|a| wanted.contains(&a.name));
            }
            out
        })
        .collect();
    Ok(ListUsersResponse { users, pagination_token })
}

fn event_out(e: AuthEvent) -> AuthEventType {
    AuthEventType {
        event_id: e.event_id,
        event_type: e.event_type,
        creation_date: e.created,
        event_response: e.response,
        challenge_responses: e
            .challenges
            .into_iter()
            .map(|(challenge_name, challenge_response)| ChallengeResponseType { challenge_name, challenge_response })
            .collect(),
    }
}

pub async fn admin_list_user_auth_events(
    c: &Cognate,
    r: AdminListUserAuthEventsRequest,
) -> Result<AdminListUserAuthEventsResponse> {
    let (events, next_token) =
        c.admin_list_user_auth_events(&r.user_pool_id, &r.username, r.max_results, r.next_token.as_deref()).await?;
    Ok(AdminListUserAuthEventsResponse { auth_events: events.into_iter().map(event_out).collect(), next_token })
}
