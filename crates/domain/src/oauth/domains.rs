//! User pool domains: CreateUserPoolDomain, DescribeUserPoolDomain, UpdateUserPoolDomain,
//! DeleteUserPoolDomain. A pool has at most one prefix domain and one custom domain; a name
//! belongs to one pool only.

use crate::error::{DomainError, Result};
use crate::model::PoolDomain;
use crate::{Cognate, StoreError};

/// What CreateUserPoolDomain and UpdateUserPoolDomain ask for.
#[derive(Debug, Clone, Default)]
pub struct DomainInput {
    pub domain: String,
    pub pool_id: String,
    pub managed_login_version: Option<i64>,
    /// `CustomDomainConfig.CertificateArn`: present for a custom domain.
    pub certificate_arn: Option<String>,
    pub security_policy: Option<String>,
}

/// Words Cognito refuses in a prefix domain.
const RESERVED_WORDS: [&str; 3] = ["aws", "amazon", "cognito"];

fn invalid_pattern(value: &str, member: &str, pattern: &str) -> DomainError {
    DomainError::invalid(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"
    ))
}

/// A prefix: 1 to 63 lower-case letters, digits and inner hyphens (the model's pattern).
fn check_prefix(domain: &str) -> Result<()> {
    let bytes = domain.as_bytes();
    let edge_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let shape = (1..=63).contains(&bytes.len())
        && edge_ok(bytes.first())
        && edge_ok(bytes.last())
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
    if !shape {
        return Err(invalid_pattern(domain, "domain", "^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"));
    }
    if let Some(word) = RESERVED_WORDS.iter().find(|w| domain.contains(*w)) {
        return Err(DomainError::invalid(format!("Domain cannot contain reserved word: {word}")));
    }
    Ok(())
}

/// A custom domain: a fully qualified host name of at least two labels.
fn check_custom(domain: &str) -> Result<()> {
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if domain.len() > 253 || domain.split('.').count() < 2 || !domain.split('.').all(label_ok) {
        return Err(DomainError::invalid(format!(
            "{domain} is not a valid custom domain: use a lower-case fully qualified host name."
        )));
    }
    Ok(())
}

fn check_certificate(arn: &str) -> Result<()> {
    if !arn.starts_with("arn:") || arn.split(':').count() < 6 || arn.len() > 2048 {
        return Err(invalid_pattern(
            arn,
            "customDomainConfig.certificateArn",
            "arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?",
        ));
    }
    Ok(())
}

fn login_version(version: Option<i64>) -> Result<i64> {
    match version.unwrap_or(1) {
        v @ (1 | 2) => Ok(v),
        v => Err(DomainError::invalid(format!(
            "ManagedLoginVersion {v} is not valid: use 1 (hosted UI) or 2 (managed login)."
        ))),
    }
}

fn no_such_domain() -> DomainError {
    DomainError::invalid("No such domain or user pool exists.")
}

impl Cognate {
    /// CreateUserPoolDomain: a prefix domain, or a custom domain when a certificate is given.
    pub async fn create_user_pool_domain(&self, input: DomainInput) -> Result<PoolDomain> {
        let mut pool = self.pool(&input.pool_id).await?;
        let custom = input.certificate_arn.is_some();
        if custom {
            check_custom(&input.domain)?;
        } else {
            check_prefix(&input.domain)?;
        }
        if let Some(arn) = &input.certificate_arn {
            check_certificate(arn)?;
        }
        let slot = if custom { &mut pool.custom_domain } else { &mut pool.domain };
        if let Some(existing) = slot {
            return Err(DomainError::invalid(format!(
                "User pool {} already has a domain configured: {existing}.",
                pool.id
            )));
        }
        *slot = Some(input.domain.clone());
        let domain = PoolDomain {
            domain: input.domain,
            pool_id: pool.id.clone(),
            certificate_arn: input.certificate_arn,
            security_policy: input.security_policy,
            managed_login_version: login_version(input.managed_login_version)?,
            created: self.clock.now(),
        };
        self.store.insert_domain(&domain, &pool).await.map_err(|e| match e {
            StoreError::Conflict(_) => DomainError::invalid("Domain already associated with another user pool."),
            other => other.into(),
        })?;
        Ok(domain)
    }

