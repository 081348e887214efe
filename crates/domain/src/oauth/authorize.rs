//! `/oauth2/authorize`'s parameters, checked as Cognito checks them: who asks (the client, whose
//! pool must have a domain), where the answer goes (exactly one of its callback URLs), and what
//! is asked (response type, scopes, PKCE, provider, prompt). Errors before the redirect URI is
//! trusted are shown on the error page; later ones go back to the client.

use url::Url;

use super::scopes;
use crate::error::DomainError;
use crate::model::{AppClient, IdentityProvider, Pool};
use crate::Cognate;

/// The authorize parameters, as sent (the hosted pages carry them along in their query).
#[derive(Debug, Clone, Default)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub state: Option<String>,
    pub scope: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub nonce: Option<String>,
    pub identity_provider: Option<String>,
    pub idp_identifier: Option<String>,
    pub login_hint: Option<String>,
    pub prompt: Option<String>,
    /// The pool whose domain the request came to (not a query parameter): another pool's
    /// client is unknown there.
    pub served_pool: Option<String>,
}

impl AuthorizeParams {
    /// Reads the parameters from `(name, value)` pairs (a query string); unknown names are
    /// ignored, and a repeated parameter is refused (RFC 6749 section 3.1).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, AuthorizeError> {
        let mut params = Self::default();
        for (name, value) in pairs {
            let slot = match name {
                "response_type" => &mut params.response_type,
                "client_id" => &mut params.client_id,
                "redirect_uri" => &mut params.redirect_uri,
                "state" => &mut params.state,
                "scope" => &mut params.scope,
                "code_challenge" => &mut params.code_challenge,
                "code_challenge_method" => &mut params.code_challenge_method,
                "nonce" => &mut params.nonce,
                "identity_provider" => &mut params.identity_provider,
                "idp_identifier" => &mut params.idp_identifier,
                "login_hint" => &mut params.login_hint,
                "prompt" => &mut params.prompt,
                _ => continue,
            };
            if value.is_empty() {
                continue;
            }
            if slot.replace(value.to_owned()).is_some() {
                return Err(AuthorizeError::Page(format!("The parameter {name} was given more than once.")));
            }
        }
        Ok(params)
    }

    /// The parameters as `(name, value)` pairs, to carry them from page to page.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        let fields = [
            ("response_type", &self.response_type),
            ("client_id", &self.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("state", &self.state),
            ("scope", &self.scope),
            ("code_challenge", &self.code_challenge),
            ("code_challenge_method", &self.code_challenge_method),
            ("nonce", &self.nonce),
            ("identity_provider", &self.identity_provider),
            ("idp_identifier", &self.idp_identifier),
            ("login_hint", &self.login_hint),
            ("prompt", &self.prompt),
        ];
        fields.into_iter().filter_map(|(name, value)| value.as_deref().map(|v| (name, v))).collect()
    }
}

/// What the client asked for: a code in the query, or tokens in the fragment (implicit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    Code,
    Token,
}

/// The `prompt` parameter: whether an existing session may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// Use the session if there is one, else show the sign-in page.
    Default,
    /// Always show the sign-in page.
    Login,
    /// Never show a page: without a session, answer `login_required`.
    None,
}

/// An authorize request that passed every check: who asked, where and how to answer.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub pool: Pool,
    pub client: AppClient,
    pub params: AuthorizeParams,
    pub response_type: ResponseType,
    pub redirect_uri: String,
    /// The scopes to grant: those asked for that the client is allowed, or all it is allowed.
    pub scopes: Vec<String>,
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    /// The external identity provider the request names (`identity_provider` or
    /// `idp_identifier`), if not the pool's own directory.
    pub federated: Option<IdentityProvider>,
}

/// Why an authorize request (or a page that carries one) cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum AuthorizeError {
    /// The client or redirect URI cannot be trusted, so nothing is redirected: the error page
    /// shows this (status 400).
    #[error("{0}")]
    Page(String),
    /// The client is told at its redirect URI: the whole location.
    #[error("redirect to {0}")]
    Redirect(String),
    /// Our own fault.
    #[error(transparent)]
    Server(#[from] DomainError),
}

impl From<crate::StoreError> for AuthorizeError {
    fn from(err: crate::StoreError) -> Self {
        AuthorizeError::Server(err.into())
    }
}

/// The longest `state` or `nonce` carried: they travel in URLs and cookies.
const MAX_ECHOED: usize = 2048;

