//! Cognito's exception names, as sent in `__type` and `x-amzn-ErrorType`.

macro_rules! error_types {
    ($($name:ident => $status:literal),* $(,)?) => {
        /// An exception name that Cognito (or the AWS front door before it) answers with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorType { $($name,)* }

        impl ErrorType {
            /// The exception's wire name, e.g. `"NotAuthorizedException"`.
            pub const fn name(self) -> &'static str {
                match self { $(ErrorType::$name => stringify!($name),)* }
            }

            /// The HTTP status AWS sends with it.
            pub const fn status(self) -> u16 {
                match self { $(ErrorType::$name => $status,)* }
            }
        }
    };
}

error_types! {
    AliasExistsException => 400,
    CodeDeliveryFailureException => 400,
    CodeMismatchException => 400,
    DeviceKeyExistsException => 400,
    DuplicateProviderException => 400,
    ConcurrentModificationException => 400,
    EnableSoftwareTokenMFAException => 400,
    ExpiredCodeException => 400,
    GroupExistsException => 400,
    InternalErrorException => 500,
    InvalidOAuthFlowException => 400,
    InvalidParameterException => 400,
    InvalidPasswordException => 400,
    InvalidSignatureException => 400,
    LimitExceededException => 400,
    MissingAuthenticationTokenException => 400,
    NotAuthorizedException => 400,
    PasswordResetRequiredException => 400,
    RefreshTokenReuseException => 400,
    RequestEntityTooLargeException => 413,
    RequestTimeoutException => 408,
    ResourceNotFoundException => 400,
    ScopeDoesNotExistException => 400,
    SerializationException => 400,
    SoftwareTokenMFANotFoundException => 400,
    TooManyFailedAttemptsException => 400,
    TooManyRequestsException => 400,
    UnknownOperationException => 400,
    UnrecognizedClientException => 400,
    UnauthorizedException => 400,
    UnsupportedOperationException => 400,
    UnsupportedTokenTypeException => 400,
    UnsupportedUserStateException => 400,
    UserNotConfirmedException => 400,
    UserNotFoundException => 400,
    UsernameExistsException => 400,
    InvalidUserPoolConfigurationException => 400,
    UserLambdaValidationException => 400,
    UnexpectedLambdaException => 400,
    InvalidLambdaResponseException => 400,
    WebAuthnChallengeNotFoundException => 400,
    WebAuthnClientMismatchException => 400,
    WebAuthnConfigurationMissingException => 400,
    WebAuthnCredentialNotSupportedException => 400,
    WebAuthnNotEnabledException => 400,
    WebAuthnOriginNotAllowedException => 400,
    WebAuthnRelyingPartyMismatchException => 400,
}
