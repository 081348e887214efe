//! Messages in the AWS Encryption SDK's format, as Cognito hands a custom sender trigger its code:
//! message format version 2, algorithm suite `0x0478` (AES-256-GCM, HKDF-SHA512 key derivation,
//! key commitment, no signature), one framed body. Any AWS Encryption SDK decrypts them under
//! every commitment policy, given a keyring that can open the encrypted data key.
//!
//! Only the writer lives here: Cognate makes these messages and never reads one back.

use std::collections::BTreeMap;

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use aws_lc_rs::hkdf::{KeyType, Salt, HKDF_SHA512};

/// `ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY`.
pub const ALGORITHM_ID: u16 = 0x0478;
/// The frame length written in the header (the SDK's default); a code fits in one final frame.
const FRAME_LENGTH: u32 = 4096;
/// Content type "framed".
const FRAMED: u8 = 0x02;
const FINAL_FRAME_AAD: &[u8] = b"AWSKMSEncryptionClient Final Frame";
const END_OF_SEQUENCE: u32 = 0xFFFF_FFFF;

/// A data key encrypted by a key provider, as the header lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedDataKey {
    /// `aws-kms` for AWS KMS.
    pub provider_id: String,
    /// For AWS KMS, the key's ARN.
    pub provider_info: String,
    /// What the provider's Decrypt turns back into the data key.
    pub ciphertext: Vec<u8>,
}

/// Why a message could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EsdkError {
    #[error("a field is longer than the message format allows")]
    TooLong,
    #[error("the cipher failed")]
    Cipher,
}

struct Length(usize);

impl KeyType for Length {
    fn len(&self) -> usize {
        self.0
    }
}

fn hkdf_sha512(data_key: &[u8; 32], salt: &[u8], info: &[&[u8]]) -> Result<[u8; 32], EsdkError> {
    let mut out = [0u8; 32];
    Salt::new(HKDF_SHA512, salt)
        .extract(data_key)
        .expand(info, Length(32))
        .and_then(|okm| okm.fill(&mut out))
        .map_err(|_| EsdkError::Cipher)?;
    Ok(out)
}

/// Appends a 2-byte length and the bytes.
fn put_short_prefixed(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), EsdkError> {
    let len = u16::try_from(bytes.len()).map_err(|_| EsdkError::TooLong)?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

/// The encryption context as the header (and KMS) serialise it: pair count, then each key and
/// value length-prefixed, sorted by key; nothing at all for an empty context.
pub fn serialize_context(context: &BTreeMap<String, String>) -> Result<Vec<u8>, EsdkError> {
    let mut out = Vec::new();
    if context.is_empty() {
        return Ok(out);
    }
    let count = u16::try_from(context.len()).map_err(|_| EsdkError::TooLong)?;
    out.extend_from_slice(&count.to_be_bytes());
    // A BTreeMap of Strings iterates in UTF-8 byte order, the order the format requires.
    for (key, value) in context {
        put_short_prefixed(&mut out, key.as_bytes())?;
        put_short_prefixed(&mut out, value.as_bytes())?;
    }
    Ok(out)
}

fn gcm_seal(key: &[u8; 32], iv: [u8; 12], aad: &[u8], data: &mut Vec<u8>) -> Result<(), EsdkError> {
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).map_err(|_| EsdkError::Cipher)?);
    key.seal_in_place_append_tag(Nonce::assume_unique_for_key(iv), Aad::from(aad), data).map_err(|_| EsdkError::Cipher)
}

