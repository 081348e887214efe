//! The round trip through an identity provider: `/oauth2/authorize?identity_provider=X` sends
//! the browser to the provider with Cognate's own `state`, `nonce` and PKCE challenge
//! (remembered for five minutes); `/oauth2/idpresponse` takes the provider's code, has it turned
//! into the user's claims (`exchange`) and finishes the original authorize request as a sign-in
//! of the federated user. Failures after the client is known go back to its redirect URI.
//!
//! The round trip is bound to the browser that started it: a cookie named after the `state`
//! carries a random value whose digest the flow remembers. An answer without it (another
//! browser, as a login-CSRF link would bring, or a cross-site form POST the cookie did not
//! follow) still goes to the client — whose own `state` check refuses a flow it did not start —
//! but leaves no single-sign-on session in that browser; an answer with another value is refused.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use cognate_crypto::{mac, random};

use super::exchange::Sent;
use super::metadata::Protocol;
use super::upstream::UpstreamClient;
use crate::error::DomainError;
use crate::model::AuthSession;
use crate::oauth::{Authorization, AuthorizeError, AuthorizeParams, HostedSignIn};
use crate::Cognate;

/// `AuthSession.challenge` of a federated sign-in waiting for the provider's answer.
const FEDERATION_STATE: &str = "FEDERATION_STATE";
/// How long the round trip through the provider may take, as Cognito bounds it.
pub const FEDERATION_SECONDS: i64 = 300;

/// What a federated sign-in remembers between the redirect and the provider's answer.
#[derive(Serialize, Deserialize)]
struct FederationState {
    /// The original authorize request, to be checked again and finished.
    params: Vec<(String, String)>,
    provider: String,
    nonce: String,
    verifier: String,
    /// SHA-256 of the binding cookie's value.
    binding: String,
}

/// Where a federated sign-in sends the browser, and the cookie that binds the flow to it.
#[derive(Debug)]
pub struct FederatedStart {
    pub location: String,
    pub cookie_name: String,
    pub cookie_value: String,
}

/// A federated sign-in, finished: where the browser goes, and the single-sign-on session it
/// keeps — only when the answer came with the flow's binding cookie.
#[derive(Debug)]
pub struct FederatedSignIn {
    pub authorization: Authorization,
    pub location: String,
    pub session: Option<String>,
}

/// The binding cookie of the flow whose `state` is this (its first characters name it, so that
/// two flows in one browser keep theirs).
pub fn binding_cookie_name(state: &str) -> String {
    let prefix: String = state.chars().take(16).collect();
    format!("cognate-idp-{prefix}")
}

/// The provider's answer at `/oauth2/idpresponse`.
#[derive(Debug, Default)]
pub struct ProviderAnswer {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// Apple's `user` field (JSON with the name), sent on the first sign-in only.
    pub user: Option<String>,
    /// The value of the binding cookie named after `state`, if the browser sent it.
    pub binding: Option<String>,
}

impl Cognate {
    /// Where this server takes identity providers' answers.
    pub fn idp_response_uri(&self) -> String {
        format!("{}/oauth2/idpresponse", self.config.public_url)
    }

    /// The redirect to the provider of `authorization.federated`, with the sign-in's state stored.
    pub async fn start_federated_sign_in(
        &self,
        upstream: &Arc<dyn UpstreamClient>,
        authorization: &Authorization,
    ) -> Result<FederatedStart, AuthorizeError> {
        let Some(provider) = &authorization.federated else {
            return Err(AuthorizeError::Server(DomainError::internal("no identity provider to sign in with")));
        };
        let metadata = self.provider_metadata(upstream, provider).await.map_err(|why| {
            tracing::warn!(provider = %provider.name, %why, "identity provider unreachable");
            authorization.error("server_error", &format!("The identity provider {} cannot be reached.", provider.name))
        })?;
        let (state, nonce, verifier) = (random::opaque_token(), random::opaque_token(), random::opaque_token());
        let binding = random::opaque_token();
        let remembered = FederationState {
            params: authorization.params.pairs().into_iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect(),
            provider: provider.name.clone(),
            nonce: nonce.clone(),
            verifier: verifier.clone(),
            binding: mac::token_digest(&binding),
        };
        let session = AuthSession {
            digest: mac::token_digest(&state),
            pool_id: authorization.pool.id.clone(),
            client_id: authorization.client.id.clone(),
            sub: String::new(),
            challenge: FEDERATION_STATE.into(),
            expires: self.clock.now() + FEDERATION_SECONDS,
            data: serde_json::to_string(&remembered).map_err(|e| AuthorizeError::Server(DomainError::internal(e)))?,
        };
        self.store.insert_session(&session, None).await.map_err(|e| AuthorizeError::Server(e.into()))?;
        let scopes = provider.details.get("authorize_scopes").map_or("openid", String::as_str).replace(',', " ");
        let mut location = url::Url::parse(&metadata.authorize)
            .map_err(|_| authorization.error("server_error", "The identity provider's authorize URL is not valid."))?;
        {
            let mut query = location.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", provider.details.get("client_id").map_or("", String::as_str))
                .append_pair("redirect_uri", &self.idp_response_uri())
                .append_pair("scope", &scopes)
                .append_pair("state", &state);
            if metadata.protocol == Protocol::OpenId {
                query.append_pair("nonce", &nonce);
            }
            query
                .append_pair("code_challenge", &mac::pkce_s256(&verifier))
                .append_pair("code_challenge_method", "S256");
            // Apple answers name and email scopes only by form_post (to POST /oauth2/idpresponse).
            if provider.provider_type == "SignInWithApple" {
                query.append_pair("response_mode", "form_post");
            }
        }
        Ok(FederatedStart {
            location: location.into(),
            cookie_name: binding_cookie_name(&state),
            cookie_value: binding,
        })
    }

