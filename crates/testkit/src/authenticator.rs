//! A software WebAuthn authenticator for tests and benchmarks: it answers Cognate's creation and
//! request options as a browser with a platform authenticator would (attestation `none`,
//! ES256 or RS256, a rising signature counter), and lets a test forge what an attacker would:
//! another origin, another RP ID, no user verification, a counter going backwards. A test aid:
//! it panics on what cannot fail outside a broken machine (key generation, signing).
#![allow(clippy::expect_used)]

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_ASN1_SIGNING, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The key an authenticator signs with.
enum Key {
    Es256(EcdsaKeyPair),
    Rs256(RsaKeyPair),
}

/// One credential of a software authenticator, with what it will put in its next answers.
pub struct SoftAuthenticator {
    key: Key,
    /// The credential id (random, 32 bytes).
    pub credential_id: Vec<u8>,
    /// The user handle the credential was created for (`user.id` of the creation options).
    pub user_handle: Vec<u8>,
    /// The signature counter of the next assertion (it rises by one after each).
    pub counter: u32,
    /// The origin the browser reports (`http://localhost:3000` unless a test changes it).
    pub origin: String,
    /// The RP ID the authenticator hashes into its data (the options' unless a test changes it).
    pub rp_id: Option<String>,
    /// Whether the authenticator reports that it verified the user (UV).
    pub user_verified: bool,
}

/// A small CBOR writer: just what attestation objects and COSE keys need.
fn cbor_head(out: &mut Vec<u8>, major: u8, value: u64) {
    let major = major << 5;
    match value {
        0..=23 => out.push(major | value as u8),
        24..=0xff => out.extend([major | 24, value as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend((value as u16).to_be_bytes());
        }
        _ => {
            out.push(major | 26);
            out.extend((value as u32).to_be_bytes());
        }
    }
}

fn cbor_int(out: &mut Vec<u8>, value: i64) {
    if value >= 0 {
        cbor_head(out, 0, value as u64);
    } else {
        cbor_head(out, 1, (-1 - value) as u64);
    }
}

fn cbor_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    cbor_head(out, 2, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn cbor_text(out: &mut Vec<u8>, text: &str) {
    cbor_head(out, 3, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn b64(bytes: &[u8]) -> String {
    B64URL.encode(bytes)
}

impl SoftAuthenticator {
    /// A new ES256 credential.
    pub fn es256() -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).expect("P-256 key");
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref()).expect("P-256 key");
        Self::with_key(Key::Es256(key))
    }

    /// A new RS256 credential (2048-bit).
    pub fn rs256() -> Self {
        let key = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("RSA key");
        Self::with_key(Key::Rs256(key))
    }

    fn with_key(key: Key) -> Self {
        Self {
            key,
            credential_id: cognate_crypto::random::key_bytes().to_vec(),
            user_handle: Vec::new(),
            counter: 1,
            origin: "http://localhost:3000".into(),
            rp_id: None,
            user_verified: true,
        }
    }

    /// The credential id as Cognito shows it (base64url).
    pub fn id(&self) -> String {
        b64(&self.credential_id)
    }

    fn cose_key(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match &self.key {
            Key::Es256(key) => {
                let point = key.public_key().as_ref();
                cbor_head(&mut out, 5, 5);
                for (label, value) in [(1, 2), (3, -7), (-1, 1)] {
                    cbor_int(&mut out, label);
                    cbor_int(&mut out, value);
                }
                cbor_int(&mut out, -2);
                cbor_bytes(&mut out, &point[1..33]);
                cbor_int(&mut out, -3);
                cbor_bytes(&mut out, &point[33..65]);
            }
            Key::Rs256(key) => {
                let public = key.public_key();
                cbor_head(&mut out, 5, 4);
                for (label, value) in [(1, 3), (3, -257)] {
                    cbor_int(&mut out, label);
                    cbor_int(&mut out, value);
                }
                cbor_int(&mut out, -1);
                cbor_bytes(&mut out, public.modulus().big_endian_without_leading_zero());
                cbor_int(&mut out, -2);
                cbor_bytes(&mut out, public.exponent().big_endian_without_leading_zero());
            }
        }
        out
    }

    fn authenticator_data(&self, rp_id: &str, attested: bool) -> Vec<u8> {
        let rp_id = self.rp_id.as_deref().unwrap_or(rp_id);
        let mut data = Sha256::digest(rp_id.as_bytes()).to_vec();
        let flags = 0x01 | if self.user_verified { 0x04 } else { 0 } | if attested { 0x40 } else { 0 };
        data.push(flags);
        data.extend(self.counter.to_be_bytes());
        if attested {
            data.extend([0u8; 16]);
            data.extend((self.credential_id.len() as u16).to_be_bytes());
            data.extend(&self.credential_id);
            data.extend(self.cose_key());
        }
        data
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        json!({ "type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false })
            .to_string()
            .into_bytes()
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match &self.key {
            Key::Es256(key) => key.sign(&rng, message).expect("ES256 signature").as_ref().to_vec(),
            Key::Rs256(key) => {
                let mut signature = vec![0; key.public_modulus_len()];
                key.sign(&RSA_PKCS1_SHA256, &rng, message, &mut signature).expect("RS256 signature");
                signature
            }
        }
    }

    /// The RegistrationResponseJSON a browser sends for StartWebAuthnRegistration's `options`.
    pub fn register(&mut self, options: &Value) -> Value {
        self.user_handle = B64URL.decode(options["user"]["id"].as_str().unwrap_or_default()).unwrap_or_default();
        let rp_id = options["rp"]["id"].as_str().unwrap_or_default().to_owned();
        let challenge = options["challenge"].as_str().unwrap_or_default();
        let client_data = self.client_data("webauthn.create", challenge);
        let auth_data = self.authenticator_data(&rp_id, true);
        let mut attestation = Vec::new();
        cbor_head(&mut attestation, 5, 3);
        cbor_text(&mut attestation, "fmt");
        cbor_text(&mut attestation, "none");
        cbor_text(&mut attestation, "attStmt");
        cbor_head(&mut attestation, 5, 0);
        cbor_text(&mut attestation, "authData");
        cbor_bytes(&mut attestation, &auth_data);
        self.counter += 1;
        json!({
            "id": self.id(),
            "rawId": self.id(),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64(&client_data),
                "attestationObject": b64(&attestation),
                "transports": ["internal"],
            },
        })
    }

    /// The AuthenticationResponseJSON for CREDENTIAL_REQUEST_OPTIONS (the challenge parameter,
    /// parsed); the counter rises for the next one.
    pub fn assert(&mut self, options: &Value) -> Value {
        let rp_id = options["rpId"].as_str().unwrap_or_default().to_owned();
        let challenge = options["challenge"].as_str().unwrap_or_default();
        let client_data = self.client_data("webauthn.get", challenge);
        let auth_data = self.authenticator_data(&rp_id, false);
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signature = self.sign(&signed);
        self.counter += 1;
        json!({
            "id": self.id(),
            "rawId": self.id(),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64(&client_data),
                "authenticatorData": b64(&auth_data),
                "signature": b64(&signature),
                "userHandle": b64(&self.user_handle),
            },
        })
    }
}
