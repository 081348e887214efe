//! `POST /` with `X-Amz-Target: TrentService.<Action>`: the AWS KMS API as far as custom sender
//! functions use it. Their keyring calls `Decrypt` to open the data key of the code Cognate sent
//! them (see `cognate_domain::kms`); pointed at Cognate (`AWS_ENDPOINT_URL_KMS`), that call is
//! answered here. Every call is signed by an admin access key, as KMS calls are signed by the
//! function's role. Errors take KMS's names, through this protocol's one mapping below.

use std::collections::BTreeMap;

use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use cognate_domain::kms::{DecryptRequest, KmsError};
use serde::{Deserialize, Serialize};

use crate::{sigv4, AppState};

/// The `X-Amz-Target` prefix of KMS actions.
pub(crate) const TARGET_PREFIX: &str = "TrentService.";

/// A KMS error on the wire.
struct KmsFailure {
    kind: &'static str,
    message: String,
}

impl KmsFailure {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

impl From<KmsError> for KmsFailure {
    fn from(err: KmsError) -> Self {
        match err {
            KmsError::InvalidCiphertext => KmsFailure::new("InvalidCiphertextException", ""),
            KmsError::IncorrectKey => KmsFailure::new(
                "IncorrectKeyException",
                "The key ID in the request does not identify a CMK that can perform this operation.",
            ),
        }
    }
}

impl IntoResponse for KmsFailure {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "__type": self.kind, "message": self.message }).to_string();
        let mut response = (StatusCode::BAD_REQUEST, body).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-amz-json-1.1"));
        response
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DecryptInput {
    ciphertext_blob: String,
    #[serde(default)]
    encryption_context: BTreeMap<String, String>,
    #[serde(default)]
    key_id: Option<String>,
    #[serde(default)]
    encryption_algorithm: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DecryptOutput {
    key_id: String,
    plaintext: String,
    encryption_algorithm: &'static str,
}

/// Answers the KMS action `action` (the target without its prefix) of a signed request.
pub(crate) fn handle(state: &AppState, parts: &Parts, action: &str, body: &[u8]) -> Response {
    if let Err(refused) = sigv4::verify(&state.access_keys, parts, body, state.signing_clock.now()) {
        return refused.into_response();
    }
    let answer = match action {
        "Decrypt" => decrypt(state, body),
        _ => Err(KmsFailure::new(
            "UnsupportedOperationException",
            format!("{action} is not answered by Cognate, which plays KMS only for Decrypt of the codes it sends to custom sender triggers."),
        )),
    };
    match answer {
        Ok(json) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/x-amz-json-1.1")], json).into_response(),
        Err(failure) => failure.into_response(),
    }
}

fn decrypt(state: &AppState, body: &[u8]) -> Result<Vec<u8>, KmsFailure> {
    let input: DecryptInput =
        serde_json::from_slice(body).map_err(|e| KmsFailure::new("SerializationException", e.to_string()))?;
    if input.encryption_algorithm.as_deref().is_some_and(|a| a != "SYMMETRIC_DEFAULT") {
        return Err(KmsFailure::new(
            "InvalidKeyUsageException",
            "The key is a symmetric encryption key: its algorithm is SYMMETRIC_DEFAULT.",
        ));
    }
    let blob = base64::engine::general_purpose::STANDARD
        .decode(input.ciphertext_blob.as_bytes())
        .map_err(|_| KmsFailure::new("InvalidCiphertextException", ""))?;
    let request =
        DecryptRequest { ciphertext_blob: blob, encryption_context: input.encryption_context, key_id: input.key_id };
    let decrypted = state.cognate.kms_decrypt(&request)?;
    let output = DecryptOutput {
        key_id: decrypted.key_id,
        plaintext: base64::engine::general_purpose::STANDARD.encode(decrypted.plaintext),
        encryption_algorithm: "SYMMETRIC_DEFAULT",
    };
    serde_json::to_vec(&output).map_err(|e| KmsFailure::new("KMSInternalException", e.to_string()))
}
