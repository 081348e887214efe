//! Admits signed (admin and pool-management) calls: checks the AWS Signature V4 of a request
//! against the configured access keys, with AWS's error names.

use axum::http::request::Parts;
use cognate_crypto::constant_time_eq;
use cognate_crypto::sigv4::{expected_signature, Authorization, SignedRequest};
use cognate_domain::UnixTime;
use cognate_proto::ErrorType;

use crate::{AccessKeys, ApiError};

/// How far a signature's time may be from ours (AWS allows 15 minutes).
const MAX_SKEW_SECONDS: i64 = 15 * 60;

fn parse_amz_date(value: &str) -> Option<UnixTime> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(value, format).ok().map(|t| t.assume_utc().unix_timestamp())
}

/// Checks the request's signature; `Ok` (with the access key id) only for a fresh, correct
/// signature by a known key.
pub fn verify<'a>(keys: &AccessKeys, parts: &'a Parts, body: &[u8], now: UnixTime) -> Result<&'a str, ApiError> {
    let invalid = |message: &str| ApiError::new(ErrorType::InvalidSignatureException, message);
    let Some(header) = parts.headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Err(ApiError::new(ErrorType::UnrecognizedClientException, "Missing Authentication Token"));
    };
    let auth = Authorization::parse(header).map_err(|_| {
        ApiError::new(ErrorType::UnrecognizedClientException, "The security token included in the request is invalid.")
    })?;
    let Some(secret) = keys.secret(auth.access_key_id) else {
        return Err(ApiError::new(
            ErrorType::UnrecognizedClientException,
            "The security token included in the request is invalid.",
        ));
    };
    if !auth.signed_headers.contains(&"host") {
        return Err(invalid("'Host' must be a 'SignedHeader' in the AWS Authorization."));
    }
    let amz_date = parts.headers.get("x-amz-date").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let signed_at = parse_amz_date(amz_date).ok_or_else(|| invalid("Missing or malformed X-Amz-Date header."))?;
    if (now - signed_at).abs() > MAX_SKEW_SECONDS {
        return Err(invalid(&format!(
            "Signature expired: {amz_date} is now earlier or later than the allowed 15 minutes."
        )));
    }
    if !amz_date.starts_with(auth.date) {
        return Err(invalid("Credential should be scoped to a valid date."));
    }
    let mut header_values = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let values: Vec<&str> = parts.headers.get_all(*name).iter().filter_map(|v| v.to_str().ok()).collect();
        header_values.push(values);
    }
    let request = SignedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        header_values,
        amz_date,
        body,
    };
    let expected = expected_signature(secret, &auth, &request);
    if !constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        return Err(invalid(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ));
    }
    Ok(auth.access_key_id)
}
