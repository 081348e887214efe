//! The second factor of a sign-in: which one the pool and the user call for, starting its
//! challenge (a code sent by SMS or email, or a software token's), and the answers to
//! SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE and MFA_SETUP.

use std::collections::BTreeMap;

use cognate_crypto::{constant_time_eq, mac, random};
use cognate_proto::ChallengeName;
use serde::{Deserialize, Serialize};

use crate::account::EventKind;
use crate::attributes::{login_names, looks_like_email, mask_destination};
use crate::codes::Destination;
use crate::delivery::queue::{Draft, Outgoing};
use crate::delivery::Channel;
use crate::devices::DeviceIntent;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, CodePurpose, MfaFactor, Pool, User};
use crate::signin::{challenge_of, required, AuthOutcome, ChallengeRequest, Step};
use crate::triggers::{MessageKind, Requester, Wording};
use crate::Cognate;

/// Cognito's SMS MFA message when the pool sets none.
const DEFAULT_SMS_MESSAGE: &str = "Your authentication code is {####}. ";
/// Cognito's email MFA message and subject when the pool sets none.
const DEFAULT_EMAIL_MESSAGE: &str = "Your authentication code is {####}. ";
const DEFAULT_EMAIL_SUBJECT: &str = "Your authentication code";

/// What a sign-in asks for after the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MfaStep {
    /// A code of this factor.
    Factor(MfaFactor),
    /// SELECT_MFA_TYPE: several factors are on and none is preferred.
    Select(Vec<MfaFactor>),
    /// MFA_SETUP: the pool requires MFA and the user has no factor; these can be set up.
    Setup(Vec<MfaFactor>),
    /// Not a second factor: USER_AUTH's passwordless first factor, a code by email (EMAIL_OTP)
    /// or text message (SMS_OTP).
    SignInCode(MfaFactor),
}

impl MfaStep {
    /// Whether a remembered device may stand in for this step: Cognito lets one replace the SMS
    /// and TOTP factors (not email codes, and not the setup of a first factor).
    pub(crate) fn device_may_replace(&self) -> bool {
        let replaceable = |f: &MfaFactor| matches!(f, MfaFactor::Sms | MfaFactor::SoftwareToken);
        match self {
            Self::Factor(factor) => replaceable(factor),
            Self::Select(factors) => factors.iter().all(replaceable),
            Self::Setup(_) | Self::SignInCode(_) => false,
        }
    }
}

/// Whether the user can receive or produce this factor's code.
fn reachable(user: &User, factor: MfaFactor) -> bool {
    match factor {
        MfaFactor::Sms => user.attributes.contains_key("phone_number"),
        MfaFactor::Email => user.attributes.contains_key("email"),
        MfaFactor::SoftwareToken => user.mfa.totp_secret.is_some(),
    }
}

/// The second factor a sign-in calls for, if any, by Cognito's rules: none when the pool's MFA
/// is OFF; the preferred factor, or the only one, among those the user turned on (a software
/// token verified before the pool stopped offering them still counts); a choice among several;
/// and in a pool where MFA is ON, SMS for a user with a phone number and nothing turned on, or
/// else the setup of a factor.
pub(crate) fn mfa_step(pool: &Pool, user: &User) -> Option<MfaStep> {
    let mode = pool.settings.mfa_configuration.as_str();
    if mode != "ON" && mode != "OPTIONAL" {
        return None;
    }
    let offers = |f: MfaFactor| pool.settings.mfa.offers(f) || f == MfaFactor::SoftwareToken;
    let usable: Vec<MfaFactor> =
        MfaFactor::ALL.into_iter().filter(|f| offers(*f) && user.mfa.enabled(*f) && reachable(user, *f)).collect();
    if usable.is_empty() {
        if mode != "ON" {
            return None;
        }
        if pool.settings.mfa.offers(MfaFactor::Sms) && reachable(user, MfaFactor::Sms) {
            return Some(MfaStep::Factor(MfaFactor::Sms));
        }
        let can_setup: Vec<MfaFactor> = MfaFactor::ALL.into_iter().filter(|f| pool.settings.mfa.offers(*f)).collect();
        // A pool saved as ON before its factors were checked offers none: nothing can be asked.
        return (!can_setup.is_empty()).then_some(MfaStep::Setup(can_setup));
    }
    match user.mfa.preferred.filter(|p| usable.contains(p)) {
        Some(preferred) => Some(MfaStep::Factor(preferred)),
        None if usable.len() == 1 => Some(MfaStep::Factor(usable[0])),
        None => Some(MfaStep::Select(usable)),
    }
}