impl Authorization {
    /// The location that answers the client with `pairs` (and its `state`): in the query for
    /// the code flow, in the fragment for the implicit flow.
    pub fn answer(&self, pairs: &[(&str, &str)]) -> String {
        let mut answer = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs {
            answer.append_pair(name, value);
        }
        if let Some(state) = &self.params.state {
            answer.append_pair("state", state);
        }
        let answer = answer.finish();
        match (self.response_type, self.redirect_uri.contains('?')) {
            (ResponseType::Token, _) => format!("{}#{answer}", self.redirect_uri),
            (ResponseType::Code, true) => format!("{}&{answer}", self.redirect_uri),
            (ResponseType::Code, false) => format!("{}?{answer}", self.redirect_uri),
        }
    }

    /// An OAuth error for the client, as the location that carries it.
    pub fn error(&self, error: &str, description: &str) -> AuthorizeError {
        AuthorizeError::Redirect(self.answer(&[("error", error), ("error_description", description)]))
    }
}

impl Cognate {
    /// Checks an authorize request. The client and its redirect URI come first: until both are
    /// known, errors are [`AuthorizeError::Page`]; after, the client is told at its URI.
    pub async fn check_authorize(&self, params: &AuthorizeParams) -> Result<Authorization, AuthorizeError> {
        let client_id =
            params.client_id.as_deref().ok_or_else(|| AuthorizeError::Page("client_id is required.".into()))?;
        let (pool, client) =
            self.client_served(client_id, params.served_pool.as_deref()).await.map_err(|e| match e {
                DomainError::ResourceNotFound(_) => AuthorizeError::Page("The client_id is not known.".into()),
                other => AuthorizeError::Server(other),
            })?;
        if pool.domain.is_none() && pool.custom_domain.is_none() {
            return Err(AuthorizeError::Page(format!(
                "User pool {} has no domain, so its hosted pages are off: create one with CreateUserPoolDomain.",
                pool.id
            )));
        }
        let redirect_uri =
            params.redirect_uri.as_deref().ok_or_else(|| AuthorizeError::Page("redirect_uri is required.".into()))?;
        // Exactly one of the registered URLs, compared as strings: no prefix, no normalisation.
        if !client.settings.callback_urls.iter().any(|u| u == redirect_uri) || Url::parse(redirect_uri).is_err() {
            return Err(AuthorizeError::Page("redirect_mismatch".into()));
        }
        let mut authorization = Authorization {
            pool,
            client,
            params: params.clone(),
            response_type: ResponseType::Code,
            redirect_uri: redirect_uri.to_owned(),
            scopes: Vec::new(),
            code_challenge: None,
            prompt: Prompt::Default,
            federated: None,
        };
        let response_type = match params.response_type.as_deref() {
            None => return Err(authorization.error("invalid_request", "response_type is required.")),
            Some("code") => ResponseType::Code,
            Some("token") => ResponseType::Token,
            Some(_) => {
                return Err(authorization.error("unsupported_response_type", "response_type must be code or token."))
            }
        };
        authorization.response_type = response_type;
        let settings = &authorization.client.settings;
        let flow = if response_type == ResponseType::Code { "code" } else { "implicit" };
        if !settings.allowed_oauth_flows_user_pool_client || !settings.allowed_oauth_flows.iter().any(|f| f == flow) {
            return Err(
                authorization.error("unauthorized_client", &format!("The client is not allowed the {flow} flow."))
            );
        }
        if params.state.as_deref().is_some_and(|s| s.len() > MAX_ECHOED)
            || params.nonce.as_deref().is_some_and(|n| n.len() > MAX_ECHOED)
        {
            return Err(authorization.error("invalid_request", "state and nonce are at most 2048 characters."));
        }
        authorization.code_challenge =
            pkce_challenge(params).map_err(|why| authorization.error("invalid_request", why))?;
        authorization.prompt = match params.prompt.as_deref() {
            None | Some("consent" | "select_account") => Prompt::Default,
            Some("login") => Prompt::Login,
            Some("none") => Prompt::None,
            Some(_) => {
                return Err(
                    authorization.error("invalid_request", "prompt must be none, login, consent or select_account.")
                )
            }
        };
        let supports = |p: &str| settings.supported_identity_providers.iter().any(|s| s == p);
        let pool_id = authorization.pool.id.clone();
        let federated = match (params.identity_provider.as_deref(), params.idp_identifier.as_deref()) {
            (None | Some("COGNITO"), None) => None,
            (Some(name), _) => Some((name.to_owned(), self.store.get_identity_provider(&pool_id, name).await)),
            (None, Some(identifier)) => {
                Some((identifier.to_owned(), self.store.identity_provider_by_identifier(&pool_id, identifier).await))
            }
        };
        match federated {
            None if supports("COGNITO") => {}
            None => {
                return Err(authorization
                    .error("invalid_request", "The identity provider COGNITO is not enabled for this client."))
            }
            Some((_, Ok(Some(provider)))) if supports(&provider.name) => authorization.federated = Some(provider),
            Some((_, Err(err))) => return Err(AuthorizeError::Server(err.into())),
            Some((named, _)) => {
                return Err(authorization.error(
                    "invalid_request",
                    &format!("The identity provider {named} is not enabled for this client."),
                ))
            }
        }
        let servers = self.store.pool_resource_servers(&authorization.pool.id).await?;
        authorization.scopes = granted_scopes(params.scope.as_deref(), &settings.allowed_oauth_scopes, &servers)
            .map_err(|why| authorization.error("invalid_scope", &why))?;
        Ok(authorization)
    }
}

