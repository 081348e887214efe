//! CustomMessage: the pool's function may reword any message that carries a code or a
//! temporary password. Its text must keep the code's placeholder (`{####}`), and an
//! invitation's the username's (`{username}`); a text without them is not used, the pool's
//! own message goes out instead.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::invoke::text;
use super::{Envelope, Trigger};
use crate::delivery::Channel;
use crate::error::Result;
use crate::model::{CodePurpose, Pool, User};
use crate::Cognate;

/// Which message is being sent: CustomMessage's `triggerSource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MessageKind {
    SignUp,
    ResendCode,
    ForgotPassword,
    /// A changed email or phone number to verify (UpdateUserAttributes).
    UpdateUserAttribute,
    /// GetUserAttributeVerificationCode.
    VerifyUserAttribute,
    AdminCreateUser,
    /// A sign-in's code (SMS or email MFA, or a one-time code to sign in with).
    Authentication,
}

impl MessageKind {
    /// The code's purpose, which decides where it is stored and how long it lives.
    pub(crate) fn purpose(self) -> CodePurpose {
        match self {
            Self::SignUp | Self::ResendCode => CodePurpose::SignUp,
            Self::ForgotPassword => CodePurpose::ForgotPassword,
            Self::UpdateUserAttribute | Self::VerifyUserAttribute => CodePurpose::VerifyAttribute,
            Self::AdminCreateUser => CodePurpose::AdminCreateUser,
            Self::Authentication => CodePurpose::Mfa,
        }
    }

    /// What follows the trigger's name in `triggerSource` (`CustomMessage_SignUp`,
    /// `CustomEmailSender_SignUp`, ...).
    pub(crate) fn event_name(self) -> &'static str {
        match self {
            Self::SignUp => "SignUp",
            Self::ResendCode => "ResendCode",
            Self::ForgotPassword => "ForgotPassword",
            Self::UpdateUserAttribute => "UpdateUserAttribute",
            Self::VerifyUserAttribute => "VerifyUserAttribute",
            Self::AdminCreateUser => "AdminCreateUser",
            Self::Authentication => "Authentication",
        }
    }
}

/// Who asked for a message: the app client (none for an administrator's action) and the
/// request's ClientMetadata, which CustomMessage gets as `callerContext.clientId` and
/// `clientMetadata`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Requester<'a> {
    pub(crate) client_id: Option<&'a str>,
    pub(crate) client_metadata: &'a BTreeMap<String, String>,
}

static NO_METADATA: BTreeMap<String, String> = BTreeMap::new();

impl<'a> Requester<'a> {
    /// An administrator's action (no client), with its ClientMetadata.
    pub(crate) fn admin_with_metadata(client_metadata: &'a BTreeMap<String, String>) -> Self {
        Self { client_id: None, client_metadata }
    }

    /// An app client's request without ClientMetadata.
    pub(crate) fn client(client_id: &'a str) -> Self {
        Self { client_id: Some(client_id), client_metadata: &NO_METADATA }
    }

    /// An app client's request with its ClientMetadata.
    pub(crate) fn with_metadata(client_id: &'a str, client_metadata: &'a BTreeMap<String, String>) -> Self {
        Self { client_id: Some(client_id), client_metadata }
    }
}

/// A message's text and subject, as the pool words it or as the function rewords it.
pub(crate) struct Wording {
    pub(crate) text: String,
    pub(crate) subject: Option<String>,
}

impl Cognate {
    /// The wording of a `kind` message to `user` over `channel`: the pool's own, unless its
    /// CustomMessage function gives another that keeps the placeholders.
    pub(crate) async fn custom_message(
        &self,
        pool: &Pool,
        user: &User,
        kind: MessageKind,
        channel: Channel,
        own: Wording,
        requester: Requester<'_>,
    ) -> Result<Wording> {
        if pool.settings.triggers.function(Trigger::CustomMessage).is_none() {
            return Ok(own);
        }
        let invitation = kind == MessageKind::AdminCreateUser;
        let mut event =
            Envelope::about(format!("CustomMessage_{}", kind.event_name()), pool, user, requester.client_id)
                .client_metadata(requester.client_metadata)
                .with("codeParameter", "{####}")
                .with("linkParameter", "{##Click Here##}")
                .with("usernameParameter", if invitation { Value::from("{username}") } else { Value::Null });
        event.response = json!({"smsMessage": null, "emailMessage": null, "emailSubject": null});
        let Some(response) = self.run_trigger(pool, Trigger::CustomMessage, event).await? else { return Ok(own) };
        let field = if channel == Channel::Sms { "smsMessage" } else { "emailMessage" };
        let keeps_placeholders = |t: &&str| t.contains("{####}") && (!invitation || t.contains("{username}"));
        let text = text(&response, field)?.filter(keeps_placeholders).map_or(own.text, str::to_owned);
        let subject = match channel {
            Channel::Email => text_or(&response, "emailSubject", own.subject)?,
            Channel::Sms => None,
        };
        Ok(Wording { text, subject })
    }
}

fn text_or(response: &Value, name: &str, own: Option<String>) -> Result<Option<String>> {
    Ok(text(response, name)?.filter(|s| !s.is_empty()).map(str::to_owned).or(own))
}
