//! InboundFederation: on every sign-in through an identity provider, before the user is made or
//! brought up to date, the pool's function gets what the provider answered (the token response,
//! the id token's claims, the user info) and may give back `userAttributesToMap`, the claims that
//! the provider's AttributeMapping then reads instead. An empty answer keeps the provider's own.

use serde_json::{json, Map, Value};

use super::invoke::unrecognizable;
use super::{Envelope, Trigger};
use crate::error::Result;
use crate::federation::ProviderClaims;
use crate::model::{IdentityProvider, Pool};
use crate::Cognate;

/// A claims object as the event's string map: strings as they are, anything else as its JSON.
fn string_map(claims: &Map<String, Value>) -> Value {
    let text = |value: &Value| match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Value::Object(claims.iter().map(|(k, v)| (k.clone(), Value::String(text(v)))).collect())
}

impl Cognate {
    /// The claims a federated sign-in maps: the provider's, or those the pool's InboundFederation
    /// function gives instead. The subject always stays the provider's: it names the user.
    pub(crate) async fn inbound_federation(
        &self,
        pool: &Pool,
        client_id: &str,
        provider: &IdentityProvider,
        answer: ProviderClaims,
    ) -> Result<Map<String, Value>> {
        if pool.settings.triggers.function(Trigger::InboundFederation).is_none() {
            return Ok(answer.claims);
        }
        let subject = answer.claims.get("sub").cloned().unwrap_or(Value::Null);
        let user_name = format!("{}_{}", provider.name, subject.as_str().unwrap_or_default());
        let mut attributes = Map::new();
        attributes.insert("tokenResponse".into(), string_map(&answer.token_response));
        if let Some(id_token) = &answer.id_token {
            attributes.insert("idToken".into(), string_map(id_token));
        }
        if let Some(user_info) = &answer.user_info {
            attributes.insert("userInfo".into(), string_map(user_info));
        }
        let mut event = Envelope::new("InboundFederation_ExternalProvider", &user_name, Some(client_id))
            .with("providerName", provider.name.as_str())
            .with("providerType", provider.provider_type.as_str())
            .with("attributes", Value::Object(attributes));
        event.response = json!({ "userAttributesToMap": {} });
        let mut response = self.run_trigger(pool, Trigger::InboundFederation, event).await?.unwrap_or_default();
        let mapped = match response.get_mut("userAttributesToMap").map(Value::take) {
            None | Some(Value::Null) => return Ok(answer.claims),
            Some(Value::Object(mapped)) if mapped.is_empty() => return Ok(answer.claims),
            Some(Value::Object(mapped)) => mapped,
            Some(_) => return Err(unrecognizable()),
        };
        let mut claims = Map::new();
        for (name, value) in mapped {
            if !value.is_string() {
                return Err(unrecognizable());
            }
            claims.insert(name, value);
        }
        claims.insert("sub".into(), subject);
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_reach_the_function_as_strings() {
        let claims: Map<String, Value> =
            serde_json::from_value(json!({"sub": "abc", "exp": 17, "email_verified": true, "groups": ["a"]})).unwrap();
        assert_eq!(
            string_map(&claims),
            json!({"sub": "abc", "exp": "17", "email_verified": "true", "groups": "[\"a\"]"})
        );
    }
}
