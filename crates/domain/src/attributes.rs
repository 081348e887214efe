//! User attributes against a pool's schema: the standard schema, validation of values and of who
//! may write them, sign-in names, and the masked destinations Cognito reports.

use std::collections::BTreeMap;

use crate::error::{DomainError, Result};
use crate::model::{AttributeDataType, Pool, SchemaAttribute, User};

/// Cognito's standard attributes: (name, type, mutable).
const STANDARD: &[(&str, AttributeDataType, bool)] = &[
    ("sub", AttributeDataType::String, false),
    ("name", AttributeDataType::String, true),
    ("given_name", AttributeDataType::String, true),
    ("family_name", AttributeDataType::String, true),
    ("middle_name", AttributeDataType::String, true),
    ("nickname", AttributeDataType::String, true),
    ("preferred_username", AttributeDataType::String, true),
    ("profile", AttributeDataType::String, true),
    ("picture", AttributeDataType::String, true),
    ("website", AttributeDataType::String, true),
    ("email", AttributeDataType::String, true),
    ("email_verified", AttributeDataType::Boolean, true),
    ("gender", AttributeDataType::String, true),
    ("birthdate", AttributeDataType::String, true),
    ("zoneinfo", AttributeDataType::String, true),
    ("locale", AttributeDataType::String, true),
    ("phone_number", AttributeDataType::String, true),
    ("phone_number_verified", AttributeDataType::Boolean, true),
    ("address", AttributeDataType::String, true),
    ("updated_at", AttributeDataType::Number, true),
    ("identities", AttributeDataType::String, true),
];

/// Whether `name` is one of Cognito's standard attributes.
pub fn is_standard(name: &str) -> bool {
    STANDARD.iter().any(|(n, _, _)| *n == name)
}

/// The standard schema, every attribute optional, as a new pool starts.
pub fn standard_schema() -> Vec<SchemaAttribute> {
    STANDARD
        .iter()
        .map(|&(name, data_type, mutable)| SchemaAttribute {
            name: name.to_owned(),
            data_type,
            developer_only: false,
            mutable,
            required: name == "sub",
            min_length: (data_type == AttributeDataType::String).then_some(if name == "sub" { 1 } else { 0 }),
            max_length: (data_type == AttributeDataType::String).then_some(2048),
            min_value: (data_type == AttributeDataType::Number).then_some(0),
            max_value: None,
        })
        .collect()
}

/// Who is writing attributes: a public client (restricted by its WriteAttributes) or an admin.
#[derive(Debug, Clone, Copy)]
pub enum Writer<'a> {
    Client { write_attributes: &'a [String] },
    Admin,
}

fn schema_error(name: &str, reason: &str) -> DomainError {
    DomainError::invalid(format!("Attributes did not conform to the schema: {name}: {reason}"))
}

/// Checks attributes a caller wants to set, returning them as a map. `creating` also checks
/// that every required attribute is present.
pub fn validate(
    pool: &Pool,
    given: &[(String, String)],
    writer: Writer<'_>,
    creating: bool,
) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (name, value) in given {
        let Some(attr) = pool.schema.iter().find(|a| a.name == *name) else {
            return Err(schema_error(name, "Attribute does not exist in the schema."));
        };
        if name == "sub" {
            return Err(DomainError::invalid("Cannot modify the non-mutable attribute sub"));
        }
        // Cognate keeps `identities`: the logins of linked identities derive from it.
        if name == "identities" {
            return Err(DomainError::invalid("user.identities: Attribute cannot be updated."));
        }
        if let Writer::Client { write_attributes } = writer {
            let listed = write_attributes.is_empty() || write_attributes.iter().any(|w| w == name);
            if attr.developer_only || !listed {
                return Err(DomainError::not_authorized("A client attempted to write unauthorized attribute"));
            }
        }
        if !creating && !attr.mutable {
            return Err(DomainError::invalid(format!("Cannot modify an immutable attribute: {name}")));
        }
        check_value(attr, value)?;
        // Cognito takes booleans in any case ("True", "FALSE") and keeps them lower-case.
        let value = match attr.data_type {
            AttributeDataType::Boolean => value.to_ascii_lowercase(),
            _ => value.clone(),
        };
        out.insert(name.clone(), value);
    }
    if creating {
        for attr in pool.schema.iter().filter(|a| a.required && a.name != "sub") {
            if !out.contains_key(&attr.name) {
                return Err(schema_error(&attr.name, "The attribute is required"));
            }
        }
    }
    Ok(out)
}

