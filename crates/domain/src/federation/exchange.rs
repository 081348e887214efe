//! The provider's code turned into the user's claims, as each provider type needs: the token
//! request (client_secret_post, or Facebook's GET; Apple's client secret an ES256 JWT), then for
//! OpenID providers the id token checked as a relying party must (signature by a key of its
//! JWKS, issuer, audience, nonce, expiry) and an OIDC provider's attributes URL read with the
//! access token; for the OAuth 2.0 presets the profile read from the attributes URL, whose
//! `id` (Facebook) or `user_id` (Amazon) is the subject.

use std::sync::Arc;

use serde_json::{Map, Value};

use cognate_crypto::es256::Es256Key;

use super::metadata::{ClientSecret, Protocol, ProviderMetadata};
use super::upstream::{UpstreamClient, UpstreamError, UpstreamResponse};
use crate::model::IdentityProvider;
use crate::{Cognate, UnixTime};

/// The claims of a user, as the provider told them.
pub(crate) type Claims = Map<String, Value>;

/// What the provider answered: the user's claims, merged, and the raw parts they came from,
/// which the InboundFederation trigger gets.
pub(crate) struct ProviderClaims {
    /// The id token's claims and the attributes read, merged; `sub` is the subject.
    pub claims: Claims,
    /// The token endpoint's answer.
    pub token_response: Claims,
    /// The id token's checked claims (OpenID providers).
    pub id_token: Option<Claims>,
    /// What the attributes (userinfo or profile) URL answered.
    pub user_info: Option<Claims>,
}

/// How long Apple's client secret is good for (Apple allows up to six months; one sign-in
/// needs seconds).
const APPLE_SECRET_SECONDS: i64 = 300;

/// What the sign-in sent the provider, to check its answer against.
pub(super) struct Sent<'a> {
    pub code: &'a str,
    pub verifier: &'a str,
    pub nonce: &'a str,
    /// Apple's `user` form field (first sign-in only): `{"name":{"firstName","lastName"},"email"}`.
    pub apple_user: Option<&'a str>,
}

/// Apple's client secret: an ES256 JWT from the team, for the services id, under the key's id.
pub(super) fn apple_client_secret(
    key: &Es256Key,
    team_id: &str,
    client_id: &str,
    now: UnixTime,
) -> Result<String, String> {
    let claims = serde_json::json!({
        "iss": team_id,
        "iat": now,
        "exp": now + APPLE_SECRET_SECONDS,
        "aud": "https://appleid.apple.com",
        "sub": client_id,
    });
    key.sign(&claims).map_err(|e| format!("cannot sign Apple's client secret: {e}"))
}

fn json_object(answer: &UpstreamResponse) -> Option<Claims> {
    match serde_json::from_slice(&answer.body) {
        Ok(Value::Object(object)) => Some(object),
        _ => None,
    }
}