/// What a second-factor challenge session keeps.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub(super) struct MfaState {
    /// The keyed digest of the code sent (SMS_MFA, EMAIL_OTP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The factors offered (SELECT_MFA_TYPE) or that can be set up (MFA_SETUP).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<MfaFactor>,
    /// MFA_SETUP: a software token was verified with this session.
    pub totp_verified: bool,
    /// EMAIL_OTP while setting up email MFA: the address being proven.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setup_email: Option<String>,
    /// What the sign-in does about devices once the factor passes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceIntent>,
    /// The code is USER_AUTH's first factor (EMAIL_OTP, SMS_OTP), not a second one.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub first_factor: bool,
}

/// A right answer to a code challenge: whose it was, and how the sign-in goes on.
pub(crate) struct CodeAnswered {
    pub user: User,
    pub device: Option<DeviceIntent>,
    /// The code was a passwordless first factor: no second factor follows.
    pub first_factor: bool,
}

impl MfaState {
    pub(super) fn read(data: &str) -> Result<Self> {
        serde_json::from_str(data).map_err(DomainError::internal)
    }

    pub(super) fn write(&self) -> Result<String> {
        serde_json::to_string(self).map_err(DomainError::internal)
    }
}

/// A JSON array inside a string, as Cognito sends `MFAS_CAN_CHOOSE` and `MFAS_CAN_SETUP`.
fn factor_list(factors: &[MfaFactor]) -> String {
    let names: Vec<&str> = factors.iter().map(|f| f.name()).collect();
    serde_json::to_string(&names).unwrap_or_else(|_| "[]".into())
}

fn code_mismatch() -> DomainError {
    DomainError::CodeMismatch("Invalid code or auth state for the user.".into())
}

impl Cognate {
    /// Starts the challenge of `step`: a session, and for SMS and email the code, sent now.
    pub(crate) async fn start_mfa(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        step: MfaStep,
        device: Option<DeviceIntent>,
    ) -> Result<AuthOutcome> {
        let mut parameters = BTreeMap::new();
        parameters.insert("USER_ID_FOR_SRP".to_owned(), user.username.clone());
        let mut outgoing = None;
        let (name, state) = match step {
            MfaStep::Factor(MfaFactor::SoftwareToken) => (ChallengeName::SoftwareTokenMfa, MfaState::default()),
            MfaStep::Factor(factor) | MfaStep::SignInCode(factor) => {
                let destination = user.attributes.get(factor_channel(factor).attribute()).cloned().unwrap_or_default();
                let (mut state, message) =
                    self.send_mfa_code(pool, client, user, factor, &destination, &mut parameters).await?;
                outgoing = Some(message);
                match step {
                    MfaStep::SignInCode(MfaFactor::Sms) => {
                        state.first_factor = true;
                        (ChallengeName::SmsOtp, state)
                    }
                    MfaStep::SignInCode(_) => {
                        state.first_factor = true;
                        (ChallengeName::EmailOtp, state)
                    }
                    _ => (challenge_of(factor), state),
                }
            }
            MfaStep::Select(factors) => {
                parameters.insert("MFAS_CAN_CHOOSE".into(), factor_list(&factors));
                (ChallengeName::SelectMfaType, MfaState { factors, ..MfaState::default() })
            }
            MfaStep::Setup(factors) => {
                parameters.insert("MFAS_CAN_SETUP".into(), factor_list(&factors));
                (ChallengeName::MfaSetup, MfaState { factors, ..MfaState::default() })
            }
        };
        let state = MfaState { device, ..state };
        let queued = outgoing.as_ref().and_then(Outgoing::queued);
        let session = self.open_challenge_sending(pool, client, user, name, &state.write()?, queued).await?;
        if let Some(outgoing) = outgoing {
            self.release(outgoing).await?;
        }
        Ok(AuthOutcome::Challenge { name, session: Some(session), parameters })
    }

