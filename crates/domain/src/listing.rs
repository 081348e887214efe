//! ListUsers with Cognito's filter syntax, and AdminListUserAuthEvents.

use cursor_token::{decode_cursor, encode_cursor};

use crate::error::{DomainError, Result};
use crate::model::{AuthEvent, User, UserFilter, FILTERABLE_ATTRIBUTES};
use crate::Cognate;

/// Parses `attr = "value"` or `attr ^= "prefix"` (an empty filter lists everyone).
pub fn parse_filter(filter: &str) -> Result<Option<UserFilter>> {
    let filter = filter.trim();
    if filter.is_empty() {
        return Ok(None);
    }
    // Cognito's answer to any filter it cannot read.
    let invalid = || DomainError::invalid("Error while parsing filter.");
    let (attr, rest, prefix) = match (filter.find("^="), filter.find('=')) {
        (Some(i), _) => (&filter[..i], &filter[i + 2..], true),
        (None, Some(i)) => (&filter[..i], &filter[i + 1..], false),
        _ => return Err(invalid()),
    };
    let attr = attr.trim();
    let rest = rest.trim();
    let value = rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')).ok_or_else(invalid)?;
    if value.contains('"') {
        return Err(invalid());
    }
    let known =
        ["username", "cognito:user_status", "status", "sub"].contains(&attr) || FILTERABLE_ATTRIBUTES.contains(&attr);
    if !known {
        return Err(DomainError::invalid(format!("Invalid search attribute: {attr}")));
    }
    Ok(Some(UserFilter { attr: attr.to_owned(), value: value.to_owned(), prefix }))
}

/// Opaque pagination tokens: the hex of the cursor's parts as JSON.
mod cursor_token {
    use crate::error::{DomainError, Result};

    pub fn encode_cursor(parts: &[&str]) -> String {
        hex::encode(serde_json::to_vec(parts).unwrap_or_default())
    }

    pub fn decode_cursor(token: &str) -> Result<Vec<String>> {
        let invalid = || DomainError::invalid("Invalid pagination token.");
        if token.len() > 4096 {
            return Err(invalid());
        }
        let bytes = hex::decode(token).map_err(|_| invalid())?;
        serde_json::from_slice(&bytes).map_err(|_| invalid())
    }
}

impl Cognate {
    /// ListUsers: one index range per page, never a scan; keyset pagination, so every user is
    /// returned exactly once even while users are added.
    pub async fn list_users(
        &self,
        pool_id: &str,
        filter: Option<&str>,
        limit: Option<i64>,
        token: Option<&str>,
    ) -> Result<(Vec<User>, Option<String>)> {
        self.pool(pool_id).await?;
        let filter = parse_filter(filter.unwrap_or(""))?;
        let limit = limit.unwrap_or(60);
        if !(1..=60).contains(&limit) {
            return Err(DomainError::invalid("Limit must be between 1 and 60."));
        }
        let cursor = token.map(decode_cursor).transpose()?;
        let after = match &cursor {
            Some(parts) if parts.len() == 2 => Some((parts[0].as_str(), parts[1].as_str())),
            Some(_) => return Err(DomainError::invalid("Invalid pagination token.")),
            None => None,
        };
        let rows = self.store.list_users(pool_id, filter.as_ref(), after, limit as u32 + 1).await?;
        let (rows, next) = page(rows, limit as usize, |(value, user)| encode_cursor(&[value, &user.sub]));
        Ok((rows.into_iter().map(|(_, user)| user).collect(), next))
    }

    /// AdminListUserAuthEvents: newest first.
    pub async fn admin_list_user_auth_events(
        &self,
        pool_id: &str,
        username: &str,
        max_results: Option<i64>,
        token: Option<&str>,
    ) -> Result<(Vec<AuthEvent>, Option<String>)> {
        let pool = self.pool(pool_id).await?;
        let user = self.existing_user(&pool, username).await?;
        let limit = max_results.unwrap_or(60);
        if !(1..=60).contains(&limit) {
            return Err(DomainError::invalid("MaxResults must be between 0 and 60."));
        }
        let before = match token.map(decode_cursor).transpose()? {
            Some(parts) if parts.len() == 2 => {
                let number = |s: &str| s.parse::<i64>().map_err(|_| DomainError::invalid("Invalid pagination token."));
                Some((number(&parts[0])?, number(&parts[1])?))
            }
            Some(_) => return Err(DomainError::invalid("Invalid pagination token.")),
            None => None,
        };
        let rows = self.store.list_auth_events(pool_id, &user.sub, before, limit as u32 + 1).await?;
        let (rows, next) =
            page(rows, limit as usize, |(seq, e)| encode_cursor(&[&e.created.to_string(), &seq.to_string()]));
        Ok((rows.into_iter().map(|(_, e)| e).collect(), next))
    }
}

/// One page out of the `limit + 1` rows a store returned: the first `limit`, and the next page's
/// token, made from the last of them, when there were more.
pub(crate) fn page<T>(mut rows: Vec<T>, limit: usize, token: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more { rows.last().map(token) } else { None };
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_as_cognito_writes_them() {
        let f = parse_filter(r#"email ^= "ada""#).unwrap().unwrap();
        assert_eq!((f.attr.as_str(), f.value.as_str(), f.prefix), ("email", "ada", true));
        let f = parse_filter(r#"cognito:user_status = "CONFIRMED""#).unwrap().unwrap();
        assert_eq!((f.attr.as_str(), f.value.as_str(), f.prefix), ("cognito:user_status", "CONFIRMED", false));
        assert!(parse_filter("").unwrap().is_none());
        assert!(parse_filter(r#"custom:team = "x""#).is_err());
        assert!(parse_filter(r#"email = unquoted"#).is_err());
        assert!(parse_filter(r#"email"#).is_err());
        let unreadable = parse_filter(r#"email = unquoted"#).unwrap_err().to_string();
        assert_eq!(unreadable, "Error while parsing filter.", "the text clients match on");
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let token = encode_cursor(&["a@b.c", "sub-1"]);
        assert_eq!(decode_cursor(&token).unwrap(), vec!["a@b.c", "sub-1"]);
        assert!(decode_cursor("zz").is_err());
        assert!(decode_cursor("abc").is_err());
    }
}