    /// DescribeUserPoolDomain: `None` for a name no pool has (Cognito answers an empty
    /// description, and tools use that to see whether a name is free).
    pub async fn describe_user_pool_domain(&self, domain: &str) -> Result<Option<PoolDomain>> {
        if domain.is_empty() || domain.len() > 253 {
            return Ok(None);
        }
        Ok(self.store.get_domain(domain).await?)
    }

    /// The pool whose domain `host` is (a request's host, without port): a custom domain, or a
    /// prefix domain spelt as Cognito's host, `<prefix>.auth.<region>.amazoncognito.com`.
    pub async fn pool_for_host(&self, host: &str) -> Result<Option<String>> {
        let host = host.to_ascii_lowercase();
        let suffix = format!(".auth.{}.amazoncognito.com", self.config.region);
        let found = match host.strip_suffix(&suffix) {
            Some(prefix) => self.describe_user_pool_domain(prefix).await?.filter(|d| d.certificate_arn.is_none()),
            None => self.describe_user_pool_domain(&host).await?.filter(|d| d.certificate_arn.is_some()),
        };
        Ok(found.map(|d| d.pool_id))
    }

    /// UpdateUserPoolDomain: the managed-login version, and a custom domain's certificate.
    pub async fn update_user_pool_domain(&self, input: DomainInput) -> Result<PoolDomain> {
        self.pool(&input.pool_id).await?;
        let mut domain = self
            .store
            .get_domain(&input.domain)
            .await?
            .filter(|d| d.pool_id == input.pool_id)
            .ok_or_else(no_such_domain)?;
        if let Some(version) = input.managed_login_version {
            domain.managed_login_version = login_version(Some(version))?;
        }
        if let Some(arn) = input.certificate_arn {
            if !domain.is_custom() {
                return Err(DomainError::invalid("CustomDomainConfig can only be updated on a custom domain."));
            }
            check_certificate(&arn)?;
            domain.certificate_arn = Some(arn);
            domain.security_policy = input.security_policy;
        }
        if !self.store.update_domain(&domain).await? {
            return Err(no_such_domain());
        }
        Ok(domain)
    }

    /// Where a pool's hosted (OAuth) endpoints live: the server's public URL, once the pool has a
    /// domain; `None` without one (the endpoints then refuse the pool's clients).
    pub async fn hosted_base_url(&self, pool_id: &str) -> Result<Option<String>> {
        let pool = self.pool(pool_id).await?;
        let has_domain = pool.domain.is_some() || pool.custom_domain.is_some();
        Ok(has_domain.then(|| self.config.public_url.clone()))
    }

    /// DeleteUserPoolDomain: the pool's hosted endpoints stop with it.
    pub async fn delete_user_pool_domain(&self, pool_id: &str, domain: &str) -> Result<()> {
        let mut pool = self.pool(pool_id).await?;
        if pool.domain.as_deref() == Some(domain) {
            pool.domain = None;
        } else if pool.custom_domain.as_deref() == Some(domain) {
            pool.custom_domain = None;
        } else {
            return Err(no_such_domain());
        }
        if !self.store.delete_domain(domain, &pool).await? {
            return Err(no_such_domain());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_follow_the_model_pattern_and_avoid_reserved_words() {
        for good in ["cruddur", "a", "my-app-42", &"a".repeat(63)] {
            assert!(check_prefix(good).is_ok(), "{good}");
        }
        for bad in ["", "-app", "app-", "App", "my_app", "a.b", &"a".repeat(64), "myaws", "amazon-x", "cognito"] {
            assert!(check_prefix(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn custom_domains_are_host_names() {
        assert!(check_custom("auth.example.com").is_ok());
        for bad in ["localhost", "Auth.example.com", "auth..example.com", "-a.example.com", "a b.example.com"] {
            assert!(check_custom(bad).is_err(), "{bad}");
        }
    }
}
