//! PreSignUp and PostConfirmation: the first may refuse a sign-up or confirm and verify it at
//! once; the second hears of every confirmation (its failure is answered, but the user stays
//! confirmed, as on Cognito).

use std::collections::BTreeMap;

use super::auth::validation;
use super::invoke::flag;
use super::{Envelope, Trigger};
use crate::error::Result;
use crate::model::{Pool, User};
use crate::Cognate;

/// Where a pre-sign-up event comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignUpSource {
    SignUp,
    AdminCreateUser,
    /// A federated user's first sign-in: the function may refuse it; its decisions do not
    /// apply (the provider's mapping says what is verified).
    ExternalProvider,
}

/// What PreSignUp decided (always `false`s for AdminCreateUser, whose user is confirmed by the
/// admin's invitation, and for a federated user).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SignUpDecision {
    pub(crate) auto_confirm: bool,
    pub(crate) auto_verify_email: bool,
    pub(crate) auto_verify_phone: bool,
}

/// Why a user was confirmed: PostConfirmation's `triggerSource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Confirmation {
    /// ConfirmSignUp, AdminConfirmSignUp, or a sign-up PreSignUp confirmed.
    SignUp,
    ForgotPassword,
}

impl Cognate {
    /// PreSignUp for `user` (not yet stored), with the caller's ValidationData and ClientMetadata.
    pub(crate) async fn pre_sign_up(
        &self,
        pool: &Pool,
        client_id: Option<&str>,
        user: &User,
        source: SignUpSource,
        validation_data: &BTreeMap<String, String>,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<SignUpDecision> {
        if pool.settings.triggers.function(Trigger::PreSignUp).is_none() {
            return Ok(SignUpDecision::default());
        }
        let trigger_source = match source {
            SignUpSource::SignUp => "PreSignUp_SignUp",
            SignUpSource::AdminCreateUser => "PreSignUp_AdminCreateUser",
            SignUpSource::ExternalProvider => "PreSignUp_ExternalProvider",
        };
        let mut event = Envelope::about(trigger_source, pool, user, client_id)
            .with("validationData", validation(validation_data))
            .client_metadata(client_metadata);
        event.response =
            serde_json::json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false});
        let Some(response) = self.run_trigger(pool, Trigger::PreSignUp, event).await? else {
            return Ok(SignUpDecision::default());
        };
        let decision = SignUpDecision {
            auto_confirm: flag(&response, "autoConfirmUser")?,
            // Auto-verification needs the attribute.
            auto_verify_email: flag(&response, "autoVerifyEmail")? && user.attributes.contains_key("email"),
            auto_verify_phone: flag(&response, "autoVerifyPhone")? && user.attributes.contains_key("phone_number"),
        };
        Ok(if source == SignUpSource::SignUp { decision } else { SignUpDecision::default() })
    }

    /// PostConfirmation for a user just confirmed.
    pub(crate) async fn post_confirmation(
        &self,
        pool: &Pool,
        client_id: Option<&str>,
        user: &User,
        why: Confirmation,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<()> {
        if pool.settings.triggers.function(Trigger::PostConfirmation).is_none() {
            return Ok(());
        }
        let trigger_source = match why {
            Confirmation::SignUp => "PostConfirmation_ConfirmSignUp",
            Confirmation::ForgotPassword => "PostConfirmation_ConfirmForgotPassword",
        };
        let event = Envelope::about(trigger_source, pool, user, client_id).client_metadata(client_metadata);
        self.run_trigger(pool, Trigger::PostConfirmation, event).await.map(drop)
    }
}
