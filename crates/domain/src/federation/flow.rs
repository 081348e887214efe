//! The round trip through an OIDC identity provider: `/oauth2/authorize?identity_provider=X`
//! sends the browser to the provider with Cognate's own `state`, `nonce` and PKCE challenge
//! (remembered for five minutes); `/oauth2/idpresponse` takes the provider's code, exchanges it
//! with client_secret_post, checks the provider's id token (signature from its JWKS, issuer,
//! audience, nonce, expiry) and finishes the original authorize request as a sign-in of the
//! federated user. Failures after the client is known go back to its redirect URI.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use cognate_crypto::{mac, random};

use super::upstream::{UpstreamClient, UpstreamError};
use crate::error::DomainError;
use crate::model::{AuthSession, IdentityProvider};
use crate::oauth::{Authorization, AuthorizeError, AuthorizeParams, HostedSignIn};
use crate::Cognate;

/// `AuthSession.challenge` of a federated sign-in waiting for the provider's answer.
const FEDERATION_STATE: &str = "FEDERATION_STATE";
/// How long the round trip through the provider may take, as Cognito bounds it.
const FEDERATION_SECONDS: i64 = 300;

/// What a federated sign-in remembers between the redirect and the provider's answer.
#[derive(Serialize, Deserialize)]
struct FederationState {
    /// The original authorize request, to be checked again and finished.
    params: Vec<(String, String)>,
    provider: String,
    nonce: String,
    verifier: String,
}

/// The provider's endpoints, from its details or its discovery document.
struct Endpoints {
    authorize: String,
    token: String,
    jwks: String,
}

/// The provider's answer at `/oauth2/idpresponse`.
#[derive(Debug, Default)]
pub struct ProviderAnswer {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

fn upstream_failure(err: UpstreamError) -> String {
    err.to_string()
}

impl Cognate {
    /// Where this server takes identity providers' answers.
    pub fn idp_response_uri(&self) -> String {
        format!("{}/oauth2/idpresponse", self.config.public_url)
    }

    /// The provider's endpoints: the details' own, else its discovery document's.
    async fn endpoints(&self, upstream: &dyn UpstreamClient, provider: &IdentityProvider) -> Result<Endpoints, String> {
        let detail = |key: &str| provider.details.get(key).cloned();
        if let (Some(authorize), Some(token), Some(jwks)) =
            (detail("authorize_url"), detail("token_url"), detail("jwks_uri"))
        {
            return Ok(Endpoints { authorize, token, jwks });
        }
        let issuer = detail("oidc_issuer").unwrap_or_default();
        let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
        let answer = upstream.get(&url, None).await.map_err(upstream_failure)?;
        if answer.status != 200 {
            return Err(format!("{url} answered HTTP {}", answer.status));
        }
        let document: Value = serde_json::from_slice(&answer.body).map_err(|e| format!("{url}: {e}"))?;
        let field = |name: &str, key: &str| {
            detail(key)
                .or_else(|| document[name].as_str().map(str::to_owned))
                .ok_or_else(|| format!("{url} has no {name}"))
        };
        Ok(Endpoints {
            authorize: field("authorization_endpoint", "authorize_url")?,
            token: field("token_endpoint", "token_url")?,
            jwks: field("jwks_uri", "jwks_uri")?,
        })
    }

    /// The redirect to the provider of `authorization.federated`, with the sign-in's state stored.
    pub async fn start_federated_sign_in(
        &self,
        upstream: &Arc<dyn UpstreamClient>,
        authorization: &Authorization,
    ) -> Result<String, AuthorizeError> {
        let Some(provider) = &authorization.federated else {
            return Err(AuthorizeError::Server(DomainError::internal("no identity provider to sign in with")));
        };
        let endpoints = self.endpoints(upstream.as_ref(), provider).await.map_err(|why| {
            tracing::warn!(provider = %provider.name, %why, "identity provider unreachable");
            authorization.error("server_error", &format!("The identity provider {} cannot be reached.", provider.name))
        })?;
        let (state, nonce, verifier) = (random::opaque_token(), random::opaque_token(), random::opaque_token());
        let remembered = FederationState {
            params: authorization.params.pairs().into_iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect(),
            provider: provider.name.clone(),
            nonce: nonce.clone(),
            verifier: verifier.clone(),
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
        self.store.insert_session(&session).await.map_err(|e| AuthorizeError::Server(e.into()))?;
        let scopes = provider.details.get("authorize_scopes").map_or("openid", String::as_str).replace(',', " ");
        let mut location = url::Url::parse(&endpoints.authorize)
            .map_err(|_| authorization.error("server_error", "The identity provider's authorize URL is not valid."))?;
        location
            .query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", provider.details.get("client_id").map_or("", String::as_str))
            .append_pair("redirect_uri", &self.idp_response_uri())
            .append_pair("scope", &scopes)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &mac::pkce_s256(&verifier))
            .append_pair("code_challenge_method", "S256");
        Ok(location.into())
    }

