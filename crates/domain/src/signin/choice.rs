//! USER_AUTH, choice-based sign-in: the first factors a pool allows and a user can complete (a
//! password, with SRP or without, a code by email or text message, or a passkey), offered as
//! SELECT_CHALLENGE or started at once when the client prefers one; and the answer to
//! SELECT_CHALLENGE, which may finish the factor in the same request.

use std::collections::BTreeMap;

use cognate_proto::ChallengeName;
use serde::{Deserialize, Serialize};

use super::{required, unknown_user, AuthOutcome, ChallengeRequest};
use crate::clients::check_secret_hash;
use crate::devices::DeviceIntent;
use crate::error::{DomainError, Result};
use crate::mfa::MfaStep;
use crate::model::{AppClient, FirstFactor, MfaFactor, Pool, User, UserStatus};
use crate::Cognate;

/// What a SELECT_CHALLENGE session keeps: the choices it offered.
#[derive(Serialize, Deserialize)]
struct Offered {
    available: Vec<String>,
}

/// Whether an attribute is there and verified (`<name>_verified` is "true").
fn verified(user: &User, attribute: &str) -> bool {
    user.attributes.contains_key(attribute)
        && user.attributes.get(&format!("{attribute}_verified")).is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The first factors `user` can complete in `pool`, in the order the pool allows them: a
/// password (as PASSWORD and PASSWORD_SRP) for a user who has one; a code to a verified email
/// address, or by text message to a verified number in a pool that can send them, for a
/// confirmed and enabled user (nothing is sent to a disabled account) in a pool that does not
/// require a second factor (a code alone is one factor); a passkey to such a user who has one,
/// also where MFA is required if it counts as two factors for the user (passkey MFA).
pub(crate) fn first_factors(pool: &Pool, user: &User, has_passkey: bool) -> Vec<ChallengeName> {
    let allowed: &[FirstFactor] =
        if pool.settings.first_factors.is_empty() { &[FirstFactor::Password] } else { &pool.settings.first_factors };
    let able = user.enabled && user.status == UserStatus::Confirmed;
    let passwordless = able && pool.settings.mfa_configuration != "ON";
    let passkey =
        has_passkey && able && (pool.settings.mfa_configuration != "ON" || crate::passkeys::passkey_mfa(pool, user));
    let mut offered = Vec::new();
    for factor in allowed {
        match factor {
            FirstFactor::Password if user.password_hash.is_some() => {
                offered.extend([ChallengeName::Password, ChallengeName::PasswordSrp]);
            }
            FirstFactor::EmailOtp if passwordless && verified(user, "email") => offered.push(ChallengeName::EmailOtp),
            FirstFactor::SmsOtp
                if passwordless && pool.settings.mfa.sms.is_some() && verified(user, "phone_number") =>
            {
                offered.push(ChallengeName::SmsOtp);
            }
            FirstFactor::WebAuthn if passkey => offered.push(ChallengeName::WebAuthn),
            _ => {}
        }
    }
    offered
}

/// A first factor as PREFERRED_CHALLENGE or SELECT_CHALLENGE's ANSWER names it.
fn parse_choice(name: &str) -> Result<ChallengeName> {
    use ChallengeName::*;
    ChallengeName::from_name(name)
        .filter(|c| matches!(c, Password | PasswordSrp | EmailOtp | SmsOtp | WebAuthn))
        .ok_or_else(|| {
            DomainError::invalid(format!(
                "{name} is not a first factor: PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP or WEB_AUTHN."
            ))
        })
}

impl Cognate {
    /// GetUserAuthFactors: the bearer, and the first factors USER_AUTH offers them (PASSWORD
    /// once for both ways of giving it).
    pub async fn user_auth_factors(&self, access_token: &str) -> Result<(User, Vec<String>)> {
        let (context, user) = self.token_user(access_token).await?;
        let pool = self.pool(&context.pool_id).await?;
        let names = first_factors(&pool, &user, self.passkey_offerable(&pool, &user).await?)
            .into_iter()
            .filter(|c| *c != ChallengeName::PasswordSrp)
            .map(|c| c.name().to_owned())
            .collect();
        Ok((user, names))
    }

    /// InitiateAuth / AdminInitiateAuth with USER_AUTH: the preferred first factor started, or
    /// SELECT_CHALLENGE with the ones this user can complete; with the `session` of SignUp or
    /// ConfirmSignUp, the new user signed in.
    pub(crate) async fn user_auth_start(
        &self,
        pool: &Pool,
        client: &AppClient,
        admin: bool,
        params: &BTreeMap<String, String>,
        session: Option<&str>,
        validation_data: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        if !client.allows("ALLOW_USER_AUTH") {
            return Err(DomainError::invalid("USER_AUTH flow not enabled for this client"));
        }
        let username = required(params, "USERNAME")?;
        check_secret_hash(client, username, params.get("SECRET_HASH").map(String::as_str))?;
        if let Some(session) = session {
            return self.sign_in_after_sign_up(pool, client, username, session).await;
        }
        let preferred = params.get("PREFERRED_CHALLENGE").map(|p| parse_choice(p)).transpose()?;
        let Some(user) = self.find_user(pool, username).await? else {
            return Err(unknown_user(client));
        };
        self.check_lockout(&user)?;
        self.pre_authentication(pool, client, &user, validation_data).await?;
        let available = first_factors(pool, &user, self.passkey_offerable(pool, &user).await?);
        if available.is_empty() {
            return Err(DomainError::incorrect_credentials());
        }
        match preferred {
            Some(choice) if available.contains(&choice) => {
                self.start_first_factor(pool, client, admin, &user, choice, params).await
            }
            // A preference this user cannot complete: the choice, as if none was given.
            _ => {
                let offered = Offered { available: available.iter().map(|c| c.name().to_owned()).collect() };
                let state = serde_json::to_string(&offered).map_err(DomainError::internal)?;
                let session = self.open_challenge(pool, client, &user, ChallengeName::SelectChallenge, &state).await?;
                Ok(AuthOutcome::SelectChallenge { session, available })
            }
        }
    }

    /// SELECT_CHALLENGE's answer: the chosen factor started; PASSWORD with the password, and
    /// PASSWORD_SRP with SRP_A, go on in the same request. A wrong password keeps the session for
    /// a retry, as a wrong code does.
    pub(super) async fn answer_first_factor_choice(
        &self,
        pool: &Pool,
        client: &AppClient,
        admin: bool,
        request: &ChallengeRequest,
    ) -> Result<AuthOutcome> {
        let (responses, username, session) = request.answer(client)?;
        let choice = parse_choice(required(responses, "ANSWER")?)?;
        let name = ChallengeName::SelectChallenge;
        let (stored, _) = self.peek_challenge(pool, client, session, name, username).await?;
        let offered: Offered = serde_json::from_str(&stored.data).map_err(DomainError::internal)?;
        if !offered.available.iter().any(|c| c == choice.name()) {
            return Err(DomainError::invalid(format!(
                "The challenge {} is not available to this user.",
                choice.name()
            )));
        }
        if choice == ChallengeName::Password {
            let (user, device) = self.prove_first_password(pool, client, admin, username, responses).await?;
            self.take_challenge(pool, client, session, name, username).await?;
            return self.complete_sign_in(pool, client, user, device).await;
        }
        if choice == ChallengeName::PasswordSrp {
            required(responses, "SRP_A")?;
        }
        let (_, user) = self.take_challenge(pool, client, session, name, username).await?;
        self.start_first_factor(pool, client, admin, &user, choice, responses).await
    }

    /// Starts `choice` for `user`; `responses` carries what finishes it at once (PASSWORD, SRP_A).
    async fn start_first_factor(
        &self,
        pool: &Pool,
        client: &AppClient,
        admin: bool,
        user: &User,
        choice: ChallengeName,
        responses: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        let device_key = responses.get("DEVICE_KEY").map(String::as_str);
        match choice {
            ChallengeName::Password => {
                let username = required(responses, "USERNAME")?;
                let (user, device) = self.prove_first_password(pool, client, admin, username, responses).await?;
                self.complete_sign_in(pool, client, user, device).await
            }
            // USER_SRP_AUTH's first step, answered with PASSWORD_VERIFIER as usual.
            ChallengeName::PasswordSrp => self.srp_start(pool, client, responses, &BTreeMap::new()).await,
            ChallengeName::EmailOtp | ChallengeName::SmsOtp => {
                let factor = if choice == ChallengeName::EmailOtp { MfaFactor::Email } else { MfaFactor::Sms };
                let device = self.device_intent(pool, admin, device_key).await?;
                self.start_mfa(pool, client, user, MfaStep::SignInCode(factor), device).await
            }
            ChallengeName::WebAuthn => self.start_passkey_challenge(pool, client, user).await,
            other => {
                Err(DomainError::invalid(format!("The challenge {} is not available to this user.", other.name())))
            }
        }
    }

    /// Whether USER_AUTH may offer `user` a passkey: the pool allows WEB_AUTHN and the user
    /// has one (read only in such pools).
    async fn passkey_offerable(&self, pool: &Pool, user: &User) -> Result<bool> {
        Ok(pool.settings.first_factors.contains(&FirstFactor::WebAuthn) && self.has_passkey(user).await?)
    }

    /// The PASSWORD first factor: the password proven, and what the sign-in does about devices.
    async fn prove_first_password(
        &self,
        pool: &Pool,
        client: &AppClient,
        admin: bool,
        username: &str,
        responses: &BTreeMap<String, String>,
    ) -> Result<(User, Option<DeviceIntent>)> {
        let password = required(responses, "PASSWORD")?;
        let device = self.device_intent(pool, admin, responses.get("DEVICE_KEY").map(String::as_str)).await?;
        Ok((self.prove_password(pool, client, username, password, None).await?, device))
    }

    /// What ends a sign-in whose first factor was a code or a passkey: the account must still
    /// be confirmed and enabled; no second factor follows (the code proved the email or phone;
    /// `mfa`: the passkey counted as two factors).
    pub(crate) async fn signed_in_without_password(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        device: Option<DeviceIntent>,
        mfa: bool,
    ) -> Result<AuthOutcome> {
        if !user.enabled {
            return Err(DomainError::not_authorized("User is disabled."));
        }
        if user.status != UserStatus::Confirmed {
            return Err(DomainError::incorrect_credentials());
        }
        if let Some(device) = &device {
            device.check_owner(user)?;
        }
        self.password_succeeded(user).await?;
        self.signed_in(pool, client, user, mfa, device.as_ref()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(first: &[FirstFactor], mode: &str, sms: bool) -> Pool {
        let mut pool = crate::fixtures::pool();
        pool.settings.first_factors = first.to_vec();
        pool.settings.mfa_configuration = mode.into();
        pool.settings.mfa.sms = sms.then(Default::default);
        pool
    }

    fn user(attributes: &[(&str, &str)], password: bool) -> User {
        let mut user = crate::fixtures::user(attributes);
        user.password_hash = password.then(|| "hash".into());
        user
    }

    #[test]
    fn a_pool_without_a_sign_in_policy_offers_the_password_both_ways() {
        let offered = first_factors(&pool(&[], "OFF", false), &user(&[], true), false);
        assert_eq!(offered, [ChallengeName::Password, ChallengeName::PasswordSrp]);
    }

    #[test]
    fn codes_go_only_to_verified_destinations_and_not_where_mfa_is_required() {
        let all = [FirstFactor::Password, FirstFactor::EmailOtp, FirstFactor::SmsOtp];
        let verified = user(
            &[
                ("email", "a@example.com"),
                ("email_verified", "true"),
                ("phone_number", "+1555"),
                ("phone_number_verified", "True"),
            ],
            false,
        );
        assert_eq!(
            first_factors(&pool(&all, "OPTIONAL", true), &verified, false),
            [ChallengeName::EmailOtp, ChallengeName::SmsOtp]
        );
        assert_eq!(
            first_factors(&pool(&all, "OPTIONAL", false), &verified, false),
            [ChallengeName::EmailOtp],
            "no SMS set-up"
        );
        assert!(first_factors(&pool(&all, "ON", true), &verified, false).is_empty());
        let mut disabled = verified.clone();
        disabled.enabled = false;
        assert!(first_factors(&pool(&all, "OFF", true), &disabled, false).is_empty(), "no code to a disabled account");
        let unverified = user(&[("email", "a@example.com"), ("email_verified", "false")], true);
        assert_eq!(
            first_factors(&pool(&all, "OFF", true), &unverified, false),
            [ChallengeName::Password, ChallengeName::PasswordSrp]
        );
    }

    #[test]
    fn passkeys_are_offered_to_their_holders_and_where_mfa_is_required_only_as_two_factors() {
        let all = [FirstFactor::Password, FirstFactor::WebAuthn];
        let holder = user(&[], true);
        let pw = [ChallengeName::Password, ChallengeName::PasswordSrp];
        assert_eq!(
            first_factors(&pool(&all, "OPTIONAL", false), &holder, true),
            [pw[0], pw[1], ChallengeName::WebAuthn]
        );
        assert_eq!(first_factors(&pool(&all, "OPTIONAL", false), &holder, false), pw, "no passkey registered");
        assert_eq!(first_factors(&pool(&[FirstFactor::Password], "OFF", false), &holder, true), pw, "not allowed");
        let mut required = pool(&all, "ON", false);
        assert_eq!(first_factors(&required, &holder, true), pw);
        required.settings.mfa.web_authn.multi_factor_with_user_verification = true;
        assert_eq!(first_factors(&required, &holder, true), pw, "the user did not turn passkey MFA on");
        let mut mfa_holder = holder.clone();
        mfa_holder.mfa.web_authn = true;
        assert_eq!(first_factors(&required, &mfa_holder, true), [pw[0], pw[1], ChallengeName::WebAuthn]);
    }
}
