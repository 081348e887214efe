//! SetRiskConfiguration and DescribeRiskConfiguration: threat-protection settings for a pool or
//! one of its clients, kept and given back. Cognate has no risk detection, so the settings change
//! no sign-in (the README says so); infrastructure code that writes and reads them works.

use crate::model::RiskConfiguration;
use crate::{Cognate, Result};

/// The three parts of a risk configuration, as given.
#[derive(Debug, Clone, Default)]
pub struct RiskParts {
    pub compromised_credentials: Option<serde_json::Value>,
    pub account_takeover: Option<serde_json::Value>,
    pub risk_exception: Option<serde_json::Value>,
}

impl Cognate {
    /// SetRiskConfiguration: the configuration of the pool (`client_id` None) or of one client;
    /// with no part at all it is removed. Answers what is now in force there.
    pub async fn set_risk_configuration(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
        parts: RiskParts,
    ) -> Result<Option<RiskConfiguration>> {
        let mut pool = self.pool(pool_id).await?;
        if let Some(client_id) = client_id {
            self.client_in_pool(pool_id, client_id).await?;
        }
        let key = client_id.unwrap_or_default().to_owned();
        let now = self.clock.now();
        if parts.compromised_credentials.is_none() && parts.account_takeover.is_none() && parts.risk_exception.is_none()
        {
            pool.risk_configurations.remove(&key);
        } else {
            pool.risk_configurations.insert(
                key.clone(),
                RiskConfiguration {
                    compromised_credentials: parts.compromised_credentials,
                    account_takeover: parts.account_takeover,
                    risk_exception: parts.risk_exception,
                    modified: now,
                },
            );
        }
        self.save_pool(&mut pool).await?;
        Ok(pool.risk_configurations.get(&key).cloned())
    }

    /// DescribeRiskConfiguration: a client's own configuration (with its id), else the pool's
    /// (with None).
    pub async fn describe_risk_configuration(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> Result<(Option<String>, Option<RiskConfiguration>)> {
        let pool = self.pool(pool_id).await?;
        if let Some(client_id) = client_id {
            self.client_in_pool(pool_id, client_id).await?;
            if let Some(own) = pool.risk_configurations.get(client_id) {
                return Ok((Some(client_id.to_owned()), Some(own.clone())));
            }
        }
        Ok((None, pool.risk_configurations.get("").cloned()))
    }
}
