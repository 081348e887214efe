//! The authentication state machine: InitiateAuth and RespondToAuthChallenge (public and admin),
//! password sign-in, the NEW_PASSWORD_REQUIRED challenge, and refresh.

use std::collections::BTreeMap;

use cognate_crypto::{constant_time_eq, mac, random};

use crate::account::EventKind;
use crate::attributes::{self, Writer};
use crate::clients::check_secret_hash;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, AuthSession, Pool, User, UserStatus};
use crate::policy::check_password;
use crate::tokens::{Grant, IssuedTokens, Rotation};
use crate::Cognate;

/// InitiateAuth or AdminInitiateAuth.
#[derive(Debug, Clone, Default)]
pub struct AuthRequest {
    /// Set for AdminInitiateAuth (the caller signed the request).
    pub pool_id: Option<String>,
    pub client_id: String,
    pub flow: String,
    pub parameters: BTreeMap<String, String>,
}

/// RespondToAuthChallenge or AdminRespondToAuthChallenge.
#[derive(Debug, Clone, Default)]
pub struct ChallengeRequest {
    /// Set for AdminRespondToAuthChallenge.
    pub pool_id: Option<String>,
    pub client_id: String,
    pub challenge_name: String,
    pub session: Option<String>,
    pub responses: BTreeMap<String, String>,
}

/// Tokens, or the next challenge to answer.
#[derive(Debug, Clone)]
pub enum AuthOutcome {
    Tokens(IssuedTokens),
    Challenge { name: String, session: Option<String>, parameters: BTreeMap<String, String> },
}

const FLOWS: &str = "[USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]";

pub(crate) fn required<'a>(params: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| DomainError::invalid(format!("Missing required parameter {name}")))
}

pub(crate) fn allows_refresh(client: &AppClient) -> bool {
    let legacy = client.settings.explicit_auth_flows.iter().all(|f| !f.starts_with("ALLOW_"));
    legacy || client.allows("ALLOW_REFRESH_TOKEN_AUTH")
}

impl Cognate {
    async fn resolve_client(&self, pool_id: Option<&str>, client_id: &str) -> Result<(Pool, AppClient)> {
        match pool_id {
            Some(pool_id) => {
                self.pool(pool_id).await?;
                self.client_in_pool(pool_id, client_id).await
            }
            None => self.client(client_id).await,
        }
    }

