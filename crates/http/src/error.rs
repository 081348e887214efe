//! The one mapping from domain errors to Cognito's wire errors: status, `__type` and the
//! `x-amzn-ErrorType` header.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cognate_domain::DomainError;
use cognate_proto::ErrorType;

use crate::body::{BodyError, MAX_BODY_BYTES};

/// An error as the client sees it.
#[derive(Debug)]
pub struct ApiError {
    pub kind: ErrorType,
    pub message: String,
    /// Whether the connection closes after the answer (the request's body was not read whole).
    pub close_connection: bool,
}

impl ApiError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorType, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), close_connection: false }
    }
}

impl From<BodyError> for ApiError {
    fn from(err: BodyError) -> Self {
        let mut answer = match err {
            BodyError::TooLarge { .. } => ApiError::new(
                ErrorType::RequestEntityTooLargeException,
                format!("Request body is larger than {MAX_BODY_BYTES} bytes."),
            ),
            BodyError::TooSlow => {
                ApiError::new(ErrorType::RequestTimeoutException, "The request body did not arrive in time.")
            }
            BodyError::Broken => {
                ApiError::new(ErrorType::SerializationException, "The request body could not be read.")
            }
        };
        answer.close_connection = err.closes_connection();
        answer
    }
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        let kind = match &err {
            DomainError::AliasExists(_) => ErrorType::AliasExistsException,
            DomainError::CodeDeliveryFailure(_) => ErrorType::CodeDeliveryFailureException,
            DomainError::CodeMismatch(_) => ErrorType::CodeMismatchException,
            DomainError::DeviceKeyExists(_) => ErrorType::DeviceKeyExistsException,
            DomainError::DuplicateProvider(_) => ErrorType::DuplicateProviderException,
            DomainError::EnableSoftwareTokenMfa(_) => ErrorType::EnableSoftwareTokenMFAException,
            DomainError::ExpiredCode(_) => ErrorType::ExpiredCodeException,
            DomainError::GroupExists(_) => ErrorType::GroupExistsException,
            DomainError::InvalidLambdaResponse(_) => ErrorType::InvalidLambdaResponseException,
            DomainError::InvalidOAuthFlow(_) => ErrorType::InvalidOAuthFlowException,
            DomainError::InvalidParameter(_) => ErrorType::InvalidParameterException,
            DomainError::InvalidPassword(_) => ErrorType::InvalidPasswordException,
            DomainError::InvalidUserPoolConfiguration(_) => ErrorType::InvalidUserPoolConfigurationException,
            DomainError::LimitExceeded(_) => ErrorType::LimitExceededException,
            DomainError::NotAuthorized(_) => ErrorType::NotAuthorizedException,
            DomainError::PasswordResetRequired(_) => ErrorType::PasswordResetRequiredException,
            DomainError::RefreshTokenReuse(_) => ErrorType::RefreshTokenReuseException,
            DomainError::ResourceNotFound(_) => ErrorType::ResourceNotFoundException,
            DomainError::ScopeDoesNotExist(_) => ErrorType::ScopeDoesNotExistException,
            DomainError::SoftwareTokenMfaNotFound(_) => ErrorType::SoftwareTokenMFANotFoundException,
            DomainError::TooManyRequests(_) => ErrorType::TooManyRequestsException,
            DomainError::Unauthorized(_) => ErrorType::UnauthorizedException,
            DomainError::UnexpectedLambda(_) => ErrorType::UnexpectedLambdaException,
            DomainError::Unsupported(_) => ErrorType::UnsupportedOperationException,
            DomainError::UnsupportedTokenType(_) => ErrorType::UnsupportedTokenTypeException,
            DomainError::UnsupportedUserState(_) => ErrorType::UnsupportedUserStateException,
            DomainError::UserLambdaValidation(_) => ErrorType::UserLambdaValidationException,
            DomainError::UserNotConfirmed(_) => ErrorType::UserNotConfirmedException,
            DomainError::UserNotFound(_) => ErrorType::UserNotFoundException,
            DomainError::UsernameExists(_) => ErrorType::UsernameExistsException,
            DomainError::WebAuthnChallengeNotFound(_) => ErrorType::WebAuthnChallengeNotFoundException,
            DomainError::WebAuthnClientMismatch(_) => ErrorType::WebAuthnClientMismatchException,
            DomainError::WebAuthnConfigurationMissing(_) => ErrorType::WebAuthnConfigurationMissingException,
            DomainError::WebAuthnCredentialNotSupported(_) => ErrorType::WebAuthnCredentialNotSupportedException,
            DomainError::WebAuthnNotEnabled(_) => ErrorType::WebAuthnNotEnabledException,
            DomainError::WebAuthnOriginNotAllowed(_) => ErrorType::WebAuthnOriginNotAllowedException,
            DomainError::WebAuthnRelyingPartyMismatch(_) => ErrorType::WebAuthnRelyingPartyMismatchException,
            DomainError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                return ApiError::new(ErrorType::InternalErrorException, "An internal error occurred.");
            }
        };
        ApiError::new(kind, err.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.kind.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let body = serde_json::json!({ "__type": self.kind.name(), "message": self.message }).to_string();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert("content-type", HeaderValue::from_static("application/x-amz-json-1.1"));
        headers.insert("x-amzn-errortype", HeaderValue::from_static(self.kind.name()));
        if self.close_connection {
            headers.insert("connection", HeaderValue::from_static("close"));
        }
        response
    }
}