/// The PKCE challenge, if any: S256 only (Cognito refuses `plain`), and shaped as RFC 7636 says.
fn pkce_challenge(params: &AuthorizeParams) -> Result<Option<String>, &'static str> {
    match (params.code_challenge.as_deref(), params.code_challenge_method.as_deref()) {
        (None, None) => Ok(None),
        (Some(challenge), Some("S256")) => {
            let shaped =
                challenge.len() == 43 && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if shaped {
                Ok(Some(challenge.to_owned()))
            } else {
                Err("code_challenge must be the base64url SHA-256 of the code_verifier (43 characters).")
            }
        }
        (Some(_), None) => Err("code_challenge_method is required with a code_challenge."),
        (None, Some(_)) => Err("code_challenge is required with a code_challenge_method."),
        (Some(_), Some(_)) => Err("code_challenge_method must be S256."),
    }
}

/// The scopes granted for `requested` (space-separated): an unknown or malformed scope is
/// `invalid_scope`; one the client is not allowed is dropped, as Cognito drops it; nothing
/// asked means everything allowed.
fn granted_scopes(
    requested: Option<&str>,
    allowed: &[String],
    servers: &[crate::model::ResourceServer],
) -> Result<Vec<String>, String> {
    let mut granted: Vec<String> = Vec::new();
    match requested {
        None => granted.extend(allowed.iter().cloned()),
        Some(requested) => {
            for scope in requested.split(' ').filter(|s| !s.is_empty()) {
                if !(scopes::is_built_in(scope) || scopes::custom_scope_exists(scope, servers)) {
                    return Err(format!("{scope} is not a scope of this user pool."));
                }
                if allowed.iter().any(|a| a == scope) && !granted.iter().any(|g| g == scope) {
                    granted.push(scope.to_owned());
                }
            }
        }
    }
    let needs_openid = granted.iter().any(|s| matches!(s.as_str(), "email" | "phone" | "profile"));
    if needs_openid && !granted.iter().any(|s| s == "openid") {
        return Err("The email, phone and profile scopes need the openid scope.".into());
    }
    if granted.is_empty() {
        return Err("None of the requested scopes is allowed for this client.".into());
    }
    Ok(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn scopes_are_checked_then_narrowed_to_the_client() {
        let allowed = owned(&["openid", "email", "aws.cognito.signin.user.admin"]);
        assert_eq!(granted_scopes(None, &allowed, &[]).unwrap(), allowed);
        assert_eq!(granted_scopes(Some("openid profile email"), &allowed, &[]).unwrap(), owned(&["openid", "email"]));
        assert!(granted_scopes(Some("openid nonsense"), &allowed, &[]).is_err(), "an unknown scope");
        assert!(granted_scopes(Some("email"), &allowed, &[]).is_err(), "email without openid");
        assert!(granted_scopes(Some("phone"), &allowed, &[]).is_err(), "nothing allowed");
    }

    #[test]
    fn pkce_is_s256_only() {
        let with = |challenge: Option<&str>, method: Option<&str>| AuthorizeParams {
            code_challenge: challenge.map(str::to_owned),
            code_challenge_method: method.map(str::to_owned),
            ..AuthorizeParams::default()
        };
        let good = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert_eq!(pkce_challenge(&with(Some(good), Some("S256"))).unwrap().as_deref(), Some(good));
        assert!(pkce_challenge(&with(Some(good), Some("plain"))).is_err());
        assert!(pkce_challenge(&with(Some(good), None)).is_err());
        assert!(pkce_challenge(&with(Some("short"), Some("S256"))).is_err());
        assert!(pkce_challenge(&with(None, None)).unwrap().is_none());
    }

    #[test]
    fn repeated_parameters_are_refused() {
        assert!(AuthorizeParams::from_pairs([("state", "a"), ("state", "b")]).is_err());
        let params = AuthorizeParams::from_pairs([("state", "a"), ("other", "x"), ("scope", "")]).unwrap();
        assert_eq!((params.state.as_deref(), params.scope), (Some("a"), None));
    }
}
