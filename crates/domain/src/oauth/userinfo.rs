//! `/oauth2/userInfo`: the attributes an access token from the OAuth endpoints may see, by its
//! scopes (the same release rules as its id token), as Cognito's strings.

use serde_json::{Map, Value};

use super::scopes;
use crate::tokens::client_may_read;
use crate::{Cognate, DomainError};

/// Why userInfo refused (RFC 6750 section 3.1 names them; Cognito words them).
#[derive(Debug, thiserror::Error)]
pub enum UserInfoError {
    /// No bearer token, or a malformed request.
    #[error("Bad OAuth2 request at UserInfo Endpoint")]
    InvalidRequest,
    /// The token does not verify, expired, was revoked, or lacks `openid`.
    #[error("{0}")]
    InvalidToken(String),
    #[error(transparent)]
    Server(DomainError),
}

impl Cognate {
    /// The claims userInfo answers for `token`: `sub`, the released attributes and `username`.
    /// `served_pool`: the pool whose domain the request came to, which must be the token's.
    pub async fn user_info(&self, token: &str, served_pool: Option<&str>) -> Result<Map<String, Value>, UserInfoError> {
        let expired = || {
            UserInfoError::InvalidToken(
                "Access token is expired, disabled, or deleted, or the user has globally signed out.".into(),
            )
        };
        let (context, scope) = self.verify_user_access_token(token).await.map_err(|e| match e {
            DomainError::NotAuthorized(_) => expired(),
            other => UserInfoError::Server(other),
        })?;
        if served_pool.is_some_and(|served| served != context.pool_id) {
            return Err(UserInfoError::InvalidToken("Access token is not for this domain's user pool".into()));
        }
        let granted: Vec<String> = scope.split(' ').map(str::to_owned).collect();
        if !granted.iter().any(|s| s == "openid") {
            return Err(UserInfoError::InvalidToken("Access token does not contain openid scope".into()));
        }
        let (_, client) = self.client(&context.client_id).await.map_err(|_| expired())?;
        let user =
            self.store.get_user(&context.pool_id, &context.sub).await.map_err(|e| UserInfoError::Server(e.into()))?;
        let user = user.filter(|u| u.enabled).ok_or_else(expired)?;
        let mut claims = Map::new();
        claims.insert("sub".into(), user.sub.clone().into());
        for (name, value) in &user.attributes {
            if client_may_read(&client, name) && scopes::releases(&granted, name) {
                claims.insert(name.clone(), value.clone().into());
            }
        }
        claims.insert("username".into(), user.username.clone().into());
        Ok(claims)
    }
}
