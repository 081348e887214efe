//! HTTPS without making certificates: a local certificate authority generated once in the data
//! directory, and a certificate it signs for `localhost`, `127.0.0.1` and `::1`. Amplify builds
//! `https://<domain>` for the hosted endpoints whatever the domain says; this is what it reaches.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SanType,
};
use time::{Duration, OffsetDateTime};

/// The files of the local certificate authority and of the server certificate it signed.
#[derive(Debug, Clone)]
pub struct LocalTls {
    /// The CA certificate users trust (Node's NODE_EXTRA_CA_CERTS, curl's --cacert, a browser).
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The local CA and server certificate under `<data_dir>/tls`, made on first use. A missing
/// server certificate makes both anew (the CA's key is not kept apart from it): trust the new CA.
pub fn ensure(data_dir: &Path) -> Result<LocalTls, String> {
    let dir = data_dir.join("tls");
    let files =
        LocalTls { ca: dir.join("ca.pem"), cert: dir.join("localhost.pem"), key: dir.join("localhost-key.pem") };
    if files.ca.exists() && files.cert.exists() && files.key.exists() {
        return Ok(files);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let (ca_pem, cert_pem, key_pem) =
        generate(OffsetDateTime::now_utc()).map_err(|e| format!("cannot make the local CA: {e}"))?;
    write(&files.key, &key_pem, true)?;
    write(&files.cert, &cert_pem, false)?;
    write(&files.ca, &ca_pem, false)?;
    Ok(files)
}

/// A CA (ten years) and a server certificate it signs (two years, the most browsers accept),
/// as PEM: (CA certificate, server certificate, server key). The CA's key is dropped.
fn generate(now: OffsetDateTime) -> Result<(String, String, String), rcgen::Error> {
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::default();
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.distinguished_name.push(DnType::CommonName, "Cognate local CA");
    ca.distinguished_name.push(DnType::OrganizationName, "Cognate (this machine only)");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    ca.not_before = now - Duration::days(1);
    ca.not_after = now + Duration::days(3650);
    let ca_cert = ca.self_signed(&ca_key)?;

    let key = KeyPair::generate()?;
    let mut server = CertificateParams::new(vec!["localhost".to_owned()])?;
    server.subject_alt_names.push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    server.subject_alt_names.push(SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    server.distinguished_name.push(DnType::CommonName, "localhost");
    server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.not_before = now - Duration::days(1);
    server.not_after = now + Duration::days(397);
    let cert = server.signed_by(&key, &ca_cert, &ca_key)?;
    // The chain the server presents: its certificate, then the CA's.
    Ok((ca_cert.pem(), format!("{}{}", cert.pem(), ca_cert.pem()), key.serialize_pem()))
}

fn write(path: &Path, contents: &str, secret: bool) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let _ = secret;
    std::io::Write::write_all(&mut options.open(path).map_err(fail)?, contents.as_bytes()).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_certificate_is_signed_by_the_ca_and_names_localhost() {
        let dir = tempfile_dir();
        let files = ensure(&dir).unwrap_or_else(|e| panic!("{e}"));
        let ca = std::fs::read_to_string(&files.ca).unwrap_or_default();
        let chain = std::fs::read_to_string(&files.cert).unwrap_or_default();
        assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(chain.matches("BEGIN CERTIFICATE").count(), 2, "server certificate, then the CA");
        assert!(chain.ends_with(&ca), "the chain ends with the CA");
        // A second start keeps the same CA (users trust it once).
        let again = ensure(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(again.ca).unwrap_or_default(), ca);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&files.key).map(|m| m.permissions().mode()).unwrap_or_default();
            assert_eq!(mode & 0o077, 0, "the key is the owner's only");
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cognate-tls-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }
}
