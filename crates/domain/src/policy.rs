//! The password policy check, with Cognito's messages.

use crate::error::{DomainError, Result};
use crate::model::PasswordPolicy;

const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// Checks a new password against the pool's policy.
pub fn check_password(policy: &PasswordPolicy, password: &str) -> Result<()> {
    let fail = |why: &str| Err(DomainError::InvalidPassword(format!("Password did not conform with policy: {why}")));
    if password.chars().count() > 256 {
        return fail("Password is too long");
    }
    if (password.chars().count() as u32) < policy.minimum_length {
        return fail("Password not long enough");
    }
    if policy.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
        return fail("Password must have uppercase characters");
    }
    if policy.require_lowercase && !password.chars().any(|c| c.is_lowercase()) {
        return fail("Password must have lowercase characters");
    }
    if policy.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
        return fail("Password must have numeric characters");
    }
    if policy.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
        return fail("Password must have symbol characters");
    }
    if password.starts_with(' ') || password.ends_with(' ') {
        return Err(DomainError::invalid("The password can not have a leading or trailing space."));
    }
    Ok(())
}

/// The policy in words, one rule per line, for the hosted sign-up and new-password pages.
pub fn password_rules(policy: &PasswordPolicy) -> Vec<String> {
    let mut rules = vec![format!("at least {} characters", policy.minimum_length)];
    let flags = [
        (policy.require_uppercase, "an uppercase letter"),
        (policy.require_lowercase, "a lowercase letter"),
        (policy.require_numbers, "a number"),
        (policy.require_symbols, "a special character"),
    ];
    rules.extend(flags.into_iter().filter(|(on, _)| *on).map(|(_, rule)| rule.to_owned()));
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_messages() {
        let policy = PasswordPolicy::default();
        let message = |p: &str| check_password(&policy, p).unwrap_err().to_string();
        assert!(check_password(&policy, "Passw0rd!").is_ok());
        assert_eq!(message("Pa0!"), "Password did not conform with policy: Password not long enough");
        assert_eq!(
            message("password0!"),
            "Password did not conform with policy: Password must have uppercase characters"
        );
        assert_eq!(
            message("PASSWORD0!"),
            "Password did not conform with policy: Password must have lowercase characters"
        );
        assert_eq!(
            message("Password!!"),
            "Password did not conform with policy: Password must have numeric characters"
        );
        assert_eq!(message("Password00"), "Password did not conform with policy: Password must have symbol characters");
    }

    #[test]
    fn relaxed_policy() {
        let policy = PasswordPolicy {
            minimum_length: 6,
            require_uppercase: false,
            require_lowercase: false,
            require_numbers: false,
            require_symbols: false,
            temporary_password_validity_days: 7,
        };
        assert!(check_password(&policy, "abcdef").is_ok());
    }
}
