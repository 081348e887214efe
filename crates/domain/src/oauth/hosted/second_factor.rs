//! The steps of a hosted sign-in: a first factor without a password (a passkey, a code by email
//! or text message), and after a password a new password, then the second factor — answered
//! exactly as the API answers them (the same sessions, codes, lockout and setup) — and the
//! single-sign-on session once every factor passed.

use std::collections::BTreeMap;

use cognate_proto::ChallengeName;

use super::HostedSignIn;
use crate::error::DomainError;
use crate::mfa::TotpSetup;
use crate::oauth::Authorization;
use crate::signin::{AuthOutcome, ChallengeRequest, Step};
use crate::Cognate;

impl Cognate {
    /// Where a hosted sign-in goes from `step`.
    pub(super) async fn hosted_step(
        &self,
        authorization: &Authorization,
        step: Step,
    ) -> Result<HostedSignIn, DomainError> {
        match step {
            Step::Done(user) => self.start_hosted_session(authorization, user).await,
            Step::Challenge(AuthOutcome::Challenge { name, session: Some(session), parameters }) => {
                if name == ChallengeName::NewPasswordRequired {
                    let required = parameters
                        .get("requiredAttributes")
                        .and_then(|r| serde_json::from_str::<Vec<String>>(r).ok())
                        .unwrap_or_default();
                    let required_attributes =
                        required.iter().map(|r| r.trim_start_matches("userAttributes.").to_owned()).collect();
                    return Ok(HostedSignIn::NewPasswordRequired { session, required_attributes });
                }
                Ok(HostedSignIn::SecondFactor { challenge: name, session, parameters })
            }
            Step::Challenge(_) => Err(DomainError::internal("a sign-in step without a session")),
        }
    }

    /// A second-factor step of the hosted page answered: `responses` as the API's
    /// ChallengeResponses (the page sends no secret hash, and USERNAME is the one signing in).
    pub async fn hosted_answer_challenge(
        &self,
        authorization: &Authorization,
        challenge: ChallengeName,
        session: &str,
        responses: BTreeMap<String, String>,
    ) -> Result<HostedSignIn, DomainError> {
        let (pool, client) = (&authorization.pool, &authorization.client);
        let request = ChallengeRequest {
            pool_id: None,
            client_id: client.id.clone(),
            challenge_name: challenge.name().into(),
            session: Some(session.to_owned()),
            responses,
            client_metadata: BTreeMap::new(),
        };
        let step = match challenge {
            ChallengeName::SmsMfa
            | ChallengeName::SoftwareTokenMfa
            | ChallengeName::EmailOtp
            | ChallengeName::SmsOtp => {
                let user = self.answer_mfa_code(pool, client, challenge, &request).await?.user;
                self.password_succeeded(&user).await?;
                Step::Done(user)
            }
            ChallengeName::SelectMfaType => Step::Challenge(self.answer_mfa_selection(pool, client, &request).await?),
            ChallengeName::MfaSetup => self.answer_mfa_setup(pool, client, &request).await?.0,
            ChallengeName::WebAuthn => {
                let (user, _) = self.verify_passkey_answer(pool, client, &request).await?;
                self.password_succeeded(&user).await?;
                Step::Done(user)
            }
            _ => return Err(DomainError::invalid("This sign-in step is not one of the hosted pages'.")),
        };
        self.hosted_step(authorization, step).await
    }

    /// A sign-in without a password on the hosted page (USER_AUTH preferring `factor`: WEB_AUTHN,
    /// EMAIL_OTP or SMS_OTP): the step that proves it, for a client that allows USER_AUTH and a
    /// user who can use that factor.
    pub async fn hosted_first_factor(
        &self,
        authorization: &Authorization,
        username: &str,
        factor: ChallengeName,
    ) -> Result<HostedSignIn, DomainError> {
        let (pool, client) = (&authorization.pool, &authorization.client);
        let params = BTreeMap::from([
            ("USERNAME".to_owned(), username.to_owned()),
            ("PREFERRED_CHALLENGE".to_owned(), factor.name().to_owned()),
        ]);
        match self.user_auth_start(pool, client, false, &params, None, &BTreeMap::new()).await? {
            AuthOutcome::Challenge { name, session: Some(session), parameters } if name == factor => {
                Ok(HostedSignIn::SecondFactor { challenge: name, session, parameters })
            }
            // The factor is not one this account can use (the choice came back instead).
            _ => Err(DomainError::invalid("This way of signing in is not available for this account.")),
        }
    }

    /// The MFA_SETUP step of the hosted page: a new software-token secret for the session.
    pub async fn hosted_associate_software_token(&self, session: &str) -> Result<TotpSetup, DomainError> {
        self.associate_software_token(None, Some(session)).await
    }
}
