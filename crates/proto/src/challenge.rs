//! Sign-in flows and challenge names, written once: what InitiateAuth's `AuthFlow` and
//! RespondToAuthChallenge's `ChallengeName` may say.

/// Declares a wire enum: each variant with the name it has on the wire.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $wire:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant,)* }

        impl $name {
            /// Every value, in Cognito's documented order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The wire name.
            pub const fn name(self) -> &'static str {
                match self { $($name::$variant => $wire,)* }
            }

            /// Looks a value up by its wire name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($wire => Some($name::$variant),)* _ => None }
            }

            /// The wire names as Cognito lists them in a validation error: `[A, B, C]`.
            pub fn enum_set() -> String {
                let names: Vec<&str> = Self::ALL.iter().map(|v| v.name()).collect();
                format!("[{}]", names.join(", "))
            }
        }
    };
}

wire_enum! {
    /// InitiateAuth's `AuthFlow`.
    AuthFlow {
        UserSrpAuth => "USER_SRP_AUTH",
        RefreshTokenAuth => "REFRESH_TOKEN_AUTH",
        RefreshToken => "REFRESH_TOKEN",
        CustomAuth => "CUSTOM_AUTH",
        AdminNoSrpAuth => "ADMIN_NO_SRP_AUTH",
        UserPasswordAuth => "USER_PASSWORD_AUTH",
        AdminUserPasswordAuth => "ADMIN_USER_PASSWORD_AUTH",
        UserAuth => "USER_AUTH",
    }
}

wire_enum! {
    /// `ChallengeName` of a challenge answer or of the next step of a sign-in.
    ChallengeName {
        SmsMfa => "SMS_MFA",
        EmailOtp => "EMAIL_OTP",
        SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
        SelectMfaType => "SELECT_MFA_TYPE",
        MfaSetup => "MFA_SETUP",
        PasswordVerifier => "PASSWORD_VERIFIER",
        CustomChallenge => "CUSTOM_CHALLENGE",
        SelectChallenge => "SELECT_CHALLENGE",
        DeviceSrpAuth => "DEVICE_SRP_AUTH",
        DevicePasswordVerifier => "DEVICE_PASSWORD_VERIFIER",
        AdminNoSrpAuth => "ADMIN_NO_SRP_AUTH",
        NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
        SmsOtp => "SMS_OTP",
        Password => "PASSWORD",
        WebAuthn => "WEB_AUTHN",
        PasswordSrp => "PASSWORD_SRP",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in ChallengeName::ALL {
            assert_eq!(ChallengeName::from_name(name.name()), Some(*name));
        }
        for flow in AuthFlow::ALL {
            assert_eq!(AuthFlow::from_name(flow.name()), Some(*flow));
        }
        assert_eq!(ChallengeName::from_name("EMAIL_MFA"), None);
        assert!(AuthFlow::enum_set().starts_with("[USER_SRP_AUTH, REFRESH_TOKEN_AUTH,"));
    }
}
