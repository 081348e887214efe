//! Sealing secrets at rest (SRP verifiers) with AES-256-GCM under a server key, so that a leaked
//! database alone does not give them away.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use rand::RngCore;

fn key(secret: &[u8; 32]) -> Option<LessSafeKey> {
    UnboundKey::new(&AES_256_GCM, secret).ok().map(LessSafeKey::new)
}

/// `nonce | ciphertext | tag` of `plaintext`, bound to `context` (e.g. the user it belongs to).
pub fn seal(secret: &[u8; 32], context: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
    let key = key(secret)?;
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let mut data = plaintext.to_vec();
    key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(context), &mut data).ok()?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&data);
    Some(out)
}

/// The plaintext of a sealed value, or `None` if it was tampered with or sealed elsewhere.
pub fn open(secret: &[u8; 32], context: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE_LEN {
        return None;
    }
    let key = key(secret)?;
    let (nonce, data) = sealed.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut data = data.to_vec();
    let plain = key.open_in_place(nonce, Aad::from(context), &mut data).ok()?;
    Some(plain.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let sealed = seal(&[1; 32], b"pool/sub", b"verifier").unwrap();
        assert_eq!(open(&[1; 32], b"pool/sub", &sealed).unwrap(), b"verifier");
        assert!(open(&[2; 32], b"pool/sub", &sealed).is_none());
        assert!(open(&[1; 32], b"pool/other", &sealed).is_none());
        let mut tampered = sealed.clone();
        tampered[15] ^= 1;
        assert!(open(&[1; 32], b"pool/sub", &tampered).is_none());
    }
}