    /// InitiateAuth / AdminInitiateAuth.
    pub async fn initiate_auth(&self, request: AuthRequest) -> Result<AuthOutcome> {
        let (pool, client) = self.resolve_client(request.pool_id.as_deref(), &request.client_id).await?;
        let admin = request.pool_id.is_some();
        let params = &request.parameters;
        match request.flow.as_str() {
            "USER_PASSWORD_AUTH" if !admin => {
                if !client.allows("ALLOW_USER_PASSWORD_AUTH") {
                    return Err(DomainError::invalid("USER_PASSWORD_AUTH flow not enabled for this client"));
                }
                self.password_sign_in(&pool, &client, params).await
            }
            "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" if admin => {
                if !client.allows("ALLOW_ADMIN_USER_PASSWORD_AUTH") {
                    return Err(DomainError::invalid("Auth flow not enabled for this client"));
                }
                self.password_sign_in(&pool, &client, params).await
            }
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
                if !allows_refresh(&client) {
                    return Err(DomainError::invalid("Refresh Token flow not enabled for this client"));
                }
                if client.settings.refresh_token_rotation.enabled {
                    // Cognito: rotation "must be completed with GetTokensFromRefreshToken".
                    return Err(DomainError::invalid(
                        "Refresh token rotation is enabled for this client: refresh with GetTokensFromRefreshToken.",
                    ));
                }
                let token = required(params, "REFRESH_TOKEN")?;
                let tokens = self.refresh(&pool, &client, token, RefreshSecret::Hash(params)).await?;
                Ok(AuthOutcome::Tokens(tokens))
            }
            "USER_SRP_AUTH" => {
                let legacy = client.settings.explicit_auth_flows.iter().all(|f| !f.starts_with("ALLOW_"));
                let custom_only = client.settings.explicit_auth_flows.iter().any(|f| f == "CUSTOM_AUTH_FLOW_ONLY");
                if !(client.allows("ALLOW_USER_SRP_AUTH") || legacy && !custom_only) {
                    return Err(DomainError::invalid("USER_SRP_AUTH flow not enabled for this client"));
                }
                self.srp_start(&pool, &client, params).await
            }
            "CUSTOM_AUTH" | "USER_AUTH" => {
                Err(DomainError::Unsupported(format!("The {} flow is not supported by Cognate yet.", request.flow)))
            }
            "USER_PASSWORD_AUTH" | "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => {
                Err(DomainError::invalid("Initiate Auth method not supported."))
            }
            other => Err(DomainError::invalid(format!(
                "1 validation error detected: Value '{other}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: {FLOWS}"
            ))),
        }
    }

    async fn password_sign_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        params: &BTreeMap<String, String>,
    ) -> Result<AuthOutcome> {
        let username = required(params, "USERNAME")?;
        let password = required(params, "PASSWORD")?;
        check_secret_hash(client, username, params.get("SECRET_HASH").map(String::as_str))?;
        let user = self.prove_password(pool, client, username, password).await?;
        self.complete_sign_in(pool, client, user).await
    }

    /// The user `username` names, once `password` is proven theirs: the lockout is checked
    /// first, a wrong password counts towards it, and a right one clears the count.
    pub(crate) async fn prove_password(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        password: &str,
    ) -> Result<User> {
        let user = self.find_user(pool, username).await?;
        if let Some(user) = &user {
            self.check_lockout(user)?;
        }
        // Always spend one password verification, so timing does not reveal whether the user exists.
        let matches = self.verify_password(password, user.as_ref().and_then(|u| u.password_hash.as_deref())).await?;
        let Some(user) = user else {
            return Err(if client.settings.prevent_user_existence_errors {
                DomainError::incorrect_credentials()
            } else {
                DomainError::user_not_found()
            });
        };
        if !matches {
            return Err(self.wrong_password(&user, EventKind::SignIn).await);
        }
        self.password_succeeded(&user).await?;
        let mut user = user;
        if user.srp.is_none() {
            // A password set before SRP verifiers existed: make one now that the password is known.
            self.set_password(&mut user, password).await?;
            self.store.update_user(&user, None).await?;
        }
        Ok(user)
    }

    /// After a proven password: the account's state decides between tokens, a challenge and an
    /// error.
    pub(crate) async fn complete_sign_in(&self, pool: &Pool, client: &AppClient, user: User) -> Result<AuthOutcome> {
        if !user.enabled {
            return Err(DomainError::not_authorized("User is disabled."));
        }
        match user.status {
            UserStatus::Unconfirmed => Err(DomainError::UserNotConfirmed("User is not confirmed.".into())),
            // Federated users sign in through their provider only (they have no password).
            UserStatus::ExternalProvider => Err(DomainError::not_authorized("Incorrect username or password.")),
            UserStatus::ResetRequired => {
                Err(DomainError::PasswordResetRequired("Password reset required for the user".into()))
            }
            UserStatus::ForceChangePassword => {
                if user.temporary_password_expires.is_some_and(|t| t <= self.clock.now()) {
                    return Err(DomainError::not_authorized(
                        "Temporary password has expired and must be reset by an administrator.",
                    ));
                }
                self.new_password_challenge(pool, client, &user).await
            }
            UserStatus::Confirmed => {
                let event = self.auth_event(&user, EventKind::SignIn, true, Some(true));
                let grant = Grant::api_sign_in(self.clock.now());
                Ok(AuthOutcome::Tokens(self.issue_tokens(pool, client, &user, grant, Some(event)).await?))
            }
        }
    }

    async fn new_password_challenge(&self, pool: &Pool, client: &AppClient, user: &User) -> Result<AuthOutcome> {
        let session = random::opaque_token();
        self.store
            .insert_session(&AuthSession {
                digest: mac::token_digest(&session),
                pool_id: pool.id.clone(),
                client_id: client.id.clone(),
                sub: user.sub.clone(),
                challenge: "NEW_PASSWORD_REQUIRED".into(),
                expires: self.clock.now() + client.settings.auth_session_validity_minutes * 60,
                data: "{}".into(),
            })
            .await?;
        let missing: Vec<String> = pool
            .schema
            .iter()
            .filter(|a| a.required && a.name != "sub" && !user.attributes.contains_key(&a.name))
            .map(|a| format!("userAttributes.{}", a.name))
            .collect();
        let shown: BTreeMap<&String, &String> =
            user.attributes.iter().filter(|(k, _)| !k.ends_with("_verified")).collect();
        let mut parameters = BTreeMap::new();
        parameters.insert("USER_ID_FOR_SRP".into(), user.username.clone());
        parameters.insert("requiredAttributes".into(), serde_json::to_string(&missing).map_err(DomainError::internal)?);
        parameters.insert("userAttributes".into(), serde_json::to_string(&shown).map_err(DomainError::internal)?);
        Ok(AuthOutcome::Challenge { name: "NEW_PASSWORD_REQUIRED".into(), session: Some(session), parameters })
    }

    /// RespondToAuthChallenge / AdminRespondToAuthChallenge.
    pub async fn respond_to_auth_challenge(&self, request: ChallengeRequest) -> Result<AuthOutcome> {
        let (pool, client) = self.resolve_client(request.pool_id.as_deref(), &request.client_id).await?;
        match request.challenge_name.as_str() {
            "NEW_PASSWORD_REQUIRED" => self.answer_new_password(&pool, &client, &request).await,
            "PASSWORD_VERIFIER" => self.srp_verify(&pool, &client, &request.responses).await,
            "SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP" | "MFA_SETUP" | "SELECT_MFA_TYPE"
            | "CUSTOM_CHALLENGE" | "DEVICE_SRP_AUTH" | "DEVICE_PASSWORD_VERIFIER" | "SELECT_CHALLENGE" | "SMS_OTP"
            | "WEB_AUTHN" | "PASSWORD" | "PASSWORD_SRP" | "ADMIN_NO_SRP_AUTH" => Err(DomainError::Unsupported(format!(
                "The {} challenge is not supported by Cognate yet.",
                request.challenge_name
            ))),
            other => Err(DomainError::invalid(format!(
                "1 validation error detected: Value '{other}' at 'challengeName' failed to satisfy constraint: Member must satisfy enum value set"
            ))),
        }
    }

    async fn answer_new_password(
        &self,
        pool: &Pool,
        client: &AppClient,
        request: &ChallengeRequest,
    ) -> Result<AuthOutcome> {
        let responses = &request.responses;
        let username = required(responses, "USERNAME")?;
        check_secret_hash(client, username, responses.get("SECRET_HASH").map(String::as_str))?;
        let user = self.apply_new_password(pool, client, request).await?;
        let grant = Grant::api_sign_in(self.clock.now());
        Ok(AuthOutcome::Tokens(self.issue_tokens(pool, client, &user, grant, None).await?))
    }

    /// The NEW_PASSWORD_REQUIRED answer checked and saved (the client's secret is the caller's
    /// concern): the session taken, the password and attributes set, the user confirmed.
    pub(crate) async fn apply_new_password(
        &self,
        pool: &Pool,
        client: &AppClient,
        request: &ChallengeRequest,
    ) -> Result<User> {
        let responses = &request.responses;
        let username = required(responses, "USERNAME")?;
        let new_password = required(responses, "NEW_PASSWORD")?;
        let session =
            request.session.as_deref().ok_or_else(|| DomainError::invalid("Missing required parameter Session"))?;
        check_password(&pool.settings.password_policy, new_password)?;
        let given: Vec<(String, String)> = responses
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("userAttributes.").map(|name| (name.to_owned(), v.clone())))
            .collect();
        let changes = attributes::validate(
            pool,
            &given,
            Writer::Client { write_attributes: &client.settings.write_attributes },
            false,
        )?;

        let expired = || DomainError::not_authorized("Invalid session for the user, session is expired.");
        let (stored, user) = self.store.take_session(&mac::token_digest(session)).await?.ok_or_else(expired)?;
        if stored.expires <= self.clock.now() {
            return Err(expired());
        }
        let mut user = user.ok_or_else(expired)?;
        if stored.client_id != client.id
            || stored.pool_id != pool.id
            || stored.challenge != "NEW_PASSWORD_REQUIRED"
            || !self.names_user(pool, username, &user).await?
        {
            return Err(DomainError::not_authorized("Invalid session for the user."));
        }
        for attr in pool.schema.iter().filter(|a| a.required && a.name != "sub") {
            if !user.attributes.contains_key(&attr.name) && !changes.contains_key(&attr.name) {
                return Err(DomainError::invalid(format!(
                    "Attributes did not conform to the schema: {}: The attribute is required",
                    attr.name
                )));
            }
        }
        user.attributes.extend(changes);
        self.set_password(&mut user, new_password).await?;
        user.status = UserStatus::Confirmed;
        user.temporary_password_expires = None;
        user.modified = self.clock.now();
        let logins = attributes::login_names(pool, &user);
        self.store.update_user(&user, Some(&logins)).await.map_err(DomainError::alias_taken)?;
        Ok(user)
    }

    /// GetTokensFromRefreshToken: new id and access tokens for a refresh token.
    pub async fn get_tokens_from_refresh_token(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        token: &str,
    ) -> Result<IssuedTokens> {
        let (pool, client) = self.client(client_id).await?;
        if !allows_refresh(&client) {
            return Err(DomainError::invalid("Refresh Token flow not enabled for this client"));
        }
        self.refresh(&pool, &client, token, RefreshSecret::Plain(client_secret)).await
    }

    pub(crate) async fn refresh(
        &self,
        pool: &Pool,
        client: &AppClient,
        token: &str,
        secret: RefreshSecret<'_>,
    ) -> Result<IssuedTokens> {
        let invalid = || DomainError::not_authorized("Invalid Refresh Token");
        if token.is_empty() || token.len() > 4096 {
            return Err(invalid());
        }
        let (record, user) = self.store.find_refresh_token(&mac::token_digest(token)).await?.ok_or_else(invalid)?;
        if record.client_id != client.id || record.pool_id != pool.id {
            return Err(invalid());
        }
        if record.revoked {
            return Err(DomainError::not_authorized("Refresh Token has been revoked"));
        }
        let now = self.clock.now();
        if record.expires <= now {
            return Err(DomainError::not_authorized("Refresh Token has expired"));
        }
        if record.rotated_until.is_some_and(|until| until <= now) {
            // Replaced by rotation and past its grace period. The message is ours: Cognito
            // documents the exception, not its text.
            return Err(DomainError::RefreshTokenReuse("Refresh Token has already been rotated.".into()));
        }
        let user = user.ok_or_else(invalid)?;
        match secret {
            RefreshSecret::Hash(params) => {
                let presented = params.get("SECRET_HASH").map(String::as_str);
                let username = params.get("USERNAME").map(String::as_str).unwrap_or(&user.username);
                if check_secret_hash(client, username, presented).is_err() {
                    check_secret_hash(client, &user.sub, presented)?;
                }
            }
            RefreshSecret::Plain(presented) => {
                if let Some(secret) = &client.secret {
                    let presented = presented.ok_or_else(|| {
                        DomainError::not_authorized(format!(
                            "Client {} is configured for secret but secret was not received",
                            client.id
                        ))
                    })?;
                    if !constant_time_eq(secret.as_bytes(), presented.as_bytes()) {
                        return Err(DomainError::not_authorized(format!(
                            "Unable to verify secret hash for client {}",
                            client.id
                        )));
                    }
                }
            }
        }
        if !user.enabled {
            return Err(DomainError::not_authorized("User is disabled."));
        }
        let rotation = client.settings.refresh_token_rotation;
        let rotates = rotation.enabled.then(|| Rotation {
            replaced: record.digest.clone(),
            rotated_until: now + rotation.retry_grace_period_seconds,
            expires: record.expires,
        });
        self.issue_tokens(pool, client, &user, Grant::refresh(&record, rotates), None).await
    }
}

/// How a refresh proves the client's secret: a SECRET_HASH parameter, or the secret itself.
pub(crate) enum RefreshSecret<'a> {
    Hash(&'a BTreeMap<String, String>),
    Plain(Option<&'a str>),
}
