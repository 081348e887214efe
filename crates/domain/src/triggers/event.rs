//! The Lambda event every trigger gets: Cognito's envelope (`version`, `triggerSource`,
//! `region`, `userPoolId`, `userName`, `callerContext`, `request`, `response`) and the
//! `userAttributes` map as Cognito writes it.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::model::{Pool, User};

/// Cognito's `callerContext.clientId` when no app client is involved (an admin call).
const NO_CLIENT: &str = "CLIENT_ID_NOT_APPLICABLE";

/// One trigger call's event, before it is sent.
pub(crate) struct Envelope {
    pub(crate) trigger_source: String,
    pub(crate) version: &'static str,
    /// `None` for a client's own token (client credentials): Cognito sends `null`.
    pub(crate) user_name: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) request: Map<String, Value>,
    pub(crate) response: Value,
}

impl Envelope {
    /// An event of `trigger_source` about `user_name`, from `client_id` (None for admin calls),
    /// with an empty request and response.
    pub(crate) fn new(trigger_source: impl Into<String>, user_name: &str, client_id: Option<&str>) -> Self {
        Self {
            trigger_source: trigger_source.into(),
            version: "1",
            user_name: Some(user_name.to_owned()),
            client_id: client_id.map(str::to_owned),
            request: Map::new(),
            response: json!({}),
        }
    }

    /// The event with `request.userAttributes` of `user`.
    pub(crate) fn about(trigger_source: impl Into<String>, pool: &Pool, user: &User, client_id: Option<&str>) -> Self {
        Self::new(trigger_source, &user.username, client_id).with("userAttributes", user_attributes(pool, user))
    }

    /// Adds a request field.
    pub(crate) fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.request.insert(name.to_owned(), value.into());
        self
    }

    /// Adds `clientMetadata` when the caller sent some (Cognito leaves it out otherwise).
    pub(crate) fn client_metadata(self, metadata: &BTreeMap<String, String>) -> Self {
        if metadata.is_empty() {
            return self;
        }
        self.with("clientMetadata", string_map(metadata))
    }

    /// The JSON sent: Cognito's envelope in its field order.
    pub(crate) fn to_json(&self, pool: &Pool) -> Value {
        let region = pool.id.split_once('_').map_or("us-east-1", |(region, _)| region);
        json!({
            "version": self.version,
            "triggerSource": self.trigger_source,
            "region": region,
            "userPoolId": pool.id,
            "userName": self.user_name,
            "callerContext": {
                "awsSdkVersion": "aws-sdk-unknown-unknown",
                "clientId": self.client_id.as_deref().unwrap_or(NO_CLIENT),
            },
            "request": self.request,
            "response": self.response,
        })
    }
}

/// A string map as a JSON object.
pub(crate) fn string_map(map: &BTreeMap<String, String>) -> Value {
    Value::Object(map.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect())
}

/// `request.userAttributes`: every attribute as a string, `sub`, `cognito:user_status`, and the
/// alias markers Cognito adds for a verified email or phone number used as an alias.
pub(crate) fn user_attributes(pool: &Pool, user: &User) -> Value {
    let mut attributes = Map::new();
    attributes.insert("sub".into(), user.sub.clone().into());
    for (name, value) in &user.attributes {
        attributes.insert(name.clone(), value.clone().into());
    }
    attributes.insert("cognito:user_status".into(), user.status.name().into());
    for (alias, verified) in [("email", "email_verified"), ("phone_number", "phone_number_verified")] {
        let is_alias = pool.alias_attributes.iter().any(|a| a == alias);
        if let (true, Some(value), Some("true")) =
            (is_alias, user.attributes.get(alias), user.attributes.get(verified).map(String::as_str))
        {
            attributes.insert(format!("cognito:{alias}_alias"), value.clone().into());
        }
    }
    Value::Object(attributes)
}
