//! Users: sign-up and confirmation codes, the admin's user actions, and GetUser.

use std::collections::BTreeMap;

use cognate_crypto::random;

use crate::account::EventKind;
use crate::attributes::{
    self, login_names, looks_like_email, looks_like_phone, mask_destination, normalize_login, Writer,
};
use crate::clients::check_secret_hash;
use crate::codes::Destination;
use crate::delivery::queue::{Draft, Outgoing};
use crate::delivery::Channel;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, CodePurpose, Pool, User, UserStatus};
use crate::policy::check_password;
use crate::triggers::{Confirmation, MessageKind, Requester, SignUpSource, Wording};
use crate::{Cognate, StoreError};

/// What SignUp asks for.
#[derive(Debug, Clone, Default)]
pub struct SignUpInput {
    pub client_id: String,
    pub secret_hash: Option<String>,
    pub username: String,
    pub password: Option<String>,
    pub attributes: Vec<(String, String)>,
    /// ValidationData: PreSignUp's `validationData`.
    pub validation_data: BTreeMap<String, String>,
    /// ClientMetadata: PreSignUp's and PostConfirmation's `clientMetadata`.
    pub client_metadata: BTreeMap<String, String>,
}

/// Where a code went (masked).
#[derive(Debug, Clone)]
pub struct CodeDelivery {
    pub destination: String,
    pub channel: Channel,
    pub attribute: String,
}

/// SignUp's answer.
#[derive(Debug, Clone)]
pub struct SignUpOutcome {
    pub confirmed: bool,
    pub delivery: Option<CodeDelivery>,
    pub sub: String,
    /// For a client that allows USER_AUTH: the session that signs the user in once confirmed.
    pub session: Option<String>,
}

/// What AdminCreateUser asks for.
#[derive(Debug, Clone, Default)]
pub struct NewUserByAdmin {
    pub username: String,
    pub attributes: Vec<(String, String)>,
    pub temporary_password: Option<String>,
    /// `SUPPRESS`, `RESEND`, or `None` to send the invitation.
    pub message_action: Option<String>,
    pub desired_delivery_mediums: Vec<String>,
    /// ValidationData: PreSignUp's `validationData`.
    pub validation_data: BTreeMap<String, String>,
    /// ClientMetadata: PreSignUp's and CustomMessage's `clientMetadata`.
    pub client_metadata: BTreeMap<String, String>,
}

impl Cognate {
    /// The user that `name` (username, or an email/phone/alias sign-in name) belongs to.
    pub(crate) async fn find_user(&self, pool: &Pool, name: &str) -> Result<Option<User>> {
        if name.is_empty() || name.len() > 2048 {
            return Ok(None);
        }
        Ok(self.store.find_user_by_login(&pool.id, &normalize_login(pool, name)).await?)
    }

    /// Whether a name the caller gave (username or alias) signs in as `user`. The username itself
    /// is recognised without a query; only an alias needs the lookup.
    pub(crate) async fn names_user(&self, pool: &Pool, name: &str, user: &User) -> Result<bool> {
        if normalize_login(pool, name) == normalize_login(pool, &user.username) {
            return Ok(true);
        }
        Ok(self.find_user(pool, name).await?.is_some_and(|named| named.sub == user.sub))
    }

    pub(crate) async fn existing_user(&self, pool: &Pool, name: &str) -> Result<User> {
        self.find_user(pool, name).await?.ok_or_else(DomainError::user_not_found)
    }

    /// Turns the name a caller signs up with into (username, extra attributes): pools that sign in
    /// by email or phone get a generated username and the name as that attribute.
    pub(crate) fn username_for(
        &self,
        pool: &Pool,
        name: &str,
        sub: &str,
    ) -> Result<(String, Option<(String, String)>)> {
        attributes::check_username(name)?;
        if pool.username_attributes.is_empty() {
            let alias_is = |a: &str| pool.alias_attributes.iter().any(|x| x == a);
            if alias_is("email") && looks_like_email(name) {
                return Err(DomainError::invalid(
                    "Username cannot be of email format, since user pool is configured for email alias.",
                ));
            }
            if alias_is("phone_number") && looks_like_phone(name) {
                return Err(DomainError::invalid(
                    "Username cannot be of phone number format, since user pool is configured for phone_number alias.",
                ));
            }
            return Ok((name.to_owned(), None));
        }
        let by = |a: &str| pool.username_attributes.iter().any(|x| x == a);
        if by("email") && looks_like_email(name) {
            return Ok((sub.to_owned(), Some(("email".into(), name.to_owned()))));
        }
        if by("phone_number") && looks_like_phone(name) {
            return Ok((sub.to_owned(), Some(("phone_number".into(), name.to_owned()))));
        }
        Err(DomainError::invalid(if by("email") && by("phone_number") {
            "Username should be either an email or a phone number."
        } else if by("email") {
            "Username should be an email."
        } else {
            "Username should be a phone number."
        }))
    }