    /// Prepares a fresh code of an SMS or email factor for `destination`, naming where it goes in
    /// `parameters`: the state to keep (its digest), and the message, for the caller to store
    /// with the session and release.
    async fn send_mfa_code(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        factor: MfaFactor,
        destination: &str,
        parameters: &mut BTreeMap<String, String>,
    ) -> Result<(MfaState, Outgoing)> {
        let code = random::six_digit_code();
        let channel = factor_channel(factor);
        let mfa = &pool.settings.mfa;
        let (template, subject) = match (channel, &mfa.email) {
            (Channel::Sms, _) => (mfa.sms_message.as_deref().unwrap_or(DEFAULT_SMS_MESSAGE), None),
            (Channel::Email, email) => (
                email.as_ref().and_then(|e| e.message.as_deref()).unwrap_or(DEFAULT_EMAIL_MESSAGE),
                Some(email.as_ref().and_then(|e| e.subject.clone()).unwrap_or_else(|| DEFAULT_EMAIL_SUBJECT.into())),
            ),
        };
        let wording = Wording { text: template.to_owned(), subject };
        let to = Destination { channel, address: destination.to_owned() };
        let requester = Requester::client(&client.id);
        let draft = Draft { kind: MessageKind::Authentication, code: &code, wording, requester };
        let outgoing = self.prepare_message(pool, user, &to, draft).await?;
        parameters.insert("CODE_DELIVERY_DELIVERY_MEDIUM".into(), channel.name().into());
        parameters.insert("CODE_DELIVERY_DESTINATION".into(), mask_destination(destination));
        Ok((MfaState { code: Some(self.mfa_code_digest(user, &code)), ..MfaState::default() }, outgoing))
    }

    fn mfa_code_digest(&self, user: &User, code: &str) -> String {
        let context = format!("{}/{}/{}", user.pool_id, user.sub, CodePurpose::Mfa.name());
        mac::code_digest(&self.config.code_key, &context, code)
    }

    /// The answer to SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP or SMS_OTP: the user, once the code
    /// is right, and how the sign-in goes on. A wrong code leaves the session for a retry and
    /// counts towards the lockout.
    pub(crate) async fn answer_mfa_code(
        &self,
        pool: &Pool,
        client: &AppClient,
        challenge: ChallengeName,
        request: &ChallengeRequest,
    ) -> Result<CodeAnswered> {
        let (responses, username, session) = request.answer(client)?;
        let code_key = match challenge {
            ChallengeName::SmsMfa => "SMS_MFA_CODE",
            ChallengeName::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA_CODE",
            ChallengeName::SmsOtp => "SMS_OTP_CODE",
            _ => "EMAIL_OTP_CODE",
        };
        let code = required(responses, code_key)?;
        let (stored, user) = self.peek_challenge(pool, client, session, challenge, username).await?;
        self.check_lockout(&user)?;
        let state = MfaState::read(&stored.data)?;
        let right = match (challenge, &state.code) {
            (ChallengeName::SoftwareTokenMfa, _) => {
                self.accept_totp(&user, user.mfa.totp_secret.as_deref(), code).await?
            }
            (_, Some(digest)) => constant_time_eq(digest.as_bytes(), self.mfa_code_digest(&user, code).as_bytes()),
            (_, None) => false,
        };
        if !right {
            return Err(self.wrong_mfa_code(&user).await);
        }
        let (_, mut user) = self.take_challenge(pool, client, session, challenge, username).await?;
        // The first code that arrives proves the destination (Cognito marks it verified).
        let mut changed = false;
        if let (ChallengeName::EmailOtp, Some(address)) = (challenge, state.setup_email) {
            user.attributes.insert("email".into(), address);
            user.mfa.set_enabled(MfaFactor::Email, true);
            user.mfa.preferred.get_or_insert(MfaFactor::Email);
            changed = true;
        }
        let proven = match challenge {
            ChallengeName::EmailOtp => Some("email_verified"),
            ChallengeName::SmsMfa | ChallengeName::SmsOtp => Some("phone_number_verified"),
            _ => None,
        };
        if let Some(flag) = proven {
            changed |= user.attributes.insert(flag.into(), "true".into()).as_deref() != Some("true");
        }
        if changed {
            user.modified = self.clock.now();
            let logins = login_names(pool, &user);
            self.store.update_user(&user, Some(&logins)).await.map_err(DomainError::alias_taken)?;
        }
        Ok(CodeAnswered { user, device: state.device, first_factor: state.first_factor })
    }

