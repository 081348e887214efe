//! OAuth scopes: Cognito's built-in ones and the custom `<resource server>/<scope>` kind.

use crate::model::ResourceServer;

/// `openid`: an id token. `email`, `phone`, `profile`: those claims (they need `openid`).
/// `aws.cognito.signin.user.admin`: the self-service API (GetUser and friends).
pub const BUILT_IN: [&str; 5] = ["openid", "email", "phone", "profile", crate::tokens::USER_ADMIN_SCOPE];

/// Whether `scope` is one of Cognito's built-in scopes.
pub fn is_built_in(scope: &str) -> bool {
    BUILT_IN.contains(&scope)
}

/// A custom scope's resource-server identifier and scope name. Identifiers may hold `/` (they
/// are often URLs) and scope names may not, so the last `/` separates them.
pub fn split_custom(scope: &str) -> Option<(&str, &str)> {
    scope.rsplit_once('/').filter(|(id, name)| !id.is_empty() && !name.is_empty())
}

/// Whether a custom scope names a scope of one of `servers`.
pub fn custom_scope_exists(scope: &str, servers: &[ResourceServer]) -> bool {
    let Some((identifier, name)) = split_custom(scope) else { return false };
    servers.iter().any(|s| s.identifier == identifier && s.scopes.iter().any(|x| x.name == name))
}

/// The attributes the `profile` scope releases (OpenID Connect's standard claims; custom
/// attributes too, as Cognito does).
const PROFILE_ATTRIBUTES: [&str; 16] = [
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
    "address",
    "identities",
];

/// Whether OAuth `scopes` release the attribute `name` into the id token and userInfo: with
/// `openid` alone every attribute the client may read; with `profile`, `email` or `phone`, just
/// the attributes of those.
pub fn releases(scopes: &[String], name: &str) -> bool {
    let has = |wanted: &str| scopes.iter().any(|s| s == wanted);
    let (profile, email, phone) = (has("profile"), has("email"), has("phone"));
    if !(profile || email || phone) {
        return true;
    }
    match name {
        "email" | "email_verified" => email,
        "phone_number" | "phone_number_verified" => phone,
        _ => profile && (name.starts_with("custom:") || PROFILE_ATTRIBUTES.contains(&name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResourceScope;

    #[test]
    fn custom_scopes_split_at_the_last_slash() {
        assert_eq!(split_custom("https://api.example.com/read"), Some(("https://api.example.com", "read")));
        assert_eq!(split_custom("solar-system-data/asteroids.read"), Some(("solar-system-data", "asteroids.read")));
        assert_eq!(split_custom("openid"), None);
        assert_eq!(split_custom("api/"), None);
        let servers = [ResourceServer {
            pool_id: "p".into(),
            identifier: "https://api.example.com".into(),
            name: "API".into(),
            scopes: vec![ResourceScope { name: "read".into(), description: "Read".into() }],
        }];
        assert!(custom_scope_exists("https://api.example.com/read", &servers));
        assert!(!custom_scope_exists("https://api.example.com/write", &servers));
        assert!(!custom_scope_exists("https://api.example.org/read", &servers));
    }

    #[test]
    fn scopes_release_their_attributes() {
        let scopes = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(releases(&scopes(&["openid"]), "email"));
        assert!(releases(&scopes(&["openid"]), "custom:team"));
        assert!(releases(&scopes(&["openid", "email"]), "email_verified"));
        assert!(!releases(&scopes(&["openid", "email"]), "name"));
        assert!(!releases(&scopes(&["openid", "profile"]), "phone_number"));
        assert!(releases(&scopes(&["openid", "profile"]), "custom:team"));
        assert!(releases(&scopes(&["openid", "phone", "profile"]), "phone_number_verified"));
    }
}
