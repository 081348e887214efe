//! Which endpoint serves a function: the configuration's `[[triggers.functions]]` entries, each
//! an ARN pattern and a URL, tried in order. In a pattern `*` stands for any run of characters
//! within one of the ARN's `:`-separated fields; in the URL `{function}` stands for the
//! function's name. So `arn:aws:lambda:*:*:function:*` → `http://127.0.0.1:3001/{function}`
//! sends every function to one local server, each under its own path.

/// One mapping: an ARN pattern and the URL it sends calls to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Route {
    pattern: String,
    url: String,
}

/// The ARN-to-URL mappings, in the order the configuration gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunctionRoutes(Vec<Route>);

impl FunctionRoutes {
    /// Routes from (ARN pattern, URL) pairs. URLs must be https, or http on a loopback address
    /// (the events carry users' attributes and passwords).
    pub fn new(pairs: Vec<(String, String)>) -> Result<Self, String> {
        let mut routes = Vec::new();
        for (pattern, url) in pairs {
            if !pattern.starts_with("arn:") {
                return Err(format!("trigger function pattern {pattern}: it must be an ARN (with * for any part)"));
            }
            if !crate::federation::endpoint_allowed(&url.replace("{function}", "f")) {
                return Err(format!(
                    "trigger endpoint {url}: it must be https, or http on a loopback address (events carry passwords)"
                ));
            }
            routes.push(Route { pattern, url });
        }
        Ok(Self(routes))
    }

    /// The URL the first matching route gives `arn`.
    pub fn url_for(&self, arn: &str) -> Option<String> {
        let route = self.0.iter().find(|r| matches(&r.pattern, arn))?;
        let function = arn.split(':').nth(6).unwrap_or_default();
        Some(route.url.replace("{function}", function))
    }
}

/// Whether `arn` matches `pattern`, field by field (`*` matches within one field).
fn matches(pattern: &str, arn: &str) -> bool {
    let (pattern, arn): (Vec<&str>, Vec<&str>) = (pattern.split(':').collect(), arn.split(':').collect());
    pattern.len() == arn.len() && pattern.iter().zip(&arn).all(|(p, a)| field_matches(p.as_bytes(), a.as_bytes()))
}

/// Glob matching of one field, `*` being any run of bytes.
fn field_matches(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| field_matches(rest, &text[skip..])),
        Some((c, rest)) => text.split_first().is_some_and(|(t, text)| t == c && field_matches(rest, text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_pattern_gives_the_url_with_the_function_name() {
        let routes = FunctionRoutes::new(vec![
            ("arn:aws:lambda:us-east-1:123456789012:function:legacy".into(), "https://old.example.com/hook".into()),
            ("arn:aws:lambda:*:*:function:*".into(), "http://127.0.0.1:3001/{function}".into()),
        ])
        .unwrap();
        let url = |arn: &str| routes.url_for(arn);
        assert_eq!(
            url("arn:aws:lambda:us-east-1:123456789012:function:legacy").as_deref(),
            Some("https://old.example.com/hook")
        );
        assert_eq!(
            url("arn:aws:lambda:eu-west-1:1:function:preSignUp").as_deref(),
            Some("http://127.0.0.1:3001/preSignUp")
        );
        assert_eq!(url("arn:aws:lambda:eu-west-1:1:function:f:live"), None, "a qualified ARN has one field more");
        assert_eq!(url("arn:aws:sns:eu-west-1:1:topic"), None);
    }

    #[test]
    fn stars_match_within_a_field() {
        assert!(field_matches(b"pre-*", b"pre-sign-up"));
        assert!(field_matches(b"*-up", b"pre-sign-up"));
        assert!(!field_matches(b"pre-*", b"post-x"));
        assert!(!matches("arn:aws:lambda:*:function:*", "arn:aws:lambda:us-east-1:1:function:f"));
    }

    #[test]
    fn endpoints_must_be_safe_for_passwords() {
        assert!(FunctionRoutes::new(vec![("arn:*".into(), "http://hooks.example.com/".into())]).is_err());
        assert!(FunctionRoutes::new(vec![("*".into(), "https://hooks.example.com/".into())]).is_err());
        assert!(FunctionRoutes::new(vec![("arn:*".into(), "https://hooks.example.com/{function}".into())]).is_ok());
    }
}