    /// `/oauth2/idpresponse`: the provider's answer, checked, turned into a sign-in of the
    /// federated user for the original authorize request. An unknown, spent or expired `state`
    /// is the error page (nothing can be trusted to redirect to); the rest goes to the client.
    pub async fn finish_federated_sign_in(
        &self,
        upstream: &Arc<dyn UpstreamClient>,
        answer: ProviderAnswer,
        served_pool: Option<&str>,
    ) -> Result<(Authorization, HostedSignIn), AuthorizeError> {
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
        let claims = self.provider_claims(upstream, &provider, &code, &remembered).await.map_err(|why| {
            tracing::warn!(provider = %provider.name, %why, "identity provider sign-in refused");
            authorization.error("invalid_request", &why)
        })?;
        let user = self.federated_user(&authorization.pool, &provider, &claims).await.map_err(|e| match e {
            DomainError::Internal(_) => AuthorizeError::Server(e),
            other => authorization.error("invalid_request", &other.to_string()),
        })?;
        let signed_in = self.start_hosted_session(&authorization, user).await.map_err(|e| match e {
            DomainError::Internal(_) => AuthorizeError::Server(e),
            other => authorization.error("invalid_request", &other.to_string()),
        })?;
        Ok((authorization, signed_in))
    }

    /// The code exchanged at the provider's token endpoint (client_secret_post, with the PKCE
    /// verifier), and its id token's claims once checked.
    async fn provider_claims(
        &self,
        upstream: &Arc<dyn UpstreamClient>,
        provider: &IdentityProvider,
        code: &str,
        remembered: &FederationState,
    ) -> Result<serde_json::Map<String, Value>, String> {
        let endpoints = self.endpoints(upstream.as_ref(), provider).await?;
        let client_id = provider.details.get("client_id").cloned().unwrap_or_default();
        let secret = self.provider_secret(provider, "client_secret").map_err(|e| e.to_string())?.unwrap_or_default();
        let redirect_uri = self.idp_response_uri();
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
            ("client_id", client_id.as_str()),
            ("client_secret", secret.as_str()),
            ("code_verifier", remembered.verifier.as_str()),
        ];
        let answer = upstream.post_form(&endpoints.token, &form).await.map_err(upstream_failure)?;
        let body: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        if answer.status != 200 {
            let error = body["error"].as_str().unwrap_or("error");
            return Err(format!("The identity provider refused the code ({error})."));
        }
        let id_token = body["id_token"].as_str().ok_or("The identity provider gave no id token.")?;
        let keys = upstream.get(&endpoints.jwks, None).await.map_err(upstream_failure)?;
        let keys = cognate_verify::KeySet::from_json(&keys.body).map_err(|e| format!("The provider's JWKS: {e}"))?;
        let issuer = provider.details.get("oidc_issuer").map(String::as_str).unwrap_or_default();
        check_id_token(id_token, &keys, issuer, &client_id, &remembered.nonce, self.clock.now())
    }
}

/// A provider's id token, checked as an OpenID relying party must: the signature by a key of
/// its JWKS, `iss`, `aud` (or an `aud` list holding the client), the `nonce` this sign-in sent,
/// and `exp`.
fn check_id_token(
    token: &str,
    keys: &cognate_verify::KeySet,
    issuer: &str,
    client_id: &str,
    nonce: &str,
    now: i64,
) -> Result<serde_json::Map<String, Value>, String> {
    let decoded = cognate_verify::decode(token).map_err(|e| format!("The provider's id token: {e}"))?;
    let key = keys.get(&decoded.kid).ok_or("The provider's id token is signed with a key its JWKS lacks.")?;
    key.verify(&decoded).map_err(|_| "The provider's id token has a bad signature.")?;
    let claims: serde_json::Map<String, Value> =
        serde_json::from_slice(&decoded.payload).map_err(|_| "The provider's id token is not JSON.")?;
    if claims.get("iss").and_then(Value::as_str).map(|i| i.trim_end_matches('/')) != Some(issuer.trim_end_matches('/'))
    {
        return Err("The provider's id token has another issuer.".into());
    }
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == client_id,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(client_id)),
        _ => false,
    };
    if !audience_ok {
        return Err("The provider's id token is for another client.".into());
    }
    if claims.get("nonce").and_then(Value::as_str) != Some(nonce) {
        return Err("The provider's id token does not carry this sign-in's nonce.".into());
    }
    if claims.get("exp").and_then(Value::as_i64).is_none_or(|exp| exp <= now) {
        return Err("The provider's id token has expired.".into());
    }
    if claims.get("sub").and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err("The provider's id token has no subject.".into());
    }
    Ok(claims)
}