    /// A wrong second factor: counted towards the lockout and recorded.
    pub(super) async fn wrong_mfa_code(&self, user: &User) -> DomainError {
        let mut event = self.auth_event(user, EventKind::SignIn, false, Some(true));
        event.challenges.push(("Mfa".into(), "Failure".into()));
        self.failed_factor(user, event, code_mismatch()).await
    }

    /// SELECT_MFA_TYPE: the chosen factor's challenge, with a new session (its code sent now).
    pub(crate) async fn answer_mfa_selection(
        &self,
        pool: &Pool,
        client: &AppClient,
        request: &ChallengeRequest,
    ) -> Result<AuthOutcome> {
        let (responses, username, session) = request.answer(client)?;
        let answer = required(responses, "ANSWER")?;
        let challenge = ChallengeName::SelectMfaType;
        let (stored, _) = self.peek_challenge(pool, client, session, challenge, username).await?;
        let state = MfaState::read(&stored.data)?;
        let factor = MfaFactor::parse(answer)
            .filter(|f| state.factors.contains(f))
            .ok_or_else(|| DomainError::invalid(format!("The MFA type {answer} is not one this user can choose.")))?;
        let (_, user) = self.take_challenge(pool, client, session, challenge, username).await?;
        self.start_mfa(pool, client, &user, MfaStep::Factor(factor), state.device).await
    }

    /// MFA_SETUP: done once VerifySoftwareToken proved a new software token with this session;
    /// with `EMAIL`, an EMAIL_OTP challenge that proves the address and turns email MFA on.
    /// Also returns what the sign-in does about devices.
    pub(crate) async fn answer_mfa_setup(
        &self,
        pool: &Pool,
        client: &AppClient,
        request: &ChallengeRequest,
    ) -> Result<(Step, Option<DeviceIntent>)> {
        let (responses, username, session) = request.answer(client)?;
        let challenge = ChallengeName::MfaSetup;
        let (stored, _) = self.peek_challenge(pool, client, session, challenge, username).await?;
        let state = MfaState::read(&stored.data)?;
        if state.totp_verified {
            let (_, user) = self.take_challenge(pool, client, session, challenge, username).await?;
            return Ok((Step::Done(user), state.device));
        }
        let Some(address) = responses.get("EMAIL") else {
            return Err(DomainError::invalid(
                "MFA has not been set up: verify a software token with this session (AssociateSoftwareToken, VerifySoftwareToken), or answer with EMAIL.",
            ));
        };
        if !state.factors.contains(&MfaFactor::Email) {
            return Err(DomainError::invalid("Email MFA is not enabled for this user pool."));
        }
        if !looks_like_email(address) {
            return Err(DomainError::invalid("Invalid email address format."));
        }
        let (_, user) = self.take_challenge(pool, client, session, challenge, username).await?;
        let mut parameters = BTreeMap::new();
        parameters.insert("USER_ID_FOR_SRP".to_owned(), user.username.clone());
        let device = state.device;
        let (mut state, outgoing) =
            self.send_mfa_code(pool, client, &user, MfaFactor::Email, address, &mut parameters).await?;
        state.setup_email = Some(address.clone());
        state.device = device;
        let name = ChallengeName::EmailOtp;
        let session =
            self.open_challenge_sending(pool, client, &user, name, &state.write()?, outgoing.queued()).await?;
        self.release(outgoing).await?;
        Ok((Step::Challenge(AuthOutcome::Challenge { name, session: Some(session), parameters }), None))
    }
}