impl Cognate {
    /// The user's claims for `sent.code`, by the provider's protocol; `sub` is the subject.
    pub(super) async fn provider_claims(
        &self,
        upstream: &Arc<dyn UpstreamClient>,
        provider: &IdentityProvider,
        metadata: &ProviderMetadata,
        sent: &Sent<'_>,
    ) -> Result<ProviderClaims, String> {
        let tokens = self.token_request(upstream.as_ref(), provider, metadata, sent).await?;
        let access_token = tokens.get("access_token").and_then(Value::as_str);
        match metadata.protocol {
            Protocol::OpenId => {
                let id_token =
                    tokens.get("id_token").and_then(Value::as_str).ok_or("The identity provider gave no id token.")?;
                let keys = metadata.keys.as_ref().ok_or("The identity provider has no keys.")?;
                let client_id = provider.details.get("client_id").map_or("", String::as_str);
                let issuer = metadata.issuer.as_deref().unwrap_or_default();
                let id_claims = check_id_token(id_token, keys, issuer, client_id, sent.nonce, self.clock.now()).await?;
                let mut claims = id_claims.clone();
                let mut user_info = None;
                if provider.provider_type == "OIDC" {
                    if let (Some(url), Some(access_token)) = (&metadata.attributes, access_token) {
                        let by_post = provider.details.get("attributes_request_method").is_some_and(|m| m == "POST");
                        let info = read_attributes(upstream.as_ref(), url, access_token, by_post).await?;
                        // OpenID Connect Core 5.3.2: userinfo about another subject is refused.
                        if info.get("sub") != claims.get("sub") {
                            return Err("The identity provider's user info is about another user.".into());
                        }
                        claims.extend(info.clone());
                        user_info = Some(info);
                    }
                }
                if provider.provider_type == "SignInWithApple" {
                    add_apple_user(&mut claims, sent.apple_user);
                }
                Ok(ProviderClaims { claims, token_response: tokens, id_token: Some(id_claims), user_info })
            }
            Protocol::Profile { subject } => {
                let access_token = access_token.ok_or("The identity provider gave no access token.")?;
                let url = profile_url(provider, metadata)?;
                let mut profile = read_attributes(upstream.as_ref(), &url, access_token, false).await?;
                let id = match profile.get(subject) {
                    Some(Value::String(id)) if !id.is_empty() => id.clone(),
                    Some(Value::Number(id)) => id.to_string(),
                    _ => return Err(format!("The identity provider's profile has no {subject}.")),
                };
                let user_info = profile.clone();
                profile.insert("sub".into(), Value::String(id));
                Ok(ProviderClaims {
                    claims: profile,
                    token_response: tokens,
                    id_token: None,
                    user_info: Some(user_info),
                })
            }
        }
    }

    /// The token request: POST form (client_secret_post), or GET with the same parameters in
    /// the query for providers whose `token_request_method` is GET (Facebook).
    async fn token_request(
        &self,
        upstream: &dyn UpstreamClient,
        provider: &IdentityProvider,
        metadata: &ProviderMetadata,
        sent: &Sent<'_>,
    ) -> Result<Claims, String> {
        let client_id = provider.details.get("client_id").map_or("", String::as_str);
        let apple_secret;
        let secret = match &metadata.secret {
            ClientSecret::Fixed(secret) => secret.as_str(),
            ClientSecret::AppleKey(key) => {
                let team = provider.details.get("team_id").map_or("", String::as_str);
                apple_secret = apple_client_secret(key, team, client_id, self.clock.now())?;
                apple_secret.as_str()
            }
        };
        let redirect_uri = self.idp_response_uri();
        let form = [
            ("grant_type", "authorization_code"),
            ("code", sent.code),
            ("redirect_uri", redirect_uri.as_str()),
            ("client_id", client_id),
            ("client_secret", secret),
            ("code_verifier", sent.verifier),
        ];
        let answer = if metadata.token_by_get {
            let mut url = url::Url::parse(&metadata.token).map_err(|_| "The provider's token URL is not valid.")?;
            url.query_pairs_mut().extend_pairs(&form[1..]);
            upstream.get(url.as_str(), None).await
        } else {
            upstream.post_form(&metadata.token, &form, None).await
        }
        .map_err(|e| match e {
            // Cognito's words for it.
            UpstreamError::Timeout(_) => "Timeout occurred in calling IdP token endpoint".to_owned(),
            other => other.to_string(),
        })?;
        let body = json_object(&answer).unwrap_or_default();
        if answer.status != 200 {
            let error = match body.get("error") {
                Some(Value::String(code)) => code.clone(),
                // Facebook: {"error": {"message", "type", "code"}}.
                Some(Value::Object(error)) => error.get("type").and_then(Value::as_str).unwrap_or("error").to_owned(),
                _ => String::new(),
            };
            tracing::warn!(provider = %provider.name, status = answer.status, %error, "the identity provider refused the code");
            // As Cognito words it; the provider's own error code goes to the log.
            return Err(format!("{} Error - {} error getting token", provider.name, answer.status));
        }
        Ok(body)
    }
}