fn check_value(attr: &SchemaAttribute, value: &str) -> Result<()> {
    let len = value.chars().count() as u64;
    match attr.data_type {
        AttributeDataType::String | AttributeDataType::DateTime => {
            if attr.min_length.is_some_and(|min| len < min) || len > attr.max_length.unwrap_or(2048) {
                return Err(schema_error(&attr.name, "String attribute length is out of range"));
            }
        }
        AttributeDataType::Number => {
            let number: i64 = value.parse().map_err(|_| schema_error(&attr.name, "Number is not valid"))?;
            if attr.min_value.is_some_and(|m| number < m) || attr.max_value.is_some_and(|m| number > m) {
                return Err(schema_error(&attr.name, "Number is out of range"));
            }
        }
        AttributeDataType::Boolean => {
            if !value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false") {
                return Err(schema_error(&attr.name, "Boolean is not valid"));
            }
        }
    }
    match attr.name.as_str() {
        "email" if !looks_like_email(value) => Err(DomainError::invalid("Invalid email address format.")),
        "phone_number" if !looks_like_phone(value) => Err(DomainError::invalid("Invalid phone number format.")),
        _ => Ok(()),
    }
}

/// A plain check that a value is shaped like an email address (one `@`, text on both sides,
/// a dot in the domain, no spaces).
pub fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !value.chars().any(char::is_whitespace)
}

/// E.164: `+` and 2 to 15 digits.
pub fn looks_like_phone(value: &str) -> bool {
    value.strip_prefix('+').is_some_and(|d| (2..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// A username must be 1 to 128 characters with no white space or control characters.
pub fn check_username(username: &str) -> Result<()> {
    let len = username.chars().count();
    if len == 0 || len > 128 || username.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(DomainError::invalid(
            "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
        ));
    }
    Ok(())
}

/// The form under which a sign-in name is stored and looked up.
pub fn normalize_login(pool: &Pool, name: &str) -> String {
    if pool.case_sensitive {
        name.to_owned()
    } else {
        name.to_lowercase()
    }
}

/// The names a user can sign in with: the username, username attributes, verified aliases, and
/// `<ProviderName>_<subject>` of each identity it holds.
pub fn login_names(pool: &Pool, user: &User) -> Vec<String> {
    let mut names = vec![normalize_login(pool, &user.username)];
    for attr in &pool.username_attributes {
        if let Some(value) = user.attributes.get(attr) {
            names.push(normalize_login(pool, value));
        }
    }
    for attr in &pool.alias_attributes {
        let verified = match attr.as_str() {
            "email" => user.attributes.get("email_verified").is_some_and(|v| v == "true"),
            "phone_number" => user.attributes.get("phone_number_verified").is_some_and(|v| v == "true"),
            _ => true,
        };
        if let (true, Some(value)) = (verified, user.attributes.get(attr)) {
            names.push(normalize_login(pool, value));
        }
    }
    // Each identity the user holds (a federated user's own, or one linked to it).
    for (provider, subject) in crate::federation::identity_names(user) {
        names.push(normalize_login(pool, &format!("{provider}_{subject}")));
    }
    names.sort();
    names.dedup();
    names
}

/// Masks a destination as Cognito does: `a***@e***` for email, `+*******1234` for phones.
pub fn mask_destination(value: &str) -> String {
    if let Some((local, domain)) = value.split_once('@') {
        let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
        format!("{}***@{}***", first(local), first(domain))
    } else {
        let keep = value.len().saturating_sub(4);
        value
            .char_indices()
            .map(|(i, c)| {
                if i == 0 && c == '+' {
                    '+'
                } else if i < keep {
                    '*'
                } else {
                    c
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_destination("alice@example.com"), "a***@e***");
        assert_eq!(mask_destination("+15555550123"), "+*******0123");
    }

    #[test]
    fn shapes_of_emails_and_phones() {
        assert!(looks_like_email("a.b@example.co"));
        assert!(!looks_like_email("no-at.example.com"));
        assert!(!looks_like_email("a@b"));
        assert!(!looks_like_email("a b@example.com"));
        assert!(looks_like_phone("+15555550123"));
        assert!(!looks_like_phone("5555550123"));
    }

    #[test]
    fn usernames() {
        assert!(check_username("alice_1@x").is_ok());
        assert!(check_username("").is_err());
        assert!(check_username("has space").is_err());
        assert!(check_username(&"a".repeat(129)).is_err());
    }
}
