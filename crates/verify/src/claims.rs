//! Typed claims of Cognito's id and access tokens, with every other claim (custom attributes,
//! `email`, ...) kept and reachable by name.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// What a token is for: `token_use` in Cognito's tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenUse {
    /// An access token: `client_id`, `scope`, `username`.
    Access,
    /// An id token: `aud`, the user's attributes.
    Id,
}

impl TokenUse {
    /// `access` or `id`.
    pub fn name(self) -> &'static str {
        match self {
            TokenUse::Access => "access",
            TokenUse::Id => "id",
        }
    }

    /// Reads `access` or `id`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "access" => Some(TokenUse::Access),
            "id" => Some(TokenUse::Id),
            _ => None,
        }
    }
}

/// The claims of a verified Cognito-shaped token.
#[derive(Debug, Clone, Deserialize)]
pub struct CognitoClaims {
    /// The user's stable id (for client-credentials tokens, the client id).
    pub sub: String,
    pub iss: String,
    /// `access` or `id`, as written in the token.
    pub token_use: String,
    pub exp: i64,
    #[serde(default)]
    pub iat: Option<i64>,
    #[serde(default)]
    pub nbf: Option<i64>,
    #[serde(default)]
    pub auth_time: Option<i64>,
    #[serde(default)]
    pub jti: Option<String>,
    /// The sign-in this token descends from; what revocation refers to.
    #[serde(default)]
    pub origin_jti: Option<String>,
    #[serde(default)]
    pub event_id: Option<String>,
    /// Access tokens: the app client.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Id tokens: the app client (a string, or a list in other issuers' tokens).
    #[serde(default, deserialize_with = "one_or_many")]
    pub aud: Vec<String>,
    /// Access tokens: space-separated scopes.
    #[serde(default)]
    pub scope: Option<String>,
    /// Access tokens: the user name.
    #[serde(default)]
    pub username: Option<String>,
    /// Id tokens: the user name.
    #[serde(default, rename = "cognito:username")]
    pub cognito_username: Option<String>,
    #[serde(default, rename = "cognito:groups")]
    pub groups: Vec<String>,
    /// Everything else: `email`, `email_verified`, `custom:*`, `cognito:roles`, ...
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::One(one)) => vec![one],
        Some(OneOrMany::Many(many)) => many,
    })
}

impl CognitoClaims {
    /// `token_use`, if it is one Cognito uses.
    pub fn token_use(&self) -> Option<TokenUse> {
        TokenUse::from_name(&self.token_use)
    }

    /// The user name, from `username` (access) or `cognito:username` (id).
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref().or(self.cognito_username.as_deref())
    }

    /// The app client the token was issued to: `client_id` (access) or the first `aud` (id).
    pub fn client(&self) -> Option<&str> {
        self.client_id.as_deref().or(self.aud.first().map(String::as_str))
    }

    /// The granted scopes.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.as_deref().unwrap_or("").split_ascii_whitespace()
    }

    /// Whether `scope` lists this scope.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().any(|s| s == scope)
    }

    /// Whether the user is in this group.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }

    /// Any other claim by name (`email`, `custom:tenant`, ...).
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.other.get(name)
    }

    /// A custom attribute by its name without the `custom:` prefix, as a string.
    pub fn custom_attribute(&self, name: &str) -> Option<&str> {
        self.other.get(&format!("custom:{name}")).and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_and_id_tokens_read_their_own_fields() {
        let access: CognitoClaims = serde_json::from_str(
            r#"{"sub":"s","iss":"i","token_use":"access","exp":9,"client_id":"c","scope":"a b",
               "username":"u","cognito:groups":["admin"]}"#,
        )
        .unwrap();
        assert_eq!((access.username(), access.client()), (Some("u"), Some("c")));
        assert!(access.has_scope("b") && !access.has_scope("c"));
        assert!(access.in_group("admin"));
        assert_eq!(access.token_use(), Some(TokenUse::Access));

        let id: CognitoClaims = serde_json::from_str(
            r#"{"sub":"s","iss":"i","token_use":"id","exp":9,"aud":"c","cognito:username":"u",
               "email":"a@b.c","custom:tenant":"t1"}"#,
        )
        .unwrap();
        assert_eq!((id.username(), id.client()), (Some("u"), Some("c")));
        assert_eq!(id.custom_attribute("tenant"), Some("t1"));
        assert_eq!(id.claim("email").and_then(Value::as_str), Some("a@b.c"));
        let listed: CognitoClaims =
            serde_json::from_str(r#"{"sub":"s","iss":"i","token_use":"id","exp":9,"aud":["x","y"]}"#).unwrap();
        assert_eq!(listed.aud, vec!["x", "y"]);
    }
}
