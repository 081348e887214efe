//! PreTokenGeneration: the event (the user, their groups as `groupConfiguration`, and from V2
//! the access token's scopes) and what its answer may change: claims added, overridden or
//! suppressed (V1: the id token; V2 and V3: both tokens and the scopes) and the groups of both
//! tokens. Claims that make the token what it is cannot be changed: they are left as they were.

use serde_json::{json, Map, Value};

use super::invoke::unrecognizable;
use super::{Envelope, PreTokenVersion, Trigger};
use crate::error::Result;
use crate::model::{AppClient, Group, Pool, User};
use crate::Cognate;

/// Claims no trigger may add, change or suppress (Cognito's list, plus those that name the
/// client and the token).
const FIXED_CLAIMS: &[&str] = &[
    "acr",
    "amr",
    "aud",
    "at_hash",
    "auth_time",
    "azp",
    "cognito:username",
    "exp",
    "iat",
    "identities",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "sub",
    "token_use",
    "client_id",
    "event_id",
    "scope",
    "username",
    "version",
    "device_key",
    "cognito:groups",
    "cognito:roles",
    "cognito:preferred_role",
];

/// What led to the tokens: the event's `triggerSource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenSource {
    /// A sign-in through the API.
    Authentication,
    /// The answer to NEW_PASSWORD_REQUIRED.
    NewPasswordChallenge,
    /// A sign-in that ended with the device's proof.
    AuthenticateDevice,
    /// A sign-in on the hosted pages (code or implicit grant).
    HostedAuth,
    RefreshTokens,
}

impl TokenSource {
    fn trigger_source(self) -> &'static str {
        match self {
            Self::Authentication => "TokenGeneration_Authentication",
            Self::NewPasswordChallenge => "TokenGeneration_NewPasswordChallenge",
            Self::AuthenticateDevice => "TokenGeneration_AuthenticateDevice",
            Self::HostedAuth => "TokenGeneration_HostedAuth",
            Self::RefreshTokens => "TokenGeneration_RefreshTokens",
        }
    }
}

/// The claims of the two tokens being made, for the trigger to change.
pub(crate) struct Claims<'a> {
    pub(crate) id: &'a mut Map<String, Value>,
    pub(crate) access: &'a mut Map<String, Value>,
}

impl Cognate {
    /// Runs the pool's pre-token trigger, if any, on the claims about to be signed; `groups`
    /// are the user's, by precedence (they already stand in both tokens).
    pub(crate) async fn pre_token_generation(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        source: TokenSource,
        groups: &[Group],
        claims: Claims<'_>,
    ) -> Result<()> {
        if pool.settings.triggers.function(Trigger::PreTokenGeneration).is_none() {
            return Ok(());
        }
        let version = pool.settings.triggers.pre_token_version;
        let roles: Vec<&str> = groups.iter().filter_map(|g| g.role_arn.as_deref()).collect();
        let mut event = Envelope::about(source.trigger_source(), pool, user, Some(&client.id)).with(
            "groupConfiguration",
            json!({
                "groupsToOverride": groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
                "iamRolesToOverride": roles,
                "preferredRole": roles.first(),
            }),
        );
        event.version = version.event_version();
        if version != PreTokenVersion::V1_0 {
            let scopes: Vec<&str> =
                claims.access.get("scope").and_then(Value::as_str).unwrap_or_default().split(' ').collect();
            event = event.with("scopes", scopes);
        }
        let Some(response) = self.run_trigger(pool, Trigger::PreTokenGeneration, event).await? else { return Ok(()) };
        match version {
            PreTokenVersion::V1_0 => apply_v1(&response, claims),
            PreTokenVersion::V2_0 | PreTokenVersion::V3_0 => apply_v2(&response, claims),
        }
    }
}

impl Cognate {
    /// The client-credentials grant's token: only a V3_0 trigger hears of it
    /// (`TokenGeneration_ClientCredentials`, no user), and only the access token's claims and
    /// scopes may change.
    pub(crate) async fn pre_token_for_client(
        &self,
        pool: &Pool,
        client: &AppClient,
        access: &mut Map<String, Value>,
    ) -> Result<()> {
        let triggers = &pool.settings.triggers;
        if triggers.function(Trigger::PreTokenGeneration).is_none()
            || triggers.pre_token_version != PreTokenVersion::V3_0
        {
            return Ok(());
        }
        let scopes: Vec<&str> = access.get("scope").and_then(Value::as_str).unwrap_or_default().split(' ').collect();
        let mut event = Envelope::new("TokenGeneration_ClientCredentials", "", Some(&client.id))
            .with("userAttributes", json!({}))
            .with("groupConfiguration", Value::Null)
            .with("scopes", scopes);
        event.user_name = None;
        event.version = PreTokenVersion::V3_0.event_version();
        let Some(response) = self.run_trigger(pool, Trigger::PreTokenGeneration, event).await? else { return Ok(()) };
        let Some(details) = object(&response, "claimsAndScopeOverrideDetails")? else { return Ok(()) };
        // No id token, and no groups: only the access token's part applies.
        let only_access =
            json!({"accessTokenGeneration": details.get("accessTokenGeneration").cloned().unwrap_or(Value::Null)});
        let mut no_id_token = Map::new();
        apply_v2(&json!({"claimsAndScopeOverrideDetails": only_access}), Claims { id: &mut no_id_token, access })
    }
}

/// V1: `claimsOverrideDetails` changes the id token's claims (string values) and both tokens'
/// groups.
fn apply_v1(response: &Value, claims: Claims<'_>) -> Result<()> {
    let Some(details) = object(response, "claimsOverrideDetails")? else { return Ok(()) };
    if let Some(added) = object(details, "claimsToAddOrOverride")? {
        if added.as_object().is_some_and(|m| m.values().any(|v| !v.is_string())) {
            return Err(unrecognizable());
        }
    }
    change_claims(details, claims.id)?;
    override_groups(details, claims)
}

