//! First start: the data directory's generated secrets, and the pools, domains, identity
//! providers and app clients the configuration declares (created once, left alone afterwards).

use std::path::Path;

use cognate_crypto::random;
use cognate_domain::federation::IdentityProviderInput;
use cognate_domain::oauth::DomainInput;
use cognate_domain::{Cognate, DomainError, NewClientSecret};
use cognate_http::convert::{client_input, mfa_config_in, new_pool};
use cognate_proto::mfa::SetUserPoolMfaConfigRequest;

use crate::config::{AccessKeyConfig, PoolConfig};

/// Reads a secret file, or creates it with `make()` (mode 0600) on first start.
fn read_or_create(path: &Path, make: impl FnOnce() -> String) -> Result<String, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.trim().to_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let value = make();
            write_private(path, &value).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(value)
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, value: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(value.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, value: &str) -> std::io::Result<()> {
    std::fs::write(path, value)
}

/// The server's code-digest key, generated on first start.
pub fn code_key(data_dir: &Path) -> Result<[u8; 32], String> {
    let text = read_or_create(&data_dir.join("server.key"), || hex::encode(random::key_bytes()))?;
    let bytes = hex::decode(&text).map_err(|_| "server.key is corrupt (expected 64 hex digits)")?;
    bytes.try_into().map_err(|_| "server.key is corrupt (expected 64 hex digits)".to_string())
}

/// With no configured access key, a generated one kept in the data directory (returned so that
/// its secret can be printed for the operator); `None` when keys are configured.
pub fn admin_key(data_dir: &Path, configured: &[AccessKeyConfig]) -> Result<Option<AccessKeyConfig>, String> {
    if !configured.is_empty() {
        return Ok(None);
    }
    let text = read_or_create(&data_dir.join("admin-credentials"), || {
        format!("{} {}", random::access_key_id(), random::opaque_token())
    })?;
    let (id, secret) = text.split_once(' ').ok_or("admin-credentials is corrupt (expected '<id> <secret>')")?;
    Ok(Some(AccessKeyConfig { id: id.to_owned(), secret: secret.to_owned() }))
}

/// Creates the configured pools and clients that do not exist yet.
pub async fn ensure_pools(cognate: &Cognate, pools: &[PoolConfig]) -> Result<(), String> {
    for pool in pools {
        let what = |e: DomainError| format!("pool {}: {e}", pool.id);
        match cognate.describe_user_pool(&pool.id).await {
            Ok(_) => {}
            Err(DomainError::ResourceNotFound(_)) => {
                let new = new_pool(pool.request.clone(), Some(pool.id.clone())).map_err(what)?;
                match cognate.create_user_pool(new).await {
                    Ok(_) => {
                        tracing::info!(pool_id = %pool.id, "created pool from configuration");
                        if let Some(mfa) = &pool.mfa {
                            let request = SetUserPoolMfaConfigRequest {
                                user_pool_id: pool.id.clone(),
                                mfa_configuration: mfa.mfa_configuration.clone(),
                                software_token_mfa_configuration: mfa.software_token_mfa_configuration.clone(),
                                sms_mfa_configuration: mfa.sms_mfa_configuration.clone(),
                                email_mfa_configuration: mfa.email_mfa_configuration.clone(),
                                web_authn_configuration: mfa.web_authn_configuration.clone(),
                            };
                            cognate.set_user_pool_mfa_config(&pool.id, mfa_config_in(request)).await.map_err(what)?;
                        }
                    }
                    // Another instance on the same database created it first.
                    Err(e) if cognate.describe_user_pool(&pool.id).await.is_ok() => {
                        tracing::debug!(error = %e, "pool created meanwhile by another instance");
                    }
                    Err(e) => return Err(what(e)),
                }
            }
            Err(e) => return Err(what(e)),
        }
        if let Some(domain) = &pool.domain {
            let has_one = cognate.describe_user_pool(&pool.id).await.map_err(what)?.0.domain.is_some();
            if !has_one {
                let input = DomainInput { domain: domain.clone(), pool_id: pool.id.clone(), ..DomainInput::default() };
                match cognate.create_user_pool_domain(input).await {
                    Ok(_) => tracing::info!(pool_id = %pool.id, %domain, "created domain from configuration"),
                    Err(e) if cognate.describe_user_pool(&pool.id).await.is_ok_and(|(p, _)| p.domain.is_some()) => {
                        tracing::debug!(error = %e, "domain created meanwhile by another instance");
                    }
                    Err(e) => return Err(what(e)),
                }
            }
        }
        for provider in &pool.identity_providers {
            let what =
                |e: DomainError| format!("identity provider {} of pool {}: {e}", provider.provider_name, pool.id);
            match cognate.describe_identity_provider(&pool.id, &provider.provider_name).await {
                Ok(_) => {}
                Err(DomainError::ResourceNotFound(_)) => {
                    let input = IdentityProviderInput {
                        pool_id: pool.id.clone(),
                        name: provider.provider_name.clone(),
                        provider_type: Some(provider.provider_type.clone()),
                        details: Some(provider.provider_details.clone()),
                        attribute_mapping: provider.attribute_mapping.clone(),
                        idp_identifiers: provider.idp_identifiers.clone(),
                    };
                    match cognate.create_identity_provider(input).await {
                        Ok(_) => {
                            tracing::info!(provider = %provider.provider_name, "created identity provider from configuration")
                        }
                        Err(DomainError::DuplicateProvider(_)) => {
                            tracing::debug!("identity provider created meanwhile by another instance");
                        }
                        Err(e) => return Err(what(e)),
                    }
                }
                Err(e) => return Err(what(e)),
            }
        }
        for client in &pool.clients {
            let what = |e: DomainError| format!("client {} of pool {}: {e}", client.id, pool.id);
            match cognate.describe_user_pool_client(&pool.id, &client.id).await {
                Ok(_) => {}
                Err(DomainError::ResourceNotFound(_)) => {
                    let input = client_input(client.settings.clone());
                    let secret = match &client.secret {
                        Some(fixed) => NewClientSecret::Fixed(fixed.clone()),
                        None => client.generate_secret.into(),
                    };
                    let created =
                        cognate.create_user_pool_client(&pool.id, input, secret, Some(client.id.clone())).await;
                    match created {
                        Ok(_) => tracing::info!(client_id = %client.id, "created app client from configuration"),
                        Err(e) if cognate.describe_user_pool_client(&pool.id, &client.id).await.is_ok() => {
                            tracing::debug!(error = %e, "app client created meanwhile by another instance");
                        }
                        Err(e) => return Err(what(e)),
                    }
                }
                Err(e) => return Err(what(e)),
            }
        }
    }
    Ok(())
}