    /// `/oauth2/idpresponse`: the provider's answer, checked, turned into a sign-in of the
    /// federated user for the original authorize request. An unknown, spent or expired `state`
    /// is the error page (nothing can be trusted to redirect to); the rest goes to the client.
    pub async fn finish_federated_sign_in(
        &self,
        upstream: &Arc<dyn UpstreamClient>,
        answer: ProviderAnswer,
        served_pool: Option<&str>,
    ) -> Result<FederatedSignIn, AuthorizeError> {
        let lost = || AuthorizeError::Page("The sign-in through the identity provider expired or is not known.".into());
        let state = answer.state.as_deref().filter(|s| !s.is_empty() && s.len() <= 256).ok_or_else(lost)?;
        let (session, _) = self
            .store
            .take_session(&mac::token_digest(state))
            .await
            .map_err(|e| AuthorizeError::Server(e.into()))?
            .ok_or_else(lost)?;
        if session.challenge != FEDERATION_STATE || session.expires <= self.clock.now() {
            return Err(lost());
        }
        let remembered: FederationState =
            serde_json::from_str(&session.data).map_err(|e| AuthorizeError::Server(DomainError::internal(e)))?;
        let bound = match &answer.binding {
            None => false,
            Some(value)
                if cognate_crypto::constant_time_eq(
                    mac::token_digest(value).as_bytes(),
                    remembered.binding.as_bytes(),
                ) =>
            {
                true
            }
            Some(_) => return Err(lost()),
        };
        let params = AuthorizeParams::from_pairs(remembered.params.iter().map(|(n, v)| (n.as_str(), v.as_str())))?;
        let params = AuthorizeParams { served_pool: served_pool.map(str::to_owned), ..params };
        let authorization = self.check_authorize(&params).await?;
        let provider = match &authorization.federated {
            Some(provider) if provider.name == remembered.provider => provider.clone(),
            _ => return Err(lost()),
        };
        if let Some(error) = answer.error {
            let description = answer.error_description.unwrap_or_default();
            let told = format!("{error}: {description}");
            return Err(authorization.error("invalid_request", told.trim_end_matches([':', ' '])));
        }
        let code = answer
            .code
            .filter(|c| !c.is_empty())
            .ok_or_else(|| authorization.error("invalid_request", "The identity provider answered without a code."))?;
        let sent = Sent {
            code: &code,
            verifier: &remembered.verifier,
            nonce: &remembered.nonce,
            apple_user: answer.user.as_deref(),
        };
        let claims = async {
            let metadata = self.provider_metadata(upstream, &provider).await?;
            self.provider_claims(upstream, &provider, &metadata, &sent).await
        }
        .await
        .map_err(|why| {
            tracing::warn!(provider = %provider.name, %why, "identity provider sign-in refused");
            authorization.error("invalid_request", &why)
        })?;
        let user = async {
            let claims =
                self.inbound_federation(&authorization.pool, &authorization.client.id, &provider, claims).await?;
            self.federated_user(&authorization.pool, &authorization.client.id, &provider, &claims).await
        }
        .await
        .map_err(|e| match e {
            DomainError::Internal(_) => AuthorizeError::Server(e),
            other => authorization.error("invalid_request", &other.to_string()),
        })?;
        let signed_in = self.start_hosted_session(&authorization, user).await.map_err(|e| match e {
            DomainError::Internal(_) => AuthorizeError::Server(e),
            other => authorization.error("invalid_request", &other.to_string()),
        })?;
        let HostedSignIn::Done { location, session } = signed_in else {
            return Err(AuthorizeError::Server(DomainError::internal("a federated sign-in asked for another step")));
        };
        if !bound {
            // Another browser's answer: no session of this user is left for it to resume.
            self.store
                .delete_session(&mac::token_digest(&session))
                .await
                .map_err(|e| AuthorizeError::Server(e.into()))?;
        }
        Ok(FederatedSignIn { authorization, location, session: bound.then_some(session) })
    }
}