/// V2 and V3: `claimsAndScopeOverrideDetails` changes each token's claims (any JSON value), the
/// access token's scopes, and both tokens' groups.
fn apply_v2(response: &Value, claims: Claims<'_>) -> Result<()> {
    let Some(details) = object(response, "claimsAndScopeOverrideDetails")? else { return Ok(()) };
    if let Some(id) = object(details, "idTokenGeneration")? {
        change_claims(id, claims.id)?;
    }
    if let Some(access) = object(details, "accessTokenGeneration")? {
        change_claims(access, claims.access)?;
        let mut scopes: Vec<String> = claims
            .access
            .get("scope")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        for scope in strings(access, "scopesToAdd")? {
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        let suppressed = strings(access, "scopesToSuppress")?;
        scopes.retain(|s| !suppressed.contains(s));
        claims.access.insert("scope".into(), scopes.join(" ").into());
    }
    override_groups(details, claims)
}

/// `claimsToAddOrOverride` then `claimsToSuppress` (suppression wins), sparing the fixed claims.
fn change_claims(details: &Value, token: &mut Map<String, Value>) -> Result<()> {
    if let Some(added) = object(details, "claimsToAddOrOverride")? {
        for (name, value) in added.as_object().into_iter().flatten() {
            if !FIXED_CLAIMS.contains(&name.as_str()) {
                token.insert(name.clone(), value.clone());
            }
        }
    }
    for name in strings(details, "claimsToSuppress")? {
        if !FIXED_CLAIMS.contains(&name.as_str()) {
            token.remove(&name);
        }
    }
    Ok(())
}

/// `groupOverrideDetails`: when present, its groups, roles and preferred role replace the
/// tokens' (an empty or null list removes them).
fn override_groups(details: &Value, claims: Claims<'_>) -> Result<()> {
    let Some(groups) = object(details, "groupOverrideDetails")? else { return Ok(()) };
    let names = strings(groups, "groupsToOverride")?;
    for token in [&mut *claims.id, &mut *claims.access] {
        token.remove("cognito:groups");
        if !names.is_empty() {
            token.insert("cognito:groups".into(), names.clone().into());
        }
    }
    let roles = strings(groups, "iamRolesToOverride")?;
    claims.id.remove("cognito:roles");
    claims.id.remove("cognito:preferred_role");
    if !roles.is_empty() {
        claims.id.insert("cognito:roles".into(), roles.into());
    }
    match groups.get("preferredRole") {
        None | Some(Value::Null) => {}
        Some(Value::String(role)) => {
            claims.id.insert("cognito:preferred_role".into(), role.clone().into());
        }
        Some(_) => return Err(unrecognizable()),
    }
    Ok(())
}

/// A member that must be an object when present.
fn object<'a>(value: &'a Value, name: &str) -> Result<Option<&'a Value>> {
    match value.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(found @ Value::Object(_)) => Ok(Some(found)),
        Some(_) => Err(unrecognizable()),
    }
}

/// A member that must be a list of strings when present.
fn strings(value: &Value, name: &str) -> Result<Vec<String>> {
    match value.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            items.iter().map(|i| i.as_str().map(str::to_owned).ok_or_else(unrecognizable)).collect()
        }
        Some(_) => Err(unrecognizable()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> (Map<String, Value>, Map<String, Value>) {
        let id = json!({"sub": "s", "email": "a@example.com", "cognito:groups": ["admins"]});
        let access = json!({"sub": "s", "scope": "openid email", "cognito:groups": ["admins"]});
        (id.as_object().unwrap().clone(), access.as_object().unwrap().clone())
    }

    #[test]
    fn v1_changes_the_id_token_only_and_spares_fixed_claims() {
        let (mut id, mut access) = tokens();
        let response = json!({"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tenant": "acme", "sub": "forged", "email": "x@example.com"},
            "claimsToSuppress": ["email"],
        }});
        apply_v1(&response, Claims { id: &mut id, access: &mut access }).unwrap();
        assert_eq!((id["tenant"].as_str(), id["sub"].as_str()), (Some("acme"), Some("s")));
        assert!(!id.contains_key("email"), "suppression wins over an override");
        assert!(!access.contains_key("tenant"), "V1 leaves the access token alone");
        let numbers = json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"n": 1}}});
        assert!(apply_v1(&numbers, Claims { id: &mut id, access: &mut access }).is_err(), "V1 claims are strings");
    }

    #[test]
    fn v2_changes_both_tokens_scopes_and_groups() {
        let (mut id, mut access) = tokens();
        let response = json!({"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"roles": ["a", "b"]}},
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"tenant": {"id": 7}},
                "scopesToAdd": ["api/read"],
                "scopesToSuppress": ["email"],
            },
            "groupOverrideDetails": {"groupsToOverride": [], "preferredRole": "arn:aws:iam::1:role/r"},
        }});
        apply_v2(&response, Claims { id: &mut id, access: &mut access }).unwrap();
        assert_eq!(id["roles"], json!(["a", "b"]));
        assert_eq!(access["tenant"], json!({"id": 7}));
        assert_eq!(access["scope"], "openid api/read");
        assert!(!id.contains_key("cognito:groups") && !access.contains_key("cognito:groups"));
        assert_eq!(id["cognito:preferred_role"], "arn:aws:iam::1:role/r");
    }

    #[test]
    fn a_response_of_the_wrong_shape_is_refused() {
        let (mut id, mut access) = tokens();
        let bad = json!({"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": "api/read"}}});
        assert!(apply_v2(&bad, Claims { id: &mut id, access: &mut access }).is_err());
    }
}
