//! Passkey handlers: StartWebAuthnRegistration, CompleteWebAuthnRegistration,
//! ListWebAuthnCredentials, DeleteWebAuthnCredential.

use cognate_domain::{Cognate, DomainError};
use cognate_proto::passkeys::*;
use cognate_proto::pools::Empty;

type Result<T> = std::result::Result<T, DomainError>;

pub async fn start_web_authn_registration(
    c: &Cognate,
    r: StartWebAuthnRegistrationRequest,
) -> Result<StartWebAuthnRegistrationResponse> {
    let credential_creation_options = c.start_web_authn_registration(&r.access_token).await?;
    Ok(StartWebAuthnRegistrationResponse { credential_creation_options })
}

pub async fn complete_web_authn_registration(c: &Cognate, r: CompleteWebAuthnRegistrationRequest) -> Result<Empty> {
    c.complete_web_authn_registration(&r.access_token, &r.credential).await?;
    Ok(Empty {})
}

pub async fn list_web_authn_credentials(
    c: &Cognate,
    r: ListWebAuthnCredentialsRequest,
) -> Result<ListWebAuthnCredentialsResponse> {
    let page = c.list_web_authn_credentials(&r.access_token, r.next_token.as_deref(), r.max_results).await?;
    Ok(ListWebAuthnCredentialsResponse {
        credentials: page
            .credentials
            .into_iter()
            .map(|p| WebAuthnCredentialDescription {
                credential_id: p.credential_id,
                friendly_credential_name: p.name,
                relying_party_id: p.relying_party_id,
                authenticator_attachment: p.attachment,
                authenticator_transports: p.transports,
                created_at: p.created,
            })
            .collect(),
        next_token: page.next,
    })
}

pub async fn delete_web_authn_credential(c: &Cognate, r: DeleteWebAuthnCredentialRequest) -> Result<Empty> {
    c.delete_web_authn_credential(&r.access_token, &r.credential_id).await?;
    Ok(Empty {})
}
