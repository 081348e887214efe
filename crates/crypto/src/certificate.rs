//! Self-signed X.509 certificates over an existing RSA key: what GetSigningCertificate returns.

use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, SerialNumber};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// A certificate that could not be made (the key did not parse, or a date is out of range).
#[derive(Debug, thiserror::Error)]
#[error("certificate: {0}")]
pub struct CertificateError(String);

/// A self-signed certificate (DER) for the PKCS#8 RSA key, named `common_name`, valid from
/// `not_before` (Unix seconds) for `years`, its serial number (16 bytes, positive) derived from
/// `serial_seed`. RSA PKCS#1 v1.5 signatures are deterministic, so the same inputs give the same
/// certificate every time.
pub fn self_signed(
    pkcs8: &[u8],
    common_name: &str,
    not_before: i64,
    years: i64,
    serial_seed: &[u8],
) -> Result<Vec<u8>, CertificateError> {
    let fail = |e: &dyn std::fmt::Display| CertificateError(e.to_string());
    let key = KeyPair::try_from(pkcs8).map_err(|e| fail(&e))?;
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    params.distinguished_name = name;
    params.not_before = OffsetDateTime::from_unix_timestamp(not_before).map_err(|e| fail(&e))?;
    params.not_after = OffsetDateTime::from_unix_timestamp(not_before + years * 365 * 86_400).map_err(|e| fail(&e))?;
    let mut serial = Sha256::digest(serial_seed)[..16].to_vec();
    serial[0] &= 0x7f;
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    let certificate = params.self_signed(&key).map_err(|e| fail(&e))?;
    Ok(certificate.der().to_vec())
}
