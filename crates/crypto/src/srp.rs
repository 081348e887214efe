//! SRP-6a as Cognito does it (the `USER_SRP_AUTH` / `PASSWORD_VERIFIER` flow), both halves.
//!
//! Group: RFC 5054's 3072-bit prime with g = 2; H = SHA-256. Cognito's encodings, byte for byte as
//! amazon-cognito-identity-js computes them: numbers are hashed in "padded hex" form (minimal
//! big-endian bytes, with a 0x00 prepended when the top bit is set); k = H(PAD(N) | PAD(g));
//! x = H(PAD(salt) | H(poolName | userId | ":" | password)); u = H(PAD(A) | PAD(B)); the session
//! key is HKDF-SHA256(ikm = PAD(S), salt = PAD(u), info = "Caldera Derived Key"), 16 bytes; the
//! client proves it with HMAC-SHA256(key, poolName | userId | secretBlock | timestamp).
//!
//! Exponentiations with secret exponents (b on the server) run in constant time in Montgomery
//! form (crypto-bigint); the exponent's bit length, fixed at 256, is all the timing shows.

use std::sync::LazyLock;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U256, U3072};
use sha2::{Digest, Sha256};

use crate::mac::hmac_sha256;

const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// Why an SRP step failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SrpError {
    #[error("SRP_A is not a valid public value")]
    BadA,
    #[error("SRP_B is not a valid public value")]
    BadB,
    #[error("a value is malformed")]
    Malformed,
}

struct Group {
    params: FixedMontyParams<{ U3072::LIMBS }>,
    g: FixedMontyForm<{ U3072::LIMBS }>,
    k: FixedMontyForm<{ U3072::LIMBS }>,
}

static GROUP: LazyLock<Group> = LazyLock::new(|| {
    let n = U3072::from_be_hex(N_HEX);
    let params = FixedMontyParams::new_vartime(Odd::new(n).expect("N is odd"));
    let g = FixedMontyForm::new(&U3072::from_u8(2), &params);
    let k_hash: [u8; 32] = Sha256::new().chain_update(pad(&be(&n))).chain_update(pad(&[2])).finalize().into();
    let k = FixedMontyForm::new(&from_hash(&k_hash), &params);
    Group { params, g, k }
});

/// Minimal big-endian bytes of a number.
fn be(n: &U3072) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let bytes: &[u8] = bytes.as_ref();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes[first..].to_vec()
}

/// Cognito's "padded hex" as bytes: minimal big-endian, with 0x00 in front if the top bit is set.
fn pad(minimal: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = {
        let first = minimal.iter().position(|&b| b != 0).unwrap_or(minimal.len());
        &minimal[first..]
    };
    let mut out = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| *b >= 0x80) {
        out.push(0);
    }
    out.extend_from_slice(trimmed);
    out
}

fn from_hash(hash: &[u8; 32]) -> U3072 {
    let mut bytes = [0u8; 384];
    bytes[352..].copy_from_slice(hash);
    U3072::from_be_slice(&bytes)
}

/// Parses a big-endian number of at most 384 bytes.
fn parse(bytes: &[u8]) -> Result<U3072, SrpError> {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let bytes = &bytes[first..];
    if bytes.len() > 384 {
        return Err(SrpError::Malformed);
    }
    let mut padded = [0u8; 384];
    padded[384 - bytes.len()..].copy_from_slice(bytes);
    Ok(U3072::from_be_slice(&padded))
}

fn monty(n: &U3072) -> FixedMontyForm<{ U3072::LIMBS }> {
    FixedMontyForm::new(n, &GROUP.params)
}

/// x = H(PAD(salt) | H(poolName | userId | ":" | password)).
fn private_x(pool_name: &str, user_id: &str, password: &str, salt: &[u8]) -> U256 {
    let inner: [u8; 32] = Sha256::new()
        .chain_update(pool_name)
        .chain_update(user_id)
        .chain_update(":")
        .chain_update(password)
        .finalize()
        .into();
    let x: [u8; 32] = Sha256::new().chain_update(pad(salt)).chain_update(inner).finalize().into();
    U256::from_be_slice(&x)
}

fn scramble(a: &[u8], b: &[u8]) -> [u8; 32] {
    Sha256::new().chain_update(pad(a)).chain_update(pad(b)).finalize().into()
}

/// HKDF-SHA256 with Cognito's info string, first 16 bytes.
fn session_key(s: &U3072, u: &[u8; 32]) -> [u8; 16] {
    let prk = hmac_sha256(&pad(u), &[&pad(&be(s))]);
    let okm = hmac_sha256(&prk, &[b"Caldera Derived Key", &[1]]);
    let mut key = [0u8; 16];
    key.copy_from_slice(&okm[..16]);
    key
}

/// The verifier `v = g^x mod N` for a password (big-endian bytes), stored at password time.
pub fn verifier(pool_name: &str, user_id: &str, password: &str, salt: &[u8]) -> Vec<u8> {
    let x = private_x(pool_name, user_id, password, salt);
    be(&GROUP.g.pow_bounded_exp(&x, 256).retrieve())
}

