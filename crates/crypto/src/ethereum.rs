//! Ethereum accounts for Sign-In with Ethereum: addresses (EIP-55 checksums), the EIP-191
//! `personal_sign` digest, and recovering the signing address from a 65-byte signature.

use std::fmt;

use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use sha3::{Digest, Keccak256};

/// Keccak-256, Ethereum's hash (not SHA3-256: the padding differs).
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// A 20-byte account address.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Address([u8; 20]);

/// Why text is not an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("an address is 0x and 40 hexadecimal digits")]
    Malformed,
    /// Mixed case that is not the EIP-55 checksum: a mistyped address.
    #[error("the address's mixed case is not its EIP-55 checksum")]
    BadChecksum,
}

impl Address {
    /// Parses `0x` and 40 hex digits. All-lowercase and all-uppercase digits carry no checksum;
    /// mixed case must be the EIP-55 checksum.
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        let digits = text.strip_prefix("0x").ok_or(AddressError::Malformed)?;
        if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AddressError::Malformed);
        }
        let mut bytes = [0u8; 20];
        hex::decode_to_slice(digits, &mut bytes).map_err(|_| AddressError::Malformed)?;
        let address = Self(bytes);
        let lower = digits.bytes().any(|b| b.is_ascii_lowercase());
        let upper = digits.bytes().any(|b| b.is_ascii_uppercase());
        if lower && upper && address.checksummed() != text {
            return Err(AddressError::BadChecksum);
        }
        Ok(address)
    }

    /// The address of a secp256k1 public key: the last 20 bytes of the Keccak-256 of its
    /// uncompressed point without the 0x04 prefix.
    fn of_key(key: &VerifyingKey) -> Self {
        let point = key.to_sec1_point(false);
        let hash = keccak256(&point.as_bytes()[1..]);
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(&hash[12..]);
        Self(bytes)
    }

    /// `0x` and lowercase hex: the canonical form to store and compare.
    pub fn lowercase(&self) -> String {
        format!("0x{}", hex::encode(self.0))
    }

    /// The EIP-55 form: each letter uppercase where the matching nibble of the Keccak-256 of the
    /// lowercase hex is 8 or more.
    pub fn checksummed(&self) -> String {
        let digits = hex::encode(self.0);
        let hash = keccak256(digits.as_bytes());
        let mut out = String::with_capacity(42);
        out.push_str("0x");
        for (i, c) in digits.chars().enumerate() {
            let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0x0f;
            out.push(if c.is_ascii_alphabetic() && nibble >= 8 { c.to_ascii_uppercase() } else { c });
        }
        out
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.checksummed())
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.checksummed())
    }
}

/// The EIP-191 (version 0x45) digest `personal_sign` signs:
/// Keccak-256 of "\x19Ethereum Signed Message:\n" + the message's length in bytes + the message.
pub fn personal_message_digest(message: &str) -> [u8; 32] {
    let mut hasher = Keccak256::new();
    hasher.update(b"\x19Ethereum Signed Message:\n");
    hasher.update(message.len().to_string().as_bytes());
    hasher.update(message.as_bytes());
    hasher.finalize().into()
}

/// Why a signature names no signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("a signature is 0x and 130 hexadecimal digits (r, s and v)")]
    Malformed,
    /// `s` in the curve order's upper half: a valid but malleated twin of a low-s signature,
    /// which wallets never produce.
    #[error("the signature is not in canonical (low-s) form")]
    NotCanonical,
    #[error("no public key matches the signature")]
    Unrecoverable,
}

/// Recovers the address that signed `message` with `personal_sign`, from the 65-byte
/// signature r ‖ s ‖ v as wallets give it (hex with `0x`; v 27/28, or 0/1).
pub fn recover_personal_signer(message: &str, signature: &str) -> Result<Address, SignatureError> {
    let digits = signature.strip_prefix("0x").ok_or(SignatureError::Malformed)?;
    let mut bytes = [0u8; 65];
    if digits.len() != 130 {
        return Err(SignatureError::Malformed);
    }
    hex::decode_to_slice(digits, &mut bytes).map_err(|_| SignatureError::Malformed)?;
    let v = match bytes[64] {
        27 | 28 => bytes[64] - 27,
        0 | 1 => bytes[64],
        _ => return Err(SignatureError::Malformed),
    };
    let signature = Signature::from_slice(&bytes[..64]).map_err(|_| SignatureError::Malformed)?;
    if signature.normalize_s() != signature {
        return Err(SignatureError::NotCanonical);
    }
    let recovery = RecoveryId::from_byte(v).ok_or(SignatureError::Malformed)?;
    let key = VerifyingKey::recover_from_prehash(&personal_message_digest(message), &signature, recovery)
        .map_err(|_| SignatureError::Unrecoverable)?;
    Ok(Address::of_key(&key))
}