/// Encrypts `plaintext` under `data_key` into a complete message whose header carries
/// `context` and `edk`. `message_id` must be fresh random bytes for every message.
pub fn encrypt(
    plaintext: &[u8],
    context: &BTreeMap<String, String>,
    edk: &EncryptedDataKey,
    data_key: &[u8; 32],
    message_id: &[u8; 32],
) -> Result<Vec<u8>, EsdkError> {
    if plaintext.len() > FRAME_LENGTH as usize {
        return Err(EsdkError::TooLong);
    }
    let suite = ALGORITHM_ID.to_be_bytes();
    let encryption_key = hkdf_sha512(data_key, message_id, &[&suite, b"DERIVEKEY"])?;
    let commitment = hkdf_sha512(data_key, message_id, &[b"COMMITKEY"])?;

    let mut message = vec![0x02];
    message.extend_from_slice(&suite);
    message.extend_from_slice(message_id);
    put_short_prefixed(&mut message, &serialize_context(context)?)?;
    message.extend_from_slice(&1u16.to_be_bytes());
    put_short_prefixed(&mut message, edk.provider_id.as_bytes())?;
    put_short_prefixed(&mut message, edk.provider_info.as_bytes())?;
    put_short_prefixed(&mut message, &edk.ciphertext)?;
    message.push(FRAMED);
    message.extend_from_slice(&FRAME_LENGTH.to_be_bytes());
    message.extend_from_slice(&commitment);
    // Header authentication: the tag of nothing, with the header as AAD and an all-zero IV.
    let mut header_tag = Vec::new();
    gcm_seal(&encryption_key, [0; 12], &message, &mut header_tag)?;
    message.extend_from_slice(&header_tag);

    // The body: a single final frame, sequence number 1, whose IV is that number.
    let sequence: u32 = 1;
    let mut iv = [0u8; 12];
    iv[8..].copy_from_slice(&sequence.to_be_bytes());
    let mut aad = message_id.to_vec();
    aad.extend_from_slice(FINAL_FRAME_AAD);
    aad.extend_from_slice(&sequence.to_be_bytes());
    aad.extend_from_slice(&(plaintext.len() as u64).to_be_bytes());
    let mut frame = plaintext.to_vec();
    gcm_seal(&encryption_key, iv, &aad, &mut frame)?;
    let (ciphertext, tag) = frame.split_at(plaintext.len());
    message.extend_from_slice(&END_OF_SEQUENCE.to_be_bytes());
    message.extend_from_slice(&sequence.to_be_bytes());
    message.extend_from_slice(&iv);
    message.extend_from_slice(&(plaintext.len() as u32).to_be_bytes());
    message.extend_from_slice(ciphertext);
    message.extend_from_slice(tag);
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::aead::NONCE_LEN;

    fn open(key: &[u8; 32], iv: &[u8], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).ok()?);
        let mut data = sealed.to_vec();
        let nonce = Nonce::try_assume_unique_for_key(&iv[..NONCE_LEN]).ok()?;
        key.open_in_place(nonce, Aad::from(aad), &mut data).ok().map(|p| p.to_vec())
    }

    /// Reads a message back field by field, as the format reference lays it out (the
    /// interoperability proof is the end-to-end suite, where the SDK for JavaScript decrypts).
    #[test]
    fn a_message_reads_back_as_the_format_lays_it_out() {
        let context = BTreeMap::from([("userpool-id".to_string(), "us-east-1_abc".to_string())]);
        let edk = EncryptedDataKey {
            provider_id: "aws-kms".into(),
            provider_info: "arn:aws:kms:us-east-1:123456789012:key/k".into(),
            ciphertext: vec![9; 40],
        };
        let (data_key, message_id) = ([7u8; 32], [3u8; 32]);
        let message = encrypt(b"123456", &context, &edk, &data_key, &message_id).unwrap();
        assert_eq!(&message[..3], &[0x02, 0x04, 0x78]);
        assert_eq!(&message[3..35], &message_id);
        let context_bytes = serialize_context(&context).unwrap();
        assert_eq!(&message[35..37], &(context_bytes.len() as u16).to_be_bytes());
        assert_eq!(&context_bytes[..4], &[0, 1, 0, 11], "one pair, an 11-byte key");
        let mut at = 37 + context_bytes.len();
        assert_eq!(&message[at..at + 2], &[0, 1], "one encrypted data key");
        at += 2 + 2 + 7 + 2 + edk.provider_info.len() + 2 + 40;
        assert_eq!(message[at], FRAMED);
        assert_eq!(&message[at + 1..at + 5], &4096u32.to_be_bytes());
        let header_end = at + 5 + 32;
        let key = hkdf_sha512(&data_key, &message_id, &[&ALGORITHM_ID.to_be_bytes(), b"DERIVEKEY"]).unwrap();
        let commitment = hkdf_sha512(&data_key, &message_id, &[b"COMMITKEY"]).unwrap();
        assert_eq!(&message[at + 5..header_end], &commitment);
        let tag = &message[header_end..header_end + 16];
        assert_eq!(open(&key, &[0; 12], &message[..header_end], tag), Some(vec![]), "the header authenticates");
        let body = &message[header_end + 16..];
        assert_eq!(&body[..8], &[0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1]);
        let iv = &body[8..20];
        assert_eq!(&body[20..24], &6u32.to_be_bytes());
        let mut aad = message_id.to_vec();
        aad.extend_from_slice(FINAL_FRAME_AAD);
        aad.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 6]);
        assert_eq!(open(&key, iv, &aad, &body[24..]), Some(b"123456".to_vec()));
        assert!(open(&[8; 32], iv, &aad, &body[24..]).is_none(), "another data key opens nothing");
    }

    #[test]
    fn an_empty_context_serialises_to_nothing() {
        assert!(serialize_context(&BTreeMap::new()).unwrap().is_empty());
    }
}
