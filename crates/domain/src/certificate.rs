//! GetSigningCertificate: the pool's signing certificate, X.509 over the pool's id-token key,
//! valid for ten years from the key's creation, as Cognito describes its own.

use base64::Engine as _;

use crate::model::KeyPurpose;
use crate::{Cognate, DomainError, Result};

impl Cognate {
    /// The certificate, base64 DER (no PEM armour), as GetSigningCertificate answers it. The same
    /// key gives the same certificate on every call and on every instance.
    pub async fn signing_certificate(&self, pool_id: &str) -> Result<String> {
        self.pool(pool_id).await?;
        let now = self.clock.now();
        let keys = self.store.pool_keys(pool_id).await?;
        let key = keys
            .iter()
            .filter(|k| k.purpose == KeyPurpose::Id && k.created <= now)
            .max_by_key(|k| k.created)
            .ok_or_else(|| DomainError::internal(format!("pool {pool_id} has no id key")))?;
        let der = cognate_crypto::certificate::self_signed(&key.pkcs8, pool_id, key.created, 10, key.kid.as_bytes())
            .map_err(DomainError::internal)?;
        Ok(base64::engine::general_purpose::STANDARD.encode(der))
    }
}
