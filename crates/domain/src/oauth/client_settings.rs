//! The OAuth settings of an app client, checked as CreateUserPoolClient and
//! UpdateUserPoolClient check them: flows, scopes, callback and logout URLs (the identity
//! providers, which need the store, are checked in `clients`).

use url::Url;

use super::scopes;
use crate::error::{DomainError, Result};
use crate::model::ResourceServer;

const FLOWS: [&str; 3] = ["code", "implicit", "client_credentials"];

/// The client fields this checks.
pub(crate) struct OAuthFields<'a> {
    pub flows: &'a [String],
    pub scopes: &'a [String],
    pub callback_urls: &'a [String],
    pub logout_urls: &'a [String],
    pub default_redirect_uri: Option<&'a str>,
    pub has_secret: bool,
}

/// Checks a client's OAuth settings against Cognito's rules; `servers` are the pool's resource
/// servers (for custom scopes).
pub(crate) fn check_oauth_settings(fields: &OAuthFields<'_>, servers: &[ResourceServer]) -> Result<()> {
    for flow in fields.flows {
        if !FLOWS.contains(&flow.as_str()) {
            return Err(DomainError::invalid(format!(
                "1 validation error detected: Value '[{flow}]' at 'allowedOAuthFlows' failed to satisfy constraint: Member must satisfy enum value set: [implicit, client_credentials, code]"
            )));
        }
    }
    let client_credentials = fields.flows.iter().any(|f| f == "client_credentials");
    let interactive = fields.flows.iter().any(|f| f == "code" || f == "implicit");
    if client_credentials && interactive {
        return Err(DomainError::InvalidOAuthFlow(
            "client_credentials flow can not be selected along with code flow or implicit flow.".into(),
        ));
    }
    if client_credentials && !fields.has_secret {
        return Err(DomainError::InvalidOAuthFlow(
            "client_credentials flow can not be selected if client does not have a client secret.".into(),
        ));
    }
    if interactive && fields.callback_urls.is_empty() {
        return Err(DomainError::InvalidOAuthFlow(
            "CallbackUrls can not be empty when code flow or implicit flow is selected".into(),
        ));
    }
    for scope in fields.scopes {
        let known = scopes::is_built_in(scope) || scopes::custom_scope_exists(scope, servers);
        if !known {
            return Err(DomainError::ScopeDoesNotExist(format!("Invalid scope requested: {scope}")));
        }
        // Cognito grants client credentials custom scopes only; the text is ours, as no
        // message for this case is documented.
        if client_credentials && scopes::is_built_in(scope) {
            return Err(DomainError::InvalidOAuthFlow(format!(
                "client_credentials flow can only be used with custom scopes; {scope} is a built-in scope."
            )));
        }
    }
    for url in fields.callback_urls.iter().chain(fields.logout_urls) {
        check_redirect_url(url)?;
    }
    if let Some(default) = fields.default_redirect_uri {
        check_redirect_url(default)?;
        if !fields.callback_urls.iter().any(|u| u == default) {
            return Err(DomainError::invalid(format!("DefaultRedirectURI {default} must be one of the CallbackURLs.")));
        }
    }
    Ok(())
}

/// A callback or logout URL: absolute, at most 1024 characters, no fragment; `http` only for the
/// loopback hosts; app schemes such as `myapp://callback` are allowed.
fn check_redirect_url(raw: &str) -> Result<()> {
    let refuse = |why: &str| DomainError::invalid(format!("{raw} {why}"));
    if raw.is_empty() || raw.chars().count() > 1024 {
        return Err(refuse("must be 1 to 1024 characters long."));
    }
    let url = Url::parse(raw).map_err(|_| refuse("is not a valid absolute URL."))?;
    if url.fragment().is_some() {
        return Err(refuse("cannot contain a fragment."));
    }
    if url.scheme() == "http" {
        let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        if !loopback {
            return Err(refuse("cannot use the HTTP protocol."));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_urls_are_https_except_on_loopback() {
        for good in [
            "https://app.example.com/cb",
            "http://localhost:3000/",
            "http://127.0.0.1:8080/cb",
            "http://[::1]/x",
            "myapp://callback",
        ] {
            assert!(check_redirect_url(good).is_ok(), "{good}");
        }
        for bad in
            ["http://localhost.com/", "http://app.example.com/cb", "/relative", "https://a.example.com/#frag", ""]
        {
            assert!(check_redirect_url(bad).is_err(), "{bad}");
        }
    }

    fn check(flows: &[&str], scopes: &[&str], has_secret: bool) -> Result<()> {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (flows, scopes) = (owned(flows), owned(scopes));
        let callback_urls = owned(&["https://app.example.com/cb"]);
        let fields = OAuthFields {
            flows: &flows,
            scopes: &scopes,
            callback_urls: &callback_urls,
            logout_urls: &[],
            default_redirect_uri: None,
            has_secret,
        };
        check_oauth_settings(&fields, &[])
    }

    #[test]
    fn client_credentials_stand_alone_with_a_secret_and_custom_scopes() {
        assert!(matches!(check(&["client_credentials"], &[], false), Err(DomainError::InvalidOAuthFlow(_))));
        assert!(matches!(check(&["client_credentials"], &["openid"], true), Err(DomainError::InvalidOAuthFlow(_))));
        assert!(matches!(check(&["client_credentials", "code"], &[], true), Err(DomainError::InvalidOAuthFlow(_))));
        assert!(check(&["client_credentials"], &[], true).is_ok());
        assert!(check(&["code"], &["openid", "email"], false).is_ok());
        assert!(matches!(check(&["token"], &[], false), Err(DomainError::InvalidParameter(_))));
        assert!(matches!(check(&[], &["api/read"], false), Err(DomainError::ScopeDoesNotExist(_))));
    }
}
