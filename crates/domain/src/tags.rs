//! TagResource, UntagResource and ListTagsForResource: a pool's tags, addressed by the pool's ARN
//! (the same tags CreateUserPool and UpdateUserPool take as `UserPoolTags`).

use std::collections::BTreeMap;

use crate::{Cognate, DomainError, Result};

/// AWS's limit of tags on one resource.
const MAX_TAGS: usize = 50;

impl Cognate {
    /// The pool id an ARN of this server's region and account names.
    fn pool_of_arn(&self, arn: &str) -> Result<String> {
        let config = self.config();
        let prefix = format!("arn:aws:cognito-idp:{}:{}:userpool/", config.region, config.account_id);
        match arn.strip_prefix(&prefix) {
            Some(pool_id) if !pool_id.is_empty() => Ok(pool_id.to_owned()),
            _ => Err(DomainError::invalid(format!("Invalid resource ARN: {arn}"))),
        }
    }

    /// ListTagsForResource: the pool's tags.
    pub async fn list_tags(&self, arn: &str) -> Result<BTreeMap<String, String>> {
        Ok(self.pool(&self.pool_of_arn(arn)?).await?.settings.tags)
    }

    /// TagResource: adds the tags, replacing the values of keys the pool already has.
    pub async fn tag_resource(&self, arn: &str, tags: BTreeMap<String, String>) -> Result<()> {
        if let Some(reserved) = tags.keys().find(|k| k.to_ascii_lowercase().starts_with("aws:")) {
            return Err(DomainError::invalid(format!(
                "Tag keys starting with 'aws:' are reserved for AWS use: {reserved}"
            )));
        }
        let mut pool = self.pool(&self.pool_of_arn(arn)?).await?;
        pool.settings.tags.extend(tags);
        if pool.settings.tags.len() > MAX_TAGS {
            return Err(DomainError::LimitExceeded(format!("A user pool can have at most {MAX_TAGS} tags.")));
        }
        self.save_pool(&mut pool).await
    }

    /// UntagResource: removes the keys (keys the pool does not have are ignored).
    pub async fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<()> {
        let mut pool = self.pool(&self.pool_of_arn(arn)?).await?;
        for key in keys {
            pool.settings.tags.remove(key);
        }
        self.save_pool(&mut pool).await
    }
}
