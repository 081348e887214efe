//! Per-route rules: which requests need which token. The longest prefix whose methods match
//! decides; a request no rule covers needs a valid token of the default use.

use cognate_verify::{Requirements, TokenUse};

use crate::config::{parse_token_use, RouteConfig};

/// What a request needs.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Nothing: forwarded as is (claim headers still stripped).
    Public,
    /// A valid token that meets these requirements.
    Protected(Requirements),
}

#[derive(Debug)]
struct Rule {
    prefix: String,
    methods: Vec<String>,
    decision: Decision,
}

/// The route table, longest prefix first.
#[derive(Debug)]
pub struct Rules {
    rules: Vec<Rule>,
    default: Decision,
}

fn prefix_matches(prefix: &str, path: &str) -> bool {
    match path.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || prefix.ends_with('/') || rest.starts_with('/'),
        None => false,
    }
}

impl Rules {
    /// Builds the table; `default_use` applies where a rule names no token use.
    pub fn new(routes: &[RouteConfig], default_use: Option<TokenUse>) -> Result<Self, String> {
        let mut rules = Vec::with_capacity(routes.len());
        for route in routes {
            let decision = if route.public {
                Decision::Public
            } else {
                let token_use = match &route.token_use {
                    Some(name) => parse_token_use(name)?,
                    None => default_use,
                };
                Decision::Protected(Requirements {
                    token_use,
                    scopes: route.scopes.clone(),
                    groups: route.groups.clone(),
                    checks: Vec::new(),
                })
            };
            let methods = route.methods.iter().map(|m| m.to_ascii_uppercase()).collect();
            rules.push(Rule { prefix: route.prefix.clone(), methods, decision });
        }
        rules.sort_by_key(|rule| std::cmp::Reverse(rule.prefix.len()));
        let default = Decision::Protected(Requirements { token_use: default_use, ..Requirements::default() });
        Ok(Self { rules, default })
    }

    /// The decision for a request.
    pub fn decide(&self, method: &str, path: &str) -> &Decision {
        let path = path.split(['?', '#']).next().unwrap_or("/");
        self.rules
            .iter()
            .find(|rule| {
                prefix_matches(&rule.prefix, path)
                    && (rule.methods.is_empty() || rule.methods.iter().any(|m| m.eq_ignore_ascii_case(method)))
            })
            .map_or(&self.default, |rule| &rule.decision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(prefix: &str, methods: &[&str], public: bool, groups: &[&str]) -> RouteConfig {
        RouteConfig {
            prefix: prefix.into(),
            methods: methods.iter().map(|m| m.to_string()).collect(),
            public,
            token_use: None,
            scopes: vec![],
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    #[test]
    fn the_longest_matching_prefix_and_method_decide() {
        let rules = Rules::new(
            &[
                route("/api", &[], false, &[]),
                route("/api/activities/home", &["GET"], true, &[]),
                route("/api/admin", &[], false, &["admin"]),
            ],
            Some(TokenUse::Access),
        )
        .unwrap();
        assert!(matches!(rules.decide("GET", "/api/activities/home?x=1"), Decision::Public));
        assert!(matches!(rules.decide("POST", "/api/activities/home"), Decision::Protected(_)));
        match rules.decide("DELETE", "/api/admin/users/1") {
            Decision::Protected(r) => assert_eq!(r.groups, vec!["admin"]),
            other => panic!("{other:?}"),
        }
        // "/api/administrator" is not under "/api/admin".
        match rules.decide("GET", "/api/administrator") {
            Decision::Protected(r) => assert!(r.groups.is_empty()),
            other => panic!("{other:?}"),
        }
        match rules.decide("GET", "/elsewhere") {
            Decision::Protected(r) => assert_eq!(r.token_use, Some(TokenUse::Access)),
            other => panic!("{other:?}"),
        }
    }
}
