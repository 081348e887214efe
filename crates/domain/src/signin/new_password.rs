//! The NEW_PASSWORD_REQUIRED challenge of users an administrator created with a temporary
//! password; a second factor may follow it.

use std::collections::BTreeMap;

use cognate_proto::ChallengeName;

use super::session::NO_STATE;
use super::{required, AuthOutcome, ChallengeRequest, Step};
use crate::attributes::{self, Writer};
use crate::clients::check_secret_hash;
use crate::error::{DomainError, Result};
use crate::model::{AppClient, Pool, User, UserStatus};
use crate::policy::check_password;
use crate::triggers::TokenSource;
use crate::Cognate;

impl Cognate {
    pub(super) async fn new_password_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
    ) -> Result<AuthOutcome> {
        let challenge = ChallengeName::NewPasswordRequired;
        let session = self.open_challenge(pool, client, user, challenge, NO_STATE).await?;
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
        Ok(AuthOutcome::Challenge { name: challenge, session: Some(session), parameters })
    }

    pub(super) async fn answer_new_password(
        &self,
        pool: &Pool,
        client: &AppClient,
        request: &ChallengeRequest,
    ) -> Result<AuthOutcome> {
        let responses = &request.responses;
        let username = required(responses, "USERNAME")?;
        check_secret_hash(client, username, responses.get("SECRET_HASH").map(String::as_str))?;
        let user = self.apply_new_password(pool, client, request).await?;
        match self.second_factor(pool, client, user, None).await? {
            Step::Done(user) => {
                self.sign_in_tokens(pool, client, &user, false, None, TokenSource::NewPasswordChallenge).await
            }
            Step::Challenge(outcome) => Ok(outcome),
        }
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
        let (_, mut user) =
            self.take_challenge(pool, client, session, ChallengeName::NewPasswordRequired, username).await?;
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
}