/// Whether a verifier a client made (a remembered device's) can be used: a number below N,
/// and not 0 or 1, whose powers would make the session key predictable.
pub fn usable_verifier(v: &[u8]) -> bool {
    match parse(v) {
        Ok(n) => n < *GROUP.params.modulus().as_ref() && n > U3072::ONE,
        Err(_) => false,
    }
}

/// The server's half of one sign-in: its secret exponent and public value B.
pub struct ServerSession {
    b: U256,
    /// `SRP_B`, big-endian.
    pub public_b: Vec<u8>,
}

impl ServerSession {
    /// Starts a sign-in for a user with verifier `v`, using 32 fresh random bytes as `b`.
    pub fn start(v: &[u8], random_b: [u8; 32]) -> Result<Self, SrpError> {
        let b = U256::from_be_slice(&random_b);
        let public = GROUP.k * monty(&parse(v)?) + GROUP.g.pow_bounded_exp(&b, 256);
        let public = public.retrieve();
        if public == U3072::ZERO {
            return Err(SrpError::BadB);
        }
        Ok(Self { b, public_b: be(&public) })
    }

    /// Restores a session from its stored secret exponent and public value.
    pub fn resume(b: [u8; 32], public_b: Vec<u8>) -> Self {
        Self { b: U256::from_be_slice(&b), public_b }
    }

    /// The secret exponent, for storing between the two steps.
    pub fn secret(&self) -> [u8; 32] {
        let bytes = self.b.to_be_bytes();
        let mut out = [0u8; 32];
        out.copy_from_slice(bytes.as_ref());
        out
    }

    /// The 16-byte session key, given the client's A; refuses A ≡ 0 (mod N).
    pub fn key(&self, public_a: &[u8], v: &[u8]) -> Result<[u8; 16], SrpError> {
        let a = parse(public_a)?;
        let a = monty(&a);
        if a.retrieve() == U3072::ZERO {
            return Err(SrpError::BadA);
        }
        let u_hash = scramble(&be(&a.retrieve()), &self.public_b);
        let u = U256::from_be_slice(&u_hash);
        if u == U256::ZERO {
            return Err(SrpError::BadA);
        }
        // S = (A · v^u)^b; u is public, b is secret (constant-time exponentiation).
        let base = a * monty(&parse(v)?).pow_bounded_exp(&u, 256);
        let s = base.pow_bounded_exp(&self.b, 256).retrieve();
        Ok(session_key(&s, &u_hash))
    }
}

/// PASSWORD_CLAIM_SIGNATURE: HMAC-SHA256(key, poolName | userId | secretBlock | timestamp).
pub fn claim_signature(
    key: &[u8; 16],
    pool_name: &str,
    user_id: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    hmac_sha256(key, &[pool_name.as_bytes(), user_id.as_bytes(), secret_block, timestamp.as_bytes()])
}

/// The client's half (what Amplify and amazon-cognito-identity-js do), for tests and load drivers.
pub struct ClientSession {
    a: U3072,
    /// `SRP_A`, big-endian.
    pub public_a: Vec<u8>,
}

impl ClientSession {
    /// Starts with 128 random bytes as `a`.
    pub fn start(random_a: [u8; 128]) -> Self {
        let mut bytes = [0u8; 384];
        bytes[256..].copy_from_slice(&random_a);
        let a = U3072::from_be_slice(&bytes);
        let public = GROUP.g.pow_bounded_exp(&a, 1024).retrieve();
        Self { a, public_a: be(&public) }
    }

    /// The session key from the server's B and salt and the user's password.
    pub fn key(
        &self,
        public_b: &[u8],
        salt: &[u8],
        pool_name: &str,
        user_id: &str,
        password: &str,
    ) -> Result<[u8; 16], SrpError> {
        let b = monty(&parse(public_b)?);
        if b.retrieve() == U3072::ZERO {
            return Err(SrpError::BadB);
        }
        let u_hash = scramble(&self.public_a, &be(&b.retrieve()));
        let u = U256::from_be_slice(&u_hash);
        let x = private_x(pool_name, user_id, password, salt);
        // S = (B - k·g^x)^(a + u·x); the exponent is computed as an integer (a < 2^1024).
        let base = b - GROUP.k * GROUP.g.pow_bounded_exp(&x, 256);
        let (low, high) = u.widening_mul(&x);
        let mut ux_wide = [0u8; 384];
        ux_wide[320..352].copy_from_slice(high.to_be_bytes().as_ref());
        ux_wide[352..].copy_from_slice(low.to_be_bytes().as_ref());
        let exponent = self.a.wrapping_add(&U3072::from_be_slice(&ux_wide));
        let s = base.pow_bounded_exp(&exponent, 1025).retrieve();
        Ok(session_key(&s, &u_hash))
    }
}

/// Formats a Unix time as Cognito's clients write TIMESTAMP: `Tue Sep 5 00:09:40 UTC 2023`.
pub fn timestamp(unix: i64) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(unix) else { return String::new() };
    let weekday = &t.weekday().to_string()[..3];
    let month = &t.month().to_string()[..3];
    format!("{weekday} {month} {} {:02}:{:02}:{:02} UTC {}", t.day(), t.hour(), t.minute(), t.second(), t.year())
}

