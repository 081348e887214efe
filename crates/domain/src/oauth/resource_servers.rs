//! Resource servers: CreateResourceServer, DescribeResourceServer, ListResourceServers,
//! UpdateResourceServer (which replaces the whole server), DeleteResourceServer.

use crate::error::{DomainError, Result};
use crate::model::{ResourceScope, ResourceServer};
use crate::{Cognate, StoreError};

/// Cognito's quota of resource servers per pool.
pub const MAX_RESOURCE_SERVERS: usize = 25;
/// Cognito's quota of scopes per resource server.
pub const MAX_SCOPES: usize = 100;

/// What CreateResourceServer and UpdateResourceServer ask for.
#[derive(Debug, Clone, Default)]
pub struct ResourceServerInput {
    pub pool_id: String,
    pub identifier: String,
    pub name: String,
    /// (name, description) pairs.
    pub scopes: Vec<(String, String)>,
}

fn violation(value: &str, member: &str, constraint: &str) -> DomainError {
    DomainError::invalid(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
    ))
}

fn check_length(value: &str, member: &str) -> Result<()> {
    match value.chars().count() {
        0 => Err(violation(value, member, "Member must have length greater than or equal to 1")),
        n if n > 256 => Err(violation(value, member, "Member must have length less than or equal to 256")),
        _ => Ok(()),
    }
}

/// Printable ASCII without space, `"` and `\` (the identifier's pattern); scope names also
/// exclude `/`, which separates them from the identifier in `<identifier>/<scope>`.
fn scope_token_ok(value: &str, allow_slash: bool) -> bool {
    value.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\' && (allow_slash || b != b'/'))
}

fn validate(input: ResourceServerInput) -> Result<ResourceServer> {
    check_length(&input.identifier, "identifier")?;
    if !scope_token_ok(&input.identifier, true) {
        return Err(violation(
            &input.identifier,
            "identifier",
            "Member must satisfy regular expression pattern: [\\x21\\x23-\\x5B\\x5D-\\x7E]+",
        ));
    }
    check_length(&input.name, "name")?;
    let name_ok = |c: char| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c);
    if !input.name.chars().all(name_ok) {
        return Err(violation(&input.name, "name", "Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+"));
    }
    if input.scopes.len() > MAX_SCOPES {
        return Err(violation("[...]", "scopes", "Member must have length less than or equal to 100"));
    }
    let mut scopes: Vec<ResourceScope> = Vec::with_capacity(input.scopes.len());
    for (i, (name, description)) in input.scopes.into_iter().enumerate() {
        let member = format!("scopes.{}.member", i + 1);
        check_length(&name, &format!("{member}.scopeName"))?;
        if !scope_token_ok(&name, false) {
            return Err(violation(
                &name,
                &format!("{member}.scopeName"),
                "Member must satisfy regular expression pattern: [\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+",
            ));
        }
        check_length(&description, &format!("{member}.scopeDescription"))?;
        if scopes.iter().any(|s| s.name == name) {
            return Err(DomainError::invalid(format!("Duplicate scope name: {name}")));
        }
        scopes.push(ResourceScope { name, description });
    }
    Ok(ResourceServer { pool_id: input.pool_id, identifier: input.identifier, name: input.name, scopes })
}

fn not_found(identifier: &str, pool_id: &str) -> DomainError {
    DomainError::ResourceNotFound(format!("Resource server {identifier} does not exist in user pool {pool_id}."))
}

impl Cognate {
    /// CreateResourceServer.
    pub async fn create_resource_server(&self, input: ResourceServerInput) -> Result<ResourceServer> {
        self.pool(&input.pool_id).await?;
        let server = validate(input)?;
        let existing = self.store.list_resource_servers(&server.pool_id, None, MAX_RESOURCE_SERVERS as u32).await?;
        if existing.len() >= MAX_RESOURCE_SERVERS && !existing.iter().any(|s| s.identifier == server.identifier) {
            return Err(DomainError::LimitExceeded(format!(
                "A user pool can have at most {MAX_RESOURCE_SERVERS} resource servers."
            )));
        }
        self.store.insert_resource_server(&server).await.map_err(|e| match e {
            StoreError::Conflict(_) => {
                DomainError::invalid(format!("{} already exists in user pool {}.", server.identifier, server.pool_id))
            }
            other => other.into(),
        })?;
        Ok(server)
    }

    /// DescribeResourceServer.
    pub async fn describe_resource_server(&self, pool_id: &str, identifier: &str) -> Result<ResourceServer> {
        self.pool(pool_id).await?;
        self.store.get_resource_server(pool_id, identifier).await?.ok_or_else(|| not_found(identifier, pool_id))
    }

    /// ListResourceServers: by identifier; the token is the last identifier of the previous page.
    pub async fn list_resource_servers(
        &self,
        pool_id: &str,
        max_results: Option<i64>,
        next: Option<&str>,
    ) -> Result<(Vec<ResourceServer>, Option<String>)> {
        self.pool(pool_id).await?;
        let limit = max_results.unwrap_or(50);
        if !(1..=50).contains(&limit) {
            return Err(violation(&limit.to_string(), "maxResults", "Member must have value between 1 and 50"));
        }
        let servers = self.store.list_resource_servers(pool_id, next, limit as u32 + 1).await?;
        Ok(crate::listing::page(servers, limit as usize, |s| s.identifier.clone()))
    }

    /// UpdateResourceServer: the name and scopes are replaced; scopes left out are gone.
    pub async fn update_resource_server(&self, input: ResourceServerInput) -> Result<ResourceServer> {
        self.pool(&input.pool_id).await?;
        let server = validate(input)?;
        if !self.store.update_resource_server(&server).await? {
            return Err(not_found(&server.identifier, &server.pool_id));
        }
        Ok(server)
    }

    /// DeleteResourceServer. Clients that named its scopes keep the names, but no token is
    /// granted a scope that no longer exists.
    pub async fn delete_resource_server(&self, pool_id: &str, identifier: &str) -> Result<()> {
        self.pool(pool_id).await?;
        if !self.store.delete_resource_server(pool_id, identifier).await? {
            return Err(not_found(identifier, pool_id));
        }
        Ok(())
    }
}