fn factor_channel(factor: MfaFactor) -> Channel {
    match factor {
        MfaFactor::Email => Channel::Email,
        _ => Channel::Sms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EmailMfa, PoolMfa, SmsConfiguration};

    fn pool(mode: &str, mfa: PoolMfa) -> Pool {
        let mut pool = crate::fixtures::pool();
        pool.settings.mfa_configuration = mode.into();
        pool.settings.mfa = mfa;
        pool
    }

    use crate::fixtures::user;

    fn all_factors() -> PoolMfa {
        PoolMfa {
            sms_message: None,
            sms: Some(SmsConfiguration::default()),
            software_token: true,
            email: Some(EmailMfa::default()),
            ..PoolMfa::default()
        }
    }

    #[test]
    fn off_pools_ask_nothing_and_optional_pools_ask_only_users_with_a_factor() {
        let mut u = user(&[("phone_number", "+15555550100")]);
        u.mfa.sms_enabled = true;
        assert_eq!(mfa_step(&pool("OFF", all_factors()), &u), None);
        assert_eq!(mfa_step(&pool("OPTIONAL", all_factors()), &user(&[])), None);
        assert_eq!(mfa_step(&pool("OPTIONAL", all_factors()), &u), Some(MfaStep::Factor(MfaFactor::Sms)));
    }

    #[test]
    fn the_preferred_factor_wins_and_several_without_one_give_a_choice() {
        let mut u = user(&[("phone_number", "+15555550100"), ("email", "a@example.com")]);
        u.mfa.sms_enabled = true;
        u.mfa.email_enabled = true;
        u.mfa.totp_enabled = true;
        u.mfa.totp_secret = Some("sealed".into());
        let p = pool("OPTIONAL", all_factors());
        assert_eq!(mfa_step(&p, &u), Some(MfaStep::Select(MfaFactor::ALL.to_vec())));
        u.mfa.preferred = Some(MfaFactor::SoftwareToken);
        assert_eq!(mfa_step(&p, &u), Some(MfaStep::Factor(MfaFactor::SoftwareToken)));
    }

    #[test]
    fn required_pools_send_sms_to_a_phone_or_ask_for_setup() {
        let p = pool("ON", all_factors());
        assert_eq!(mfa_step(&p, &user(&[("phone_number", "+15555550100")])), Some(MfaStep::Factor(MfaFactor::Sms)));
        assert_eq!(mfa_step(&p, &user(&[])), Some(MfaStep::Setup(MfaFactor::ALL.to_vec())));
        let totp_only = PoolMfa { software_token: true, ..PoolMfa::default() };
        assert_eq!(
            mfa_step(&pool("ON", totp_only), &user(&[("phone_number", "+1555")])),
            Some(MfaStep::Setup(vec![MfaFactor::SoftwareToken]))
        );
    }

    #[test]
    fn a_required_pool_without_any_factor_asks_nothing() {
        assert_eq!(mfa_step(&pool("ON", PoolMfa::default()), &user(&[])), None);
    }

    #[test]
    fn a_factor_without_its_destination_is_not_challenged() {
        let mut u = user(&[]);
        u.mfa.sms_enabled = true;
        assert_eq!(mfa_step(&pool("OPTIONAL", all_factors()), &u), None);
    }

    #[test]
    fn choices_travel_as_json_inside_a_string() {
        assert_eq!(factor_list(&[MfaFactor::Sms, MfaFactor::SoftwareToken]), r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#);
    }
}
