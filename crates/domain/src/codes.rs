//! One-time codes: choosing where a code goes, capping how many a user can request, storing
//! only their keyed digest, delivering the message, and redeeming them.

use cognate_crypto::{mac, random};

use crate::attributes::{login_names, mask_destination};
use crate::delivery::queue::Draft;
use crate::delivery::Channel;
use crate::error::{DomainError, Result};
use crate::model::{CodeOutcome, CodePurpose, Pool, StoredCode, User};
use crate::triggers::{MessageKind, Requester, Wording};
use crate::users::CodeDelivery;
use crate::Cognate;

/// Cognito's link message when the pool sets none.
const DEFAULT_LINK_MESSAGE: &str = "Please click the link below to verify your email address. {##Verify Email##} ";

/// How long a sign-up confirmation code stays valid (Cognito: 24 hours).
pub const SIGN_UP_CODE_TTL: i64 = 24 * 3600;
/// How long other codes stay valid (Cognito: 1 hour).
pub const CODE_TTL: i64 = 3600;
/// Codes one user may be sent for one purpose within [`CODE_WINDOW`].
pub const CODES_PER_WINDOW: u32 = 5;
/// The window of [`CODES_PER_WINDOW`].
pub const CODE_WINDOW: i64 = 3600;

/// Where a code goes.
pub(crate) struct Destination {
    pub channel: Channel,
    pub address: String,
}

fn limit_exceeded() -> DomainError {
    DomainError::LimitExceeded("Attempt limit exceeded, please try after some time.".into())
}

impl Cognate {
    /// Where the pool sends sign-up codes for this user: SMS if the phone number is verified
    /// automatically, else email; `None` when the pool verifies nothing automatically.
    pub(crate) fn verification_destination(pool: &Pool, user: &User) -> Option<Destination> {
        let auto = &pool.settings.auto_verified_attributes;
        [Channel::Sms, Channel::Email]
            .into_iter()
            .find(|c| auto.iter().any(|a| a == c.attribute()) && user.attributes.contains_key(c.attribute()))
            .map(|channel| Destination {
                channel,
                address: user.attributes.get(channel.attribute()).cloned().unwrap_or_default(),
            })
    }

    /// Sends a fresh code for a `kind` message to `to`, replacing any outstanding one in its slot.
    /// `target` names the attribute a VERIFY_ATTRIBUTE code verifies; `requester`'s client is
    /// the one whose sign-up a confirmation link (CONFIRM_WITH_LINK, by email) completes.
    pub(crate) async fn send_code(
        &self,
        pool: &Pool,
        user: &User,
        kind: MessageKind,
        to: Destination,
        target: Option<&str>,
        requester: Requester<'_>,
    ) -> Result<CodeDelivery> {
        let purpose = kind.purpose();
        let code = random::six_digit_code();
        let now = self.clock.now();
        let ttl = if purpose == CodePurpose::SignUp { SIGN_UP_CODE_TTL } else { CODE_TTL };
        let mut record = self.code_record(user, purpose, &code, now + ttl);
        record.target = target.map(str::to_owned);
        let template = &pool.settings.verification_message;
        let default_text = "Your verification code is {####}. ";
        let link = &pool.settings.verification_link;
        let (text, subject) = match (to.channel, requester.client_id) {
            (Channel::Email, Some(client_id)) if link.by_default && purpose == CodePurpose::SignUp => (
                self.with_confirm_link(link.email_message.as_deref().unwrap_or(DEFAULT_LINK_MESSAGE), client_id, user),
                Some(link.email_subject.clone().unwrap_or_else(|| "Your verification link".into())),
            ),
            (Channel::Email, _) => (
                template.email_message.clone().unwrap_or_else(|| default_text.into()),
                Some(template.email_subject.clone().unwrap_or_else(|| "Your verification code".into())),
            ),
            (Channel::Sms, _) => (template.sms_message.clone().unwrap_or_else(|| default_text.into()), None),
        };
        let wording = Wording { text, subject };
        let outgoing = self.prepare_message(pool, user, &to, Draft { kind, code: &code, wording, requester }).await?;
        // The code and the message that carries it are stored together, or neither is.
        if !self.store.put_code(&record, now, now - CODE_WINDOW, CODES_PER_WINDOW, outgoing.queued()).await? {
            return Err(limit_exceeded());
        }
        self.release(outgoing).await?;
        Ok(CodeDelivery {
            destination: mask_destination(&to.address),
            channel: to.channel,
            attribute: target.unwrap_or(to.channel.attribute()).into(),
        })
    }

    /// A link message with its `{##text##}` made the link to `/confirmUser` (under the public
    /// URL, where every pool's pages live), carrying the code as `{####}` for the delivery to fill.
    fn with_confirm_link(&self, message: &str, client_id: &str, user: &User) -> String {
        let Some((before, rest)) = message.split_once("{##") else { return message.to_owned() };
        let Some((text, after)) = rest.split_once("##}") else { return message.to_owned() };
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", client_id)
            .append_pair("user_name", &user.username)
            .finish();
        let href = format!("{}/confirmUser?{query}&confirmation_code={{####}}", self.config.public_url);
        format!("{before}<a href=\"{href}\">{text}</a>{after}")
    }

    /// For an unknown user under PreventUserExistenceErrors: spends what storing a code costs (a
    /// write transaction, refused by the database since nobody owns it), so that the answer
    /// does not come back sooner than for a real user.
    pub(crate) async fn decoy_code_write(&self, pool: &Pool) {
        let decoy = StoredCode {
            pool_id: pool.id.clone(),
            sub: format!("decoy-{}", random::uuid()),
            purpose: CodePurpose::ForgotPassword,
            target: None,
            digest: mac::token_digest(&random::opaque_token()),
            expires: 0,
        };
        let now = self.clock.now();
        let _ = self.store.put_code(&decoy, now, now - CODE_WINDOW, CODES_PER_WINDOW, None).await;
    }

    /// The stored form of `code` for this user and purpose.
    pub(crate) fn code_record(&self, user: &User, purpose: CodePurpose, code: &str, expires: i64) -> StoredCode {
        let context = format!("{}/{}/{}", user.pool_id, user.sub, purpose.name());
        StoredCode {
            pool_id: user.pool_id.clone(),
            sub: user.sub.clone(),
            purpose,
            target: None,
            digest: mac::code_digest(&self.config.code_key, &context, code),
            expires,
        }
    }

    /// Redeems `code` and, in the same transaction, saves `updated`. Maps the outcomes to
    /// Cognito's errors.
    pub(crate) async fn redeem(
        &self,
        pool: &Pool,
        updated: &User,
        purpose: CodePurpose,
        target: Option<&str>,
        code: &str,
    ) -> Result<()> {
        let mut presented = self.code_record(updated, purpose, code, 0);
        presented.target = target.map(str::to_owned);
        let logins = login_names(pool, updated);
        let outcome = self
            .store
            .redeem_code(&presented, self.clock.now(), self.config.max_code_attempts, updated, Some(&logins))
            .await
            .map_err(DomainError::alias_taken)?;
        match outcome {
            CodeOutcome::Redeemed => Ok(()),
            CodeOutcome::Mismatch => {
                Err(DomainError::CodeMismatch("Invalid verification code provided, please try again.".into()))
            }
            CodeOutcome::Expired | CodeOutcome::Missing => {
                Err(DomainError::ExpiredCode("Invalid code provided, please request a code again.".into()))
            }
            CodeOutcome::TooManyAttempts => Err(limit_exceeded()),
        }
    }
}
