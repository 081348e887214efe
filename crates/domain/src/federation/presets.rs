//! What each provider type takes in ProviderDetails, which of those are secrets, and the keys
//! Cognito derives for the social presets (their endpoints), each of which ProviderDetails may
//! override — which is how a test points a preset at a local stand-in.

use std::collections::BTreeMap;

/// The secret details: sealed at rest; Describe echoes `client_secret` (as Cognito does) but
/// never `private_key`.
pub(super) const SECRET_KEYS: [&str; 2] = ["client_secret", "private_key"];

/// The details that are URLs: https, or http on a loopback address only.
pub(super) const URL_KEYS: [&str; 5] = ["authorize_url", "token_url", "attributes_url", "jwks_uri", "oidc_issuer"];

/// One provider type's ProviderDetails.
pub(super) struct Preset {
    pub required: &'static [&'static str],
    /// Keys that may be given besides the required ones (the derived ones may be too).
    pub optional: &'static [&'static str],
}

/// The preset of a supported `ProviderType`; `None` for SAML (not built) and unknown types.
pub(super) fn preset(provider_type: &str) -> Option<Preset> {
    const SOCIAL: &[&str] = &["client_id", "client_secret", "authorize_scopes"];
    Some(match provider_type {
        "OIDC" => Preset {
            required: &["client_id", "client_secret", "authorize_scopes", "attributes_request_method", "oidc_issuer"],
            optional: &["authorize_url", "token_url", "attributes_url", "jwks_uri", "attributes_url_add_attributes"],
        },
        // Google's and Apple's keys are where the providers publish them; `jwks_uri` may say
        // otherwise (a local stand-in).
        "Google" => Preset { required: SOCIAL, optional: &["jwks_uri"] },
        "LoginWithAmazon" => Preset { required: SOCIAL, optional: &[] },
        "Facebook" => Preset { required: SOCIAL, optional: &["api_version"] },
        "SignInWithApple" => Preset {
            required: &["client_id", "team_id", "key_id", "private_key", "authorize_scopes"],
            optional: &["jwks_uri"],
        },
        _ => return None,
    })
}

/// The keys Cognito adds on Describe for `provider_type`, given the details (Facebook's URLs
/// carry its `api_version`).
pub(super) fn derived(provider_type: &str, details: &BTreeMap<String, String>) -> Vec<(&'static str, String)> {
    let pairs: Vec<(&'static str, String)> = match provider_type {
        "OIDC" => vec![("attributes_url_add_attributes", "false".into())],
        "Google" => vec![
            ("authorize_url", "https://accounts.google.com/o/oauth2/v2/auth".into()),
            ("token_url", "https://www.googleapis.com/oauth2/v4/token".into()),
            ("attributes_url", "https://people.googleapis.com/v1/people/me?personFields=".into()),
            ("attributes_url_add_attributes", "true".into()),
            ("oidc_issuer", "https://accounts.google.com".into()),
            ("token_request_method", "POST".into()),
        ],
        "Facebook" => {
            let version = details.get("api_version").map_or("v17.0", String::as_str);
            vec![
                ("api_version", version.into()),
                ("authorize_url", format!("https://www.facebook.com/{version}/dialog/oauth")),
                ("token_url", format!("https://graph.facebook.com/{version}/oauth/access_token")),
                ("attributes_url", format!("https://graph.facebook.com/{version}/me?fields=")),
                ("attributes_url_add_attributes", "true".into()),
                ("token_request_method", "GET".into()),
            ]
        }
        "LoginWithAmazon" => vec![
            ("authorize_url", "https://www.amazon.com/ap/oa".into()),
            ("token_url", "https://api.amazon.com/auth/o2/token".into()),
            ("attributes_url", "https://api.amazon.com/user/profile".into()),
            ("token_request_method", "POST".into()),
        ],
        "SignInWithApple" => vec![
            ("authorize_url", "https://appleid.apple.com/auth/authorize".into()),
            ("token_url", "https://appleid.apple.com/auth/token".into()),
            ("oidc_issuer", "https://appleid.apple.com".into()),
            ("token_request_method", "POST".into()),
        ],
        _ => vec![],
    };
    pairs
}

/// Whether `url` may be a provider endpoint: absolute https, or http to a loopback host (local
/// upstreams and tests), as Cognito requires https.
pub fn endpoint_allowed(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else { return false };
    match parsed.scheme() {
        "https" => parsed.host().is_some(),
        "http" => match parsed.host() {
            Some(url::Host::Domain(host)) => host == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_https_but_for_loopback() {
        assert!(endpoint_allowed("https://accounts.example.com/authorize"));
        assert!(endpoint_allowed("http://127.0.0.1:9229/oauth2/authorize"));
        assert!(endpoint_allowed("http://localhost:3000/"));
        assert!(endpoint_allowed("http://[::1]:80/"));
        assert!(!endpoint_allowed("http://accounts.example.com/authorize"));
        assert!(!endpoint_allowed("http://127.0.0.1.evil.test/"));
        assert!(!endpoint_allowed("ftp://127.0.0.1/"));
        assert!(!endpoint_allowed("/relative"));
    }

    #[test]
    fn facebook_urls_follow_its_api_version() {
        let details = BTreeMap::from([("api_version".to_owned(), "v19.0".to_owned())]);
        let derived = derived("Facebook", &details);
        assert!(derived.contains(&("token_url", "https://graph.facebook.com/v19.0/oauth/access_token".into())));
    }
}
