//! PreAuthentication and PostAuthentication: before a sign-in proves anything (the trigger may
//! refuse it) and once every factor is proven (the trigger may still refuse, or record).

use std::collections::BTreeMap;

use serde_json::Value;

use super::event::string_map;
use super::{Envelope, Trigger};
use crate::error::Result;
use crate::model::{AppClient, Pool, User};
use crate::Cognate;

impl Cognate {
    /// PreAuthentication_Authentication, with the sign-in's ClientMetadata as `validationData`.
    pub(crate) async fn pre_authentication(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        validation_data: &BTreeMap<String, String>,
    ) -> Result<()> {
        if pool.settings.triggers.function(Trigger::PreAuthentication).is_none() {
            return Ok(());
        }
        let event = Envelope::about("PreAuthentication_Authentication", pool, user, Some(&client.id))
            .with("validationData", validation(validation_data));
        self.run_trigger(pool, Trigger::PreAuthentication, event).await.map(drop)
    }

    /// PostAuthentication_Authentication, once the sign-in has passed and before its tokens.
    pub(crate) async fn post_authentication(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &User,
        new_device_used: bool,
    ) -> Result<()> {
        if pool.settings.triggers.function(Trigger::PostAuthentication).is_none() {
            return Ok(());
        }
        let event = Envelope::about("PostAuthentication_Authentication", pool, user, Some(&client.id))
            .with("newDeviceUsed", new_device_used);
        self.run_trigger(pool, Trigger::PostAuthentication, event).await.map(drop)
    }
}

/// `validationData` as Cognito sends it: the map, or null when the caller sent none.
pub(crate) fn validation(data: &BTreeMap<String, String>) -> Value {
    if data.is_empty() {
        Value::Null
    } else {
        string_map(data)
    }
}
