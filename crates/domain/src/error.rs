//! The one error vocabulary of every use case; its variants mirror Cognito's exceptions.

/// A use case's failure. The message is the one Cognito sends; clients show it to people.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{0}")]
    AliasExists(String),
    #[error("{0}")]
    CodeDeliveryFailure(String),
    #[error("{0}")]
    CodeMismatch(String),
    #[error("{0}")]
    DeviceKeyExists(String),
    #[error("{0}")]
    DuplicateProvider(String),
    #[error("{0}")]
    EnableSoftwareTokenMfa(String),
    #[error("{0}")]
    ExpiredCode(String),
    #[error("{0}")]
    GroupExists(String),
    #[error("{0}")]
    InvalidLambdaResponse(String),
    #[error("{0}")]
    InvalidOAuthFlow(String),
    #[error("{0}")]
    InvalidParameter(String),
    #[error("{0}")]
    InvalidPassword(String),
    #[error("{0}")]
    InvalidUserPoolConfiguration(String),
    #[error("{0}")]
    LimitExceeded(String),
    #[error("{0}")]
    NotAuthorized(String),
    #[error("{0}")]
    PasswordResetRequired(String),
    #[error("{0}")]
    RefreshTokenReuse(String),
    #[error("{0}")]
    ResourceNotFound(String),
    #[error("{0}")]
    ScopeDoesNotExist(String),
    #[error("{0}")]
    SoftwareTokenMfaNotFound(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    UnexpectedLambda(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    UnsupportedTokenType(String),
    #[error("{0}")]
    UnsupportedUserState(String),
    #[error("{0}")]
    UserLambdaValidation(String),
    #[error("{0}")]
    UserNotConfirmed(String),
    #[error("{0}")]
    UserNotFound(String),
    #[error("{0}")]
    UsernameExists(String),
    #[error("{0}")]
    WebAuthnChallengeNotFound(String),
    #[error("{0}")]
    WebAuthnClientMismatch(String),
    #[error("{0}")]
    WebAuthnConfigurationMissing(String),
    #[error("{0}")]
    WebAuthnCredentialNotSupported(String),
    #[error("{0}")]
    WebAuthnNotEnabled(String),
    #[error("{0}")]
    WebAuthnOriginNotAllowed(String),
    #[error("{0}")]
    WebAuthnRelyingPartyMismatch(String),
    /// Our own fault (storage down, a key that does not parse). Logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Shorthand for use-case results.
pub type Result<T, E = DomainError> = std::result::Result<T, E>;

impl DomainError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidParameter(message.into())
    }

    pub(crate) fn not_authorized(message: impl Into<String>) -> Self {
        Self::NotAuthorized(message.into())
    }

    pub(crate) fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    pub(crate) fn user_not_found() -> Self {
        Self::UserNotFound("User does not exist.".into())
    }

    /// A sign-in name another user already has (the store's uniqueness constraint).
    pub(crate) fn alias_taken(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(_) => Self::AliasExists("An account with the given email already exists.".into()),
            other => other.into(),
        }
    }

    pub(crate) fn incorrect_credentials() -> Self {
        Self::NotAuthorized("Incorrect username or password.".into())
    }
}

/// A storage failure. Uniqueness violations are told apart so that use cases can answer
/// `UsernameExistsException` and friends; everything else is internal.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unique constraint violated: {0}")]
    Conflict(String),
    #[error("storage failure: {0}")]
    Backend(String),
}

impl From<StoreError> for DomainError {
    fn from(err: StoreError) -> Self {
        DomainError::Internal(err.to_string())
    }
}
