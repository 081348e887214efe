//! The action table: every Cognito user-pools action name, written once, with who may call it.

/// Declares the `Action` enum from two lists: actions any client may call, and actions that require
/// an AWS Signature V4 made with a configured access key.
macro_rules! actions {
    (public: $($public:ident),* $(,)?; signed: $($signed:ident),* $(,)?) => {
        /// A Cognito user-pools action, as named in the `X-Amz-Target` header.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action { $($public,)* $($signed,)* }

        impl Action {
            /// Every action Cognito defines, public ones first.
            pub const ALL: &'static [Action] = &[$(Action::$public,)* $(Action::$signed,)*];

            /// The action's wire name, e.g. `"InitiateAuth"`.
            pub const fn name(self) -> &'static str {
                match self { $(Action::$public => stringify!($public),)* $(Action::$signed => stringify!($signed),)* }
            }

            /// Looks an action up by its wire name.
            pub fn from_name(name: &str) -> Option<Action> {
                match name {
                    $(stringify!($public) => Some(Action::$public),)*
                    $(stringify!($signed) => Some(Action::$signed),)*
                    _ => None,
                }
            }

            /// Whether the caller must sign the request with AWS Signature V4 (admin and
            /// pool-management actions), as opposed to a public action an app calls directly.
            pub const fn requires_signature(self) -> bool {
                match self { $(Action::$public => false,)* $(Action::$signed => true,)* }
            }
        }
    };
}

actions! {
    public:
        AssociateSoftwareToken, ChangePassword, CompleteWebAuthnRegistration, ConfirmDevice,
        ConfirmForgotPassword, ConfirmSignUp, DeleteUser, DeleteUserAttributes,
        DeleteWebAuthnCredential, ForgetDevice, ForgotPassword, GetDevice, GetTokensFromRefreshToken,
        GetUser, GetUserAttributeVerificationCode, GetUserAuthFactors, GlobalSignOut, InitiateAuth,
        ListDevices, ListWebAuthnCredentials, ResendConfirmationCode, RespondToAuthChallenge,
        RevokeToken, SetUserMFAPreference, SetUserSettings, SignUp, StartWebAuthnRegistration,
        UpdateAuthEventFeedback, UpdateDeviceStatus, UpdateUserAttributes, VerifySoftwareToken,
        VerifyUserAttribute;
    signed:
        AddCustomAttributes, AddUserPoolClientSecret, AdminAddUserToGroup, AdminConfirmSignUp, AdminCreateUser,
        AdminDeleteUser, AdminDeleteUserAttributes, AdminDisableProviderForUser, AdminDisableUser,
        AdminEnableUser, AdminForgetDevice, AdminGetDevice, AdminGetUser, AdminInitiateAuth,
        AdminLinkProviderForUser, AdminListDevices, AdminListGroupsForUser, AdminListUserAuthEvents,
        AdminRemoveUserFromGroup, AdminResetUserPassword, AdminRespondToAuthChallenge,
        AdminSetUserMFAPreference, AdminSetUserPassword, AdminSetUserSettings,
        AdminUpdateAuthEventFeedback, AdminUpdateDeviceStatus, AdminUpdateUserAttributes,
        AdminUserGlobalSignOut, CreateGroup, CreateIdentityProvider, CreateManagedLoginBranding,
        CreateResourceServer, CreateTerms, CreateUserImportJob, CreateUserPool, CreateUserPoolClient,
        CreateUserPoolDomain, DeleteGroup, DeleteIdentityProvider, DeleteManagedLoginBranding,
        DeleteResourceServer, DeleteTerms, DeleteUserPool, DeleteUserPoolClient,
        DeleteUserPoolClientSecret,        DeleteUserPoolDomain, DescribeIdentityProvider, DescribeManagedLoginBranding,
        DescribeManagedLoginBrandingByClient, DescribeResourceServer, DescribeRiskConfiguration,
        DescribeTerms, DescribeUserImportJob, DescribeUserPool, DescribeUserPoolClient,
        DescribeUserPoolDomain, GetCSVHeader, GetGroup, GetIdentityProviderByIdentifier,
        GetLogDeliveryConfiguration, GetSigningCertificate, GetUICustomization,
        GetUserPoolMfaConfig, ListGroups, ListIdentityProviders, ListResourceServers,
        ListTagsForResource, ListTerms, ListUserImportJobs, ListUserPoolClientSecrets, ListUserPoolClients, ListUserPools,
        ListUsers, ListUsersInGroup, SetLogDeliveryConfiguration, SetRiskConfiguration,
        SetUICustomization, SetUserPoolMfaConfig, StartUserImportJob, StopUserImportJob,
        TagResource, UntagResource, UpdateGroup, UpdateIdentityProvider, UpdateManagedLoginBranding,
        UpdateResourceServer, UpdateTerms, UpdateUserPool, UpdateUserPoolClient,
        UpdateUserPoolDomain,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.name()), Some(*action));
        }
        assert_eq!(Action::from_name("NoSuchAction"), None);
    }

    #[test]
    fn public_and_signed_actions_are_told_apart() {
        assert!(!Action::InitiateAuth.requires_signature());
        assert!(!Action::SignUp.requires_signature());
        assert!(Action::AdminInitiateAuth.requires_signature());
        assert!(Action::ListUsers.requires_signature());
    }
}