    fn exists_error(pool: &Pool, admin: bool) -> DomainError {
        let by = |a: &str| pool.username_attributes.iter().any(|x| x == a);
        DomainError::UsernameExists(if by("email") {
            "An account with the given email already exists.".into()
        } else if by("phone_number") {
            "An account with the given phone_number already exists.".into()
        } else if admin {
            "User account already exists".into()
        } else {
            "User already exists".into()
        })
    }

    /// SignUp: creates an UNCONFIRMED user and sends a confirmation code when the pool verifies
    /// an attribute automatically.
    pub async fn sign_up(&self, input: SignUpInput) -> Result<SignUpOutcome> {
        let (pool, client) = self.client(&input.client_id).await?;
        check_secret_hash(&client, &input.username, input.secret_hash.as_deref())?;
        let (mut outcome, user) = self.sign_up_with(&pool, &client, input).await?;
        outcome.session = self.open_sign_up_session(&pool, &client, &user).await?;
        Ok(outcome)
    }

    /// SignUp once the client is known and has proven itself (by secret hash, or by being the
    /// hosted page); also gives the new user.
    pub(crate) async fn sign_up_with(
        &self,
        pool: &Pool,
        client: &AppClient,
        input: SignUpInput,
    ) -> Result<(SignUpOutcome, User)> {
        if pool.settings.allow_admin_create_user_only {
            return Err(DomainError::not_authorized("SignUp is not permitted for this user pool"));
        }
        let password = input.password.as_deref().ok_or_else(|| DomainError::invalid("Password is required."))?;
        let sub = random::time_ordered_uuid();
        let (username, from_name) = self.username_for(pool, &input.username, &sub)?;
        let mut given = input.attributes;
        if let Some((name, value)) = &from_name {
            given.retain(|(n, _)| n != name);
            given.push((name.clone(), value.clone()));
        }
        let attrs = attributes::validate(
            pool,
            &given,
            Writer::Client { write_attributes: &client.settings.write_attributes },
            true,
        )?;
        check_password(&pool.settings.password_policy, password)?;
        let now = self.clock.now();
        let mut user = User::new(&pool.id, sub.clone(), username, UserStatus::Unconfirmed, attrs, now);
        let decision = self
            .pre_sign_up(
                pool,
                Some(&client.id),
                &user,
                SignUpSource::SignUp,
                &input.validation_data,
                &input.client_metadata,
            )
            .await?;
        if decision.auto_confirm {
            user.status = UserStatus::Confirmed;
        }
        for (verified, flag) in
            [(decision.auto_verify_email, "email_verified"), (decision.auto_verify_phone, "phone_number_verified")]
        {
            if verified {
                user.attributes.insert(flag.into(), "true".into());
            }
        }
        self.set_password(&mut user, password).await?;
        self.store.insert_user(&user, &login_names(pool, &user), None, &[]).await.map_err(|e| match e {
            StoreError::Conflict(_) => Self::exists_error(pool, false),
            other => other.into(),
        })?;
        let confirmed = user.status == UserStatus::Confirmed;
        let delivery = match Self::verification_destination(pool, &user) {
            Some(to) if !confirmed => Some(
                self.send_code(
                    pool,
                    &user,
                    MessageKind::SignUp,
                    to,
                    None,
                    Requester::with_metadata(&client.id, &input.client_metadata),
                )
                .await?,
            ),
            _ => None,
        };
        self.record_event(&user, EventKind::SignUp, true, None).await;
        if confirmed {
            self.post_confirmation(pool, Some(&client.id), &user, Confirmation::SignUp, &input.client_metadata).await?;
        }
        Ok((SignUpOutcome { confirmed, delivery, sub, session: None }, user))
    }