/// Facebook's profile URL names the fields it is to return: the mapped claims and `id`, as
/// `attributes_url_add_attributes` says Cognito does.
fn profile_url(provider: &IdentityProvider, metadata: &ProviderMetadata) -> Result<String, String> {
    let base = metadata.attributes.clone().ok_or("The identity provider has no attributes URL.")?;
    if provider.provider_type != "Facebook" || !base.ends_with("fields=") {
        return Ok(base);
    }
    let mut fields: Vec<&str> = vec!["id"];
    for claim in provider.attribute_mapping.values() {
        if !fields.contains(&claim.as_str()) {
            fields.push(claim);
        }
    }
    let encoded: Vec<String> =
        fields.iter().map(|f| url::form_urlencoded::byte_serialize(f.as_bytes()).collect()).collect();
    Ok(format!("{base}{}", encoded.join(",")))
}

/// The attributes URL read with the access token (GET, or POST when the provider says so).
async fn read_attributes(
    upstream: &dyn UpstreamClient,
    url: &str,
    access_token: &str,
    by_post: bool,
) -> Result<Claims, String> {
    let answer = if by_post {
        upstream.post_form(url, &[], Some(access_token)).await
    } else {
        upstream.get(url, Some(access_token)).await
    }
    .map_err(|e| e.to_string())?;
    if answer.status != 200 {
        return Err(format!("The identity provider's attributes URL answered HTTP {}.", answer.status));
    }
    json_object(&answer).ok_or_else(|| "The identity provider's attributes are not a JSON object.".into())
}

/// Apple sends the name only on the first sign-in, in a form field beside the code: as Cognito,
/// it becomes the `firstName`, `lastName` and `name` claims.
fn add_apple_user(claims: &mut Claims, apple_user: Option<&str>) {
    let Some(Ok(Value::Object(user))) = apple_user.map(serde_json::from_str::<Value>) else { return };
    let part = |key: &str| user.get("name").and_then(|n| n.get(key)).and_then(Value::as_str).map(str::to_owned);
    let (first, last) = (part("firstName"), part("lastName"));
    if let Some(first) = &first {
        claims.insert("firstName".into(), Value::String(first.clone()));
    }
    if let Some(last) = &last {
        claims.insert("lastName".into(), Value::String(last.clone()));
    }
    let full: Vec<String> = [first, last].into_iter().flatten().collect();
    if !full.is_empty() {
        claims.insert("name".into(), Value::String(full.join(" ")));
    }
}

/// A provider's id token, checked as an OpenID relying party must: the signature by a key of
/// its JWKS (fetched again for an unknown `kid`), `iss`, `aud` (or an `aud` list holding the
/// client), the `nonce` this sign-in sent, `exp`, and a subject.
async fn check_id_token(
    token: &str,
    keys: &cognate_verify::JwksCache,
    issuer: &str,
    client_id: &str,
    nonce: &str,
    now: UnixTime,
) -> Result<Claims, String> {
    let decoded = cognate_verify::decode(token).map_err(|e| format!("The provider's id token: {e}"))?;
    let key = keys.key(&decoded.kid).await.map_err(|e| match e {
        cognate_verify::VerifyError::UnknownKid => {
            "The provider's id token is signed with a key its JWKS lacks.".into()
        }
        other => format!("The provider's keys: {other}"),
    })?;
    key.verify(&decoded).map_err(|_| "The provider's id token has a bad signature.")?;
    let claims: Claims =
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apples_name_becomes_claims() {
        let mut claims = Claims::new();
        add_apple_user(&mut claims, Some(r#"{"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"a@b.c"}"#));
        assert_eq!(claims["firstName"], "Ada");
        assert_eq!(claims["lastName"], "Lovelace");
        assert_eq!(claims["name"], "Ada Lovelace");
        let mut untouched = Claims::new();
        add_apple_user(&mut untouched, Some("not json"));
        add_apple_user(&mut untouched, None);
        assert!(untouched.is_empty());
    }
}
