//! The part of AWS KMS that custom sender triggers need. Cognito hands a `CustomEmailSender` or
//! `CustomSMSSender` function its code as an AWS Encryption SDK message whose data key is
//! encrypted under the pool's `KMSKeyID`, and the function's keyring asks KMS to `Decrypt` that
//! data key. Cognate plays both parts: it wraps each data key under a key derived from its own
//! secret and the `KMSKeyID`, and answers `Decrypt` (for signed callers only) for the data keys
//! it wrapped, so that sender code written for Cognito runs unchanged with its KMS endpoint
//! pointed at Cognate.

use std::collections::BTreeMap;

use base64::Engine as _;
use cognate_crypto::esdk::{self, EncryptedDataKey};
use cognate_crypto::{mac, random, seal};

use crate::error::{DomainError, Result};
use crate::model::Pool;
use crate::Cognate;

/// The encryption context Cognito binds a sender's code to.
pub const POOL_CONTEXT_KEY: &str = "userpool-id";
/// The key provider of a KMS-wrapped data key.
const KMS_PROVIDER: &str = "aws-kms";
/// What Cognate's wrapped data keys start with.
const BLOB_MAGIC: &[u8] = b"CGK1";

/// A KMS `Decrypt` request, as far as Cognate answers it.
#[derive(Debug, Clone, Default)]
pub struct DecryptRequest {
    pub ciphertext_blob: Vec<u8>,
    pub encryption_context: BTreeMap<String, String>,
    /// The key the caller expects (`KeyId`); when given, it must name the blob's key.
    pub key_id: Option<String>,
}

/// A KMS `Decrypt` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decrypted {
    /// The key's ARN.
    pub key_id: String,
    pub plaintext: Vec<u8>,
}

/// Why `Decrypt` refuses, by KMS's exception names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KmsError {
    /// Not a data key Cognate wrapped, tampered with, or another encryption context.
    #[error("InvalidCiphertextException")]
    InvalidCiphertext,
    /// `KeyId` names another key than the one that wrapped the data key.
    #[error("IncorrectKeyException")]
    IncorrectKey,
}

/// The root of the keys that wrap data keys, derived from the server secret.
pub(crate) fn wrapping_root(code_key: &[u8; 32]) -> [u8; 32] {
    mac::hmac_sha256(code_key, &[b"kms-data-key-wrapping"])
}

/// Whether `key_id` (the key's ARN or its bare key id) names `arn`. Aliases are not resolved:
/// Cognate keeps no alias table, and the keyrings send the ARN they found in the message.
fn names_key(key_id: &str, arn: &str) -> bool {
    key_id == arn || arn.rsplit_once(":key/").is_some_and(|(_, id)| id == key_id)
}

impl Cognate {
    fn wrapping_key(&self, key_arn: &str) -> [u8; 32] {
        mac::hmac_sha256(&self.kms_root, &[key_arn.as_bytes()])
    }

    /// `secret` (a code or a temporary password) as the base64 AWS Encryption SDK message a
    /// sender trigger gets in `request.code`, bound to the pool as Cognito binds it.
    pub(crate) fn encrypt_for_sender(&self, pool: &Pool, secret: &str) -> Result<String> {
        let key_arn = pool.settings.triggers.kms_key_id.as_deref().ok_or_else(|| {
            DomainError::Internal("a custom sender trigger without a KMSKeyID passed the pool's checks".into())
        })?;
        let context = BTreeMap::from([(POOL_CONTEXT_KEY.to_string(), pool.id.clone())]);
        let data_key = random::key_bytes();
        let aad = esdk::serialize_context(&context).map_err(DomainError::internal)?;
        let wrapped = seal::seal(&self.wrapping_key(key_arn), &aad, &data_key)
            .ok_or_else(|| DomainError::Internal("cannot wrap a data key".into()))?;
        let mut blob = BLOB_MAGIC.to_vec();
        blob.extend_from_slice(&(key_arn.len() as u16).to_be_bytes());
        blob.extend_from_slice(key_arn.as_bytes());
        blob.extend_from_slice(&wrapped);
        let edk =
            EncryptedDataKey { provider_id: KMS_PROVIDER.into(), provider_info: key_arn.into(), ciphertext: blob };
        let message = esdk::encrypt(secret.as_bytes(), &context, &edk, &data_key, &random::key_bytes())
            .map_err(DomainError::internal)?;
        Ok(base64::engine::general_purpose::STANDARD.encode(message))
    }

    /// KMS `Decrypt` of a data key Cognate wrapped: the caller must give the same encryption
    /// context, and, if it names a key, the key that wrapped it.
    pub fn kms_decrypt(&self, request: &DecryptRequest) -> std::result::Result<Decrypted, KmsError> {
        let blob = request.ciphertext_blob.strip_prefix(BLOB_MAGIC).ok_or(KmsError::InvalidCiphertext)?;
        let (len, rest) = blob.split_at_checked(2).ok_or(KmsError::InvalidCiphertext)?;
        let len = u16::from_be_bytes([len[0], len[1]]) as usize;
        let (arn, wrapped) = rest.split_at_checked(len).ok_or(KmsError::InvalidCiphertext)?;
        let arn = std::str::from_utf8(arn).map_err(|_| KmsError::InvalidCiphertext)?;
        if request.key_id.as_deref().is_some_and(|key_id| !names_key(key_id, arn)) {
            return Err(KmsError::IncorrectKey);
        }
        let aad = esdk::serialize_context(&request.encryption_context).map_err(|_| KmsError::InvalidCiphertext)?;
        let plaintext = seal::open(&self.wrapping_key(arn), &aad, wrapped).ok_or(KmsError::InvalidCiphertext)?;
        Ok(Decrypted { key_id: arn.to_owned(), plaintext })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_by_arn_or_by_id() {
        let arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd";
        assert!(names_key(arn, arn));
        assert!(names_key("1234abcd", arn));
        assert!(!names_key("arn:aws:kms:us-east-1:123456789012:key/other", arn));
    }
}