    /// ConfirmSignUp: the right code, in time, confirms the user and verifies the attribute it
    /// was sent to. A client that allows USER_AUTH gets a session that signs the user in; the
    /// one SignUp gave, when passed on, must be this user's.
    pub async fn confirm_sign_up(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        code: &str,
        sign_up_session: Option<&str>,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<Option<String>> {
        let (pool, client) = self.client(client_id).await?;
        check_secret_hash(&client, username, secret_hash)?;
        if let Some(session) = sign_up_session {
            let user = self
                .find_user(&pool, username)
                .await?
                .ok_or_else(|| DomainError::NotAuthorized("Invalid session for the user.".into()))?;
            self.check_sign_up_session(&pool, &client, session, &user).await?;
        }
        let user = self.confirm_sign_up_with(&pool, &client, username, code, client_metadata).await?;
        self.open_sign_up_session(&pool, &client, &user).await
    }

    /// ConfirmSignUp once the client is known and has proven itself; gives the confirmed user.
    pub(crate) async fn confirm_sign_up_with(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        code: &str,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<User> {
        let Some(mut user) = self.find_user(pool, username).await? else {
            return Err(if client.settings.prevent_user_existence_errors {
                self.decoy_code_write(pool).await;
                DomainError::CodeMismatch("Invalid verification code provided, please try again.".into())
            } else {
                DomainError::UserNotFound("Username/client id combination not found.".into())
            });
        };
        self.confirm(&mut user)?;
        mark_delivery_attribute_verified(pool, &mut user);
        self.redeem(pool, &user, CodePurpose::SignUp, None, code).await?;
        self.post_confirmation(pool, Some(&client.id), &user, Confirmation::SignUp, client_metadata).await?;
        Ok(user)
    }

    /// ResendConfirmationCode: a new code for an unconfirmed user; the old one stops working.
    pub async fn resend_confirmation_code(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<Option<CodeDelivery>> {
        let (pool, client) = self.client(client_id).await?;
        check_secret_hash(&client, username, secret_hash)?;
        self.resend_confirmation_code_with(&pool, &client, username, client_metadata).await
    }

    /// ResendConfirmationCode once the client is known and has proven itself.
    pub(crate) async fn resend_confirmation_code_with(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<Option<CodeDelivery>> {
        let Some(user) = self.find_user(pool, username).await? else {
            if client.settings.prevent_user_existence_errors {
                self.decoy_code_write(pool).await;
                return Ok(simulated_delivery(pool, username));
            }
            return Err(DomainError::UserNotFound("Username/client id combination not found.".into()));
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(DomainError::invalid("User is already confirmed."));
        }
        let Some(to) = Self::verification_destination(pool, &user) else {
            return Err(DomainError::invalid("Cannot resend codes. Auto verification not turned on."));
        };
        let requester = Requester::with_metadata(&client.id, client_metadata);
        let delivery = self.send_code(pool, &user, MessageKind::ResendCode, to, None, requester).await?;
        self.record_event(&user, EventKind::ResendCode, true, None).await;
        Ok(Some(delivery))
    }

    /// AdminCreateUser: a user in FORCE_CHANGE_PASSWORD with a temporary password, invited by
    /// message unless suppressed; `RESEND` sends a new temporary password to an existing one.
    pub async fn admin_create_user(&self, pool_id: &str, new: NewUserByAdmin) -> Result<User> {
        let pool = self.pool(pool_id).await?;
        let resend = match new.message_action.as_deref() {
            None => false,
            Some("RESEND") => true,
            Some("SUPPRESS") => false,
            Some(other) => return Err(DomainError::invalid(format!("Invalid MessageAction value: {other}"))),
        };
        let suppress = new.message_action.as_deref() == Some("SUPPRESS");
        let requester = Requester::admin_with_metadata(&new.client_metadata);
        let policy = &pool.settings.password_policy;
        let temporary = match &new.temporary_password {
            Some(p) => {
                check_password(policy, p)?;
                p.clone()
            }
            None => random::temporary_password(policy.minimum_length.max(8) as usize),
        };
        let now = self.clock.now();
        let expires = now + i64::from(policy.temporary_password_validity_days.max(1)) * 86_400;
        let (user, invitations) = if resend {
            let mut user = self.existing_user(&pool, &new.username).await?;
            if user.status != UserStatus::ForceChangePassword {
                return Err(DomainError::UnsupportedUserState(format!(
                    "Resend not possible. {} status is not FORCE_CHANGE_PASSWORD",
                    new.username
                )));
            }
            self.set_password(&mut user, &temporary).await?;
            user.temporary_password_expires = Some(expires);
            user.modified = now;
            let invitations =
                self.invitations(&pool, &user, &temporary, &new.desired_delivery_mediums, suppress, requester).await?;
            self.store.update_user(&user, None).await?;
            // The user row is saved on its own, so a crash in between loses this invitation; the
            // administrator's RESEND is the remedy, as it is for any invitation.
            self.store.enqueue_messages(&Outgoing::all_queued(&invitations)).await?;
            (user, invitations)
        } else {
            let sub = random::time_ordered_uuid();
            let (username, from_name) = self.username_for(&pool, &new.username, &sub)?;
            let mut given = new.attributes;
            if let Some((name, value)) = &from_name {
                given.retain(|(n, _)| n != name);
                given.push((name.clone(), value.clone()));
            }
            let attributes = attributes::validate(&pool, &given, Writer::Admin, true)?;
            let mut user = User::new(&pool.id, sub, username, UserStatus::ForceChangePassword, attributes, now);
            user.temporary_password_expires = Some(expires);
            let (validation, metadata) = (&new.validation_data, &new.client_metadata);
            self.pre_sign_up(&pool, None, &user, SignUpSource::AdminCreateUser, validation, metadata).await?;
            self.set_password(&mut user, &temporary).await?;
            let invitations =
                self.invitations(&pool, &user, &temporary, &new.desired_delivery_mediums, suppress, requester).await?;
            // The user and the invitations that announce them are stored together.
            let queued = Outgoing::all_queued(&invitations);
            self.store.insert_user(&user, &login_names(&pool, &user), None, &queued).await.map_err(|e| match e {
                StoreError::Conflict(_) => Self::exists_error(&pool, true),
                other => other.into(),
            })?;
            (user, invitations)
        };
        for outgoing in invitations {
            self.release(outgoing).await?;
        }
        Ok(user)
    }

    /// The invitation messages (none when suppressed), prepared for the caller to store.
    async fn invitations(
        &self,
        pool: &Pool,
        user: &User,
        temporary: &str,
        mediums: &[String],
        suppress: bool,
        requester: Requester<'_>,
    ) -> Result<Vec<Outgoing>> {
        if suppress {
            return Ok(Vec::new());
        }
        let wanted: Vec<Channel> = if mediums.is_empty() {
            vec![Channel::Sms]
        } else {
            mediums.iter().filter_map(|m| [Channel::Sms, Channel::Email].into_iter().find(|c| c.name() == m)).collect()
        };
        // Cognito's default medium is SMS; a user with only an email address is invited by email.
        let mut channels: Vec<Channel> =
            wanted.into_iter().filter(|c| user.attributes.contains_key(c.attribute())).collect();
        if channels.is_empty() && mediums.is_empty() && user.attributes.contains_key("email") {
            channels.push(Channel::Email);
        }
        let template = &pool.settings.invite_message;
        let mut invitations = Vec::with_capacity(channels.len());
        for channel in channels {
            let destination = user.attributes.get(channel.attribute()).cloned().unwrap_or_default();
            let (text, subject) = match channel {
                Channel::Email => (
                    template
                        .email_message
                        .clone()
                        .unwrap_or_else(|| "Your username is {username} and temporary password is {####}. ".into()),
                    Some(template.email_subject.clone().unwrap_or_else(|| "Your temporary password".into())),
                ),
                Channel::Sms => (
                    template
                        .sms_message
                        .clone()
                        .unwrap_or_else(|| "Your username is {username} and temporary password is {####}. ".into()),
                    None,
                ),
            };
            invitations.push(
                self.prepare_message(
                    pool,
                    user,
                    &Destination { channel, address: destination },
                    Draft {
                        kind: MessageKind::AdminCreateUser,
                        code: temporary,
                        wording: Wording { text, subject },
                        requester,
                    },
                )
                .await?,
            );
        }
        Ok(invitations)
    }

    /// AdminSetUserPassword: a permanent password confirms the user; a temporary one requires a
    /// change at next sign-in.
    pub async fn admin_set_user_password(
        &self,
        pool_id: &str,
        username: &str,
        password: &str,
        permanent: bool,
    ) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.existing_user(&pool, username).await?;
        check_password(&pool.settings.password_policy, password)?;
        let now = self.clock.now();
        self.set_password(&mut user, password).await?;
        user.modified = now;
        if permanent {
            user.status = UserStatus::Confirmed;
            user.temporary_password_expires = None;
        } else {
            user.status = UserStatus::ForceChangePassword;
            let days = i64::from(pool.settings.password_policy.temporary_password_validity_days.max(1));
            user.temporary_password_expires = Some(now + days * 86_400);
        }
        self.store.update_user(&user, None).await?;
        Ok(())
    }

    /// AdminGetUser.
    pub async fn admin_get_user(&self, pool_id: &str, username: &str) -> Result<User> {
        let pool = self.pool(pool_id).await?;
        self.existing_user(&pool, username).await
    }

    /// AdminConfirmSignUp: confirms an UNCONFIRMED user without a code.
    pub async fn admin_confirm_sign_up(
        &self,
        pool_id: &str,
        username: &str,
        client_metadata: &BTreeMap<String, String>,
    ) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        let mut user = self.existing_user(&pool, username).await?;
        self.confirm(&mut user)?;
        self.store.update_user(&user, Some(&login_names(&pool, &user))).await.map_err(DomainError::alias_taken)?;
        self.post_confirmation(&pool, None, &user, Confirmation::SignUp, client_metadata).await
    }

    /// Moves an UNCONFIRMED user to CONFIRMED (not yet saved), or says why it cannot.
    fn confirm(&self, user: &mut User) -> Result<()> {
        if user.status != UserStatus::Unconfirmed {
            return Err(DomainError::not_authorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status.name()
            )));
        }
        user.status = UserStatus::Confirmed;
        user.modified = self.clock.now();
        Ok(())
    }

