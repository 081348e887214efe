//! Time-based one-time passwords (RFC 6238) as authenticator apps and Cognito use them: HMAC-SHA1,
//! six digits, 30-second steps, and secrets written in unpadded RFC 4648 base32.

use aws_lc_rs::hmac;
use data_encoding::BASE32_NOPAD;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Bytes of a new secret: 32, which is 52 base32 characters.
pub const SECRET_BYTES: usize = 32;

/// A new random secret, as its base32 text (what AssociateSoftwareToken answers).
pub fn new_secret() -> String {
    BASE32_NOPAD.encode(&crate::random::key_bytes()[..SECRET_BYTES])
}

/// The secret bytes of base32 text (upper case, no padding), or `None` if it is not base32.
pub fn decode_secret(text: &str) -> Option<Vec<u8>> {
    BASE32_NOPAD.decode(text.as_bytes()).ok()
}

/// The step a Unix time falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The six-digit code of `secret` for one step (RFC 4226 dynamic truncation).
pub fn code_for_step(secret: &[u8], step: i64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = hmac::sign(&key, &step.to_be_bytes());
    let mac = tag.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([mac[offset], mac[offset + 1], mac[offset + 2], mac[offset + 3]]) & 0x7fff_ffff;
    format!("{:06}", word % 1_000_000)
}

/// The step whose code `code` is, among the step of `unix_seconds` and one either side (clock
/// skew), or `None`. Each candidate is compared in constant time.
pub fn matching_step(secret: &[u8], code: &str, unix_seconds: i64) -> Option<i64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    let mut found = None;
    for step in [now - 1, now, now + 1] {
        if crate::constant_time_eq(code_for_step(secret, step).as_bytes(), code.as_bytes()) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows, with the eight-digit values cut to their last six digits.
    #[test]
    fn rfc_6238_vectors() {
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_for_step(secret, step_at(time)), &eight[2..], "at {time}");
        }
    }

    #[test]
    fn accepts_one_step_of_skew_and_no_more() {
        let secret = decode_secret(&new_secret()).unwrap();
        let now = 1_700_000_000;
        let code = code_for_step(&secret, step_at(now));
        assert_eq!(matching_step(&secret, &code, now), Some(step_at(now)));
        assert_eq!(matching_step(&secret, &code, now + STEP_SECONDS), Some(step_at(now)));
        assert_eq!(matching_step(&secret, &code, now - STEP_SECONDS), Some(step_at(now)));
        let far = matching_step(&secret, &code, now + 2 * STEP_SECONDS);
        assert!(far.is_none() || far != Some(step_at(now)));
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "12a456", now), None);
    }

    #[test]
    fn secrets_are_unpadded_base32() {
        let secret = new_secret();
        assert_eq!(secret.len(), 52);
        assert!(secret.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        assert_eq!(decode_secret(&secret).unwrap().len(), SECRET_BYTES);
        assert!(decode_secret("not base32!").is_none());
    }
}