/// Parses a TIMESTAMP as Cognito's clients write it (the day with or without padding).
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, month, day, clock, "UTC", year] = parts.as_slice() else { return None };
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = months.iter().position(|m| m == month)? as u8 + 1;
    let mut hms = clock.split(':').map(|p| p.parse::<u8>().ok());
    let (Some(Some(h)), Some(Some(m)), Some(Some(s)), None) = (hms.next(), hms.next(), hms.next(), hms.next()) else {
        return None;
    };
    let date =
        time::Date::from_calendar_date(year.parse().ok()?, time::Month::try_from(month).ok()?, day.parse().ok()?)
            .ok()?;
    Some(date.with_hms(h, m, s).ok()?.assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_and_server_agree_and_a_wrong_password_does_not() {
        let salt = [0x9au8; 16];
        let v = verifier("abcdefghi", "alice", "Correct-Horse-1", &salt);
        let server = ServerSession::start(&v, [7u8; 32]).unwrap();
        let client = ClientSession::start([3u8; 128]);
        let client_key = client.key(&server.public_b, &salt, "abcdefghi", "alice", "Correct-Horse-1").unwrap();
        let server_key = server.key(&client.public_a, &v).unwrap();
        assert_eq!(client_key, server_key);
        let wrong = client.key(&server.public_b, &salt, "abcdefghi", "alice", "Wrong-Horse-1").unwrap();
        assert_ne!(wrong, server_key);
        let resumed = ServerSession::resume(server.secret(), server.public_b.clone());
        assert_eq!(resumed.key(&client.public_a, &v).unwrap(), server_key);
    }

    /// A, B, the session key and v, computed with pycognito's SRP (the Python client used against
    /// Amazon Cognito) for a = 0x0303..03 (128 bytes), b = 0x0707..07 (32 bytes), salt 0x9a9a..9a
    /// (16 bytes), pool name "abcdefghi", user "alice", password "Correct-Horse-1".
    #[test]
    fn matches_pycognito_byte_for_byte() {
        let mut lines = include_str!("srp_vector.txt")
            .lines()
            .map(|l| hex::decode(format!("{}{l}", if l.len() % 2 == 1 { "0" } else { "" })).unwrap());
        let (a, b, key, v) =
            (lines.next().unwrap(), lines.next().unwrap(), lines.next().unwrap(), lines.next().unwrap());
        let salt = [0x9a; 16];
        assert_eq!(verifier("abcdefghi", "alice", "Correct-Horse-1", &salt), v);
        let server = ServerSession::start(&v, [7; 32]).unwrap();
        assert_eq!(server.public_b, b);
        let client = ClientSession::start([3; 128]);
        assert_eq!(client.public_a, a);
        assert_eq!(server.key(&a, &v).unwrap().to_vec(), key);
        assert_eq!(client.key(&b, &salt, "abcdefghi", "alice", "Correct-Horse-1").unwrap().to_vec(), key);
    }

    #[test]
    fn a_zero_public_value_is_refused() {
        let v = verifier("p", "u", "pw", &[1; 16]);
        let server = ServerSession::start(&v, [5u8; 32]).unwrap();
        assert_eq!(server.key(&[0], &v), Err(SrpError::BadA));
        assert_eq!(server.key(&be(&U3072::from_be_hex(N_HEX)), &v), Err(SrpError::BadA));
        assert_eq!(server.key(&[1u8; 385], &v), Err(SrpError::Malformed));
    }

    #[test]
    fn padding_follows_cognitos_hex_rules() {
        assert_eq!(pad(&[0x7f, 1]), vec![0x7f, 1]);
        assert_eq!(pad(&[0x80, 1]), vec![0, 0x80, 1]);
        assert_eq!(pad(&[0, 0, 0x05]), vec![5]);
    }

    #[test]
    fn k_matches_the_value_cognito_clients_compute() {
        // k = H(PAD(N) | PAD(g)) as computed by amazon-cognito-identity-js (hex of SHA-256 over
        // 00 || N || 02), cross-checked with Python's hashlib.
        let n = U3072::from_be_hex(N_HEX);
        let k_hash: [u8; 32] = Sha256::new().chain_update(pad(&be(&n))).chain_update([2u8]).finalize().into();
        assert_eq!(hex::encode(k_hash), "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6");
    }

    #[test]
    fn timestamps_round_trip_in_cognitos_format() {
        assert_eq!(timestamp(1_537_834_180), "Tue Sep 25 00:09:40 UTC 2018");
        assert_eq!(timestamp(1_693_872_580), "Tue Sep 5 00:09:40 UTC 2023");
        assert_eq!(parse_timestamp("Tue Sep 5 00:09:40 UTC 2023"), Some(1_693_872_580));
        assert_eq!(parse_timestamp("Tue Sep 05 00:09:40 UTC 2023"), Some(1_693_872_580));
        assert_eq!(parse_timestamp("yesterday"), None);
    }
}