    /// AdminDeleteUser.
    pub async fn admin_delete_user(&self, pool_id: &str, username: &str) -> Result<()> {
        let pool = self.pool(pool_id).await?;
        let user = self.existing_user(&pool, username).await?;
        self.store.delete_user(&pool.id, &user.sub, "AdminDeleteUser", self.clock.now()).await?;
        Ok(())
    }

    /// GetUser: the bearer of a valid access token and their attributes.
    pub async fn get_user(&self, access_token: &str) -> Result<User> {
        Ok(self.token_user(access_token).await?.1)
    }
}

/// The attributes to show for a user: `sub` first, then the stored ones.
pub fn visible_attributes(user: &User) -> Vec<(String, String)> {
    std::iter::once(("sub".to_owned(), user.sub.clone()))
        .chain(user.attributes.iter().map(|(k, v)| (k.clone(), v.clone())))
        .collect()
}

/// After a sign-up code is redeemed, the attribute it was delivered to is verified.
fn mark_delivery_attribute_verified(pool: &Pool, user: &mut User) {
    let auto = &pool.settings.auto_verified_attributes;
    for (attr, flag) in [("phone_number", "phone_number_verified"), ("email", "email_verified")] {
        if auto.iter().any(|a| a == attr) && user.attributes.contains_key(attr) {
            user.attributes.insert(flag.into(), "true".into());
            return;
        }
    }
}

/// A plausible delivery for an unknown user, so the answer does not reveal that it is unknown.
fn simulated_delivery(pool: &Pool, username: &str) -> Option<CodeDelivery> {
    let email = pool.settings.auto_verified_attributes.iter().any(|a| a == "email");
    let channel = if email { Channel::Email } else { Channel::Sms };
    let fake =
        if email && looks_like_email(username) { username.to_owned() } else { format!("{username}@example.com") };
    Some(CodeDelivery { destination: mask_destination(&fake), channel, attribute: channel.attribute().into() })
}