/// A wallet's secp256k1 key. Cognate holds none; its tests and benchmarks sign with this as a
/// wallet would.
pub struct WalletKey(SigningKey);

impl WalletKey {
    /// The key with secret scalar `bytes`; `None` for zero or a value not below the curve order.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        SigningKey::from_slice(bytes).ok().map(Self)
    }

    /// A new random key.
    pub fn generate() -> Self {
        loop {
            if let Some(key) = Self::from_bytes(&crate::random::key_bytes()) {
                return key;
            }
        }
    }

    pub fn address(&self) -> Address {
        Address::of_key(self.0.verifying_key())
    }

    /// `personal_sign`: the signature (hex, v 27/28) of `message`.
    pub fn personal_sign(&self, message: &str) -> String {
        let (signature, recovery) = self.0.sign_prehash_recoverable(&personal_message_digest(message));
        let mut bytes = signature.to_bytes().to_vec();
        bytes.push(27 + recovery.to_byte());
        format!("0x{}", hex::encode(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k256::elliptic_curve::PrimeField;

    #[test]
    fn keccak_is_ethereums_hash() {
        assert_eq!(hex::encode(keccak256(b"")), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    }

    #[test]
    fn checksums_follow_eip_55s_examples() {
        for text in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            let address = Address::parse(text).expect("a valid address");
            assert_eq!(address.checksummed(), text);
            assert_eq!(Address::parse(&text.to_lowercase()), Ok(address));
        }
        assert_eq!(Address::parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"), Err(AddressError::BadChecksum));
        assert_eq!(Address::parse("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), Err(AddressError::Malformed));
        assert_eq!(Address::parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA"), Err(AddressError::Malformed));
        assert_eq!(Address::parse("0xg5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA"), Err(AddressError::Malformed));
    }

    // web3.js's documented example of `accounts.sign('Some data', key)`.
    const KEY: &str = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    const SIGNATURE: &str = "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c";

    fn key() -> WalletKey {
        let bytes: [u8; 32] = hex::decode(KEY).expect("hex").try_into().expect("32 bytes");
        WalletKey::from_bytes(&bytes).expect("a key")
    }

    #[test]
    fn a_known_personal_signature_recovers_its_signer() {
        assert_eq!(
            hex::encode(personal_message_digest("Some data")),
            "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655"
        );
        let signer = recover_personal_signer("Some data", SIGNATURE).expect("recovers");
        assert_eq!(signer.checksummed(), "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
        assert_eq!(signer, key().address());
        assert_eq!(key().personal_sign("Some data"), SIGNATURE);
    }

    #[test]
    fn another_message_recovers_another_address_and_junk_is_refused() {
        let signer = key().address();
        assert_ne!(recover_personal_signer("Some datA", SIGNATURE).ok(), Some(signer));
        assert_eq!(recover_personal_signer("Some data", &SIGNATURE[2..]), Err(SignatureError::Malformed));
        assert_eq!(recover_personal_signer("Some data", &SIGNATURE[..130]), Err(SignatureError::Malformed));
        let bad_v = format!("{}1f", &SIGNATURE[..130]);
        assert_eq!(recover_personal_signer("Some data", &bad_v), Err(SignatureError::Malformed));
        let zero = format!("0x{}", "0".repeat(130));
        assert_eq!(recover_personal_signer("Some data", &zero), Err(SignatureError::Malformed));
        // v given as 0/1 instead of 27/28 is the same signature.
        let raw_v = format!("{}01", &SIGNATURE[..130]);
        assert_eq!(recover_personal_signer("Some data", &raw_v), Ok(signer));
    }

    #[test]
    fn the_malleated_twin_of_a_signature_is_refused() {
        let bytes = hex::decode(&SIGNATURE[2..]).expect("hex");
        let signature = Signature::from_slice(&bytes[..64]).expect("a signature");
        let (r, s) = signature.split_scalars();
        let twin = Signature::from_scalars(r.to_repr(), (-*s).to_repr()).expect("a signature");
        let flipped_v = 27 + (1 - (bytes[64] - 27));
        let text = format!("0x{}{:02x}", hex::encode(twin.to_bytes()), flipped_v);
        assert_eq!(recover_personal_signer("Some data", &text), Err(SignatureError::NotCanonical));
    }
}
