//! Sign-up, confirmation, admin user and GetUser handlers.

use cognate_domain::{CodeDelivery, Cognate, DomainError, NewUserByAdmin, SignUpInput};
use cognate_proto::pools::Empty;
use cognate_proto::types::CodeDeliveryDetailsType;
use cognate_proto::users::*;

use crate::convert::{attributes_in, attributes_out, user_out};

type Result<T> = std::result::Result<T, DomainError>;

pub(crate) fn delivery_out(d: CodeDelivery) -> CodeDeliveryDetailsType {
    CodeDeliveryDetailsType {
        destination: Some(d.destination),
        delivery_medium: Some(d.channel.name().into()),
        attribute_name: Some(d.attribute),
    }
}

pub async fn sign_up(c: &Cognate, r: SignUpRequest) -> Result<SignUpResponse> {
    let outcome = c
        .sign_up(SignUpInput {
            client_id: r.client_id,
            secret_hash: r.secret_hash,
            username: r.username,
            password: r.password,
            attributes: attributes_in(r.user_attributes),
            validation_data: attributes_in(r.validation_data).into_iter().collect(),
            client_metadata: r.client_metadata.unwrap_or_default(),
        })
        .await?;
    Ok(SignUpResponse {
        user_confirmed: outcome.confirmed,
        code_delivery_details: outcome.delivery.map(delivery_out),
        user_sub: outcome.sub,
        session: outcome.session,
    })
}

pub async fn confirm_sign_up(c: &Cognate, r: ConfirmSignUpRequest) -> Result<ConfirmSignUpResponse> {
    let code = &r.confirmation_code;
    let metadata = r.client_metadata.unwrap_or_default();
    let session = c
        .confirm_sign_up(&r.client_id, r.secret_hash.as_deref(), &r.username, code, r.session.as_deref(), &metadata)
        .await?;
    Ok(ConfirmSignUpResponse { session })
}

pub async fn resend_confirmation_code(c: &Cognate, r: ResendConfirmationCodeRequest) -> Result<CodeDeliveryResponse> {
    let metadata = r.client_metadata.unwrap_or_default();
    let delivery = c.resend_confirmation_code(&r.client_id, r.secret_hash.as_deref(), &r.username, &metadata).await?;
    Ok(CodeDeliveryResponse { code_delivery_details: delivery.map(delivery_out) })
}

pub async fn admin_create_user(c: &Cognate, r: AdminCreateUserRequest) -> Result<AdminCreateUserResponse> {
    let user = c
        .admin_create_user(
            &r.user_pool_id,
            NewUserByAdmin {
                username: r.username,
                attributes: attributes_in(r.user_attributes),
                temporary_password: r.temporary_password,
                message_action: r.message_action,
                desired_delivery_mediums: r.desired_delivery_mediums.unwrap_or_default(),
                validation_data: attributes_in(r.validation_data).into_iter().collect(),
                client_metadata: r.client_metadata.unwrap_or_default(),
            },
        )
        .await?;
    Ok(AdminCreateUserResponse { user: user_out(&user) })
}

pub async fn admin_set_user_password(c: &Cognate, r: AdminSetUserPasswordRequest) -> Result<Empty> {
    c.admin_set_user_password(&r.user_pool_id, &r.username, &r.password, r.permanent.unwrap_or(false)).await?;
    Ok(Empty {})
}

pub async fn admin_get_user(c: &Cognate, r: AdminUserRequest) -> Result<AdminGetUserResponse> {
    let user = c.admin_get_user(&r.user_pool_id, &r.username).await?;
    Ok(AdminGetUserResponse {
        username: user.username.clone(),
        user_attributes: attributes_out(&user),
        user_create_date: user.created,
        user_last_modified_date: user.modified,
        enabled: user.enabled,
        user_status: user.status.name().into(),
        mfa: super::mfa::user_mfa_out(&user),
    })
}

pub async fn admin_confirm_sign_up(c: &Cognate, r: AdminConfirmSignUpRequest) -> Result<Empty> {
    c.admin_confirm_sign_up(&r.user_pool_id, &r.username, &r.client_metadata.unwrap_or_default()).await?;
    Ok(Empty {})
}

pub async fn admin_delete_user(c: &Cognate, r: AdminUserRequest) -> Result<Empty> {
    c.admin_delete_user(&r.user_pool_id, &r.username).await?;
    Ok(Empty {})
}

pub async fn get_user(c: &Cognate, r: AccessTokenRequest) -> Result<GetUserResponse> {
    let user = c.get_user(&r.access_token).await?;
    Ok(GetUserResponse {
        username: user.username.clone(),
        user_attributes: attributes_out(&user),
        mfa: super::mfa::user_mfa_out(&user),
    })
}
