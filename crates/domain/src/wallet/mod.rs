//! Wallet sign-in (Sign-In with Ethereum, EIP-4361), Cognate's extension of CUSTOM_AUTH: with a
//! pool's `WalletSignIn` setting, `InitiateAuth(CUSTOM_AUTH, USERNAME=<0x address>)` answers a
//! message to sign and the wallet's `personal_sign` signature is the answer, with no trigger.
//! Smart-contract wallets (EIP-1271) are not supported: their signatures need a chain to check.

mod message;
mod signin;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result};

pub(crate) use message::SignInMessage;
pub(crate) use signin::wallet_named;

/// A pool's wallet sign-in: what its messages say. Without a domain and URI, the server's
/// public URL gives them (its host:port and the URL itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletSignIn {
    /// The RFC 3986 authority asking for the signature (the web site the wallet shows).
    pub domain: Option<String>,
    /// The URI the sign-in is for.
    pub uri: Option<String>,
    /// The EIP-155 chain id (1, Ethereum's main network, by default).
    pub chain_id: u64,
    /// The sentence the wallet shows above the fields.
    pub statement: Option<String>,
}

/// The statement of a pool that sets none.
pub const DEFAULT_STATEMENT: &str = "Sign in with your Ethereum account.";

/// The largest chain id JavaScript wallets can hold exactly (2^53 - 1).
const MAX_CHAIN_ID: u64 = 9_007_199_254_740_991;

impl Default for WalletSignIn {
    fn default() -> Self {
        Self { domain: None, uri: None, chain_id: 1, statement: None }
    }
}

/// UpdateUserPool's handling of the setting: Cognito's own clients cannot send it, so a request
/// without it leaves it as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalletChange {
    Keep,
    Set(Option<WalletSignIn>),
}

impl WalletSignIn {
    /// Refuses values that would make a message EIP-4361 parsers reject or wallets misread.
    pub fn check(&self) -> Result<()> {
        let invalid = |what: &str| DomainError::invalid(format!("WalletSignIn: {what}"));
        if let Some(domain) = &self.domain {
            let authority = |c: char| c.is_ascii_alphanumeric() || ".-:[]".contains(c);
            if domain.is_empty() || domain.len() > 253 || !domain.chars().all(authority) {
                return Err(invalid("Domain must be a host name with an optional port, such as app.example.com:8443."));
            }
        }
        if let Some(uri) = &self.uri {
            let parsed = url::Url::parse(uri).map_err(|_| invalid("Uri must be an absolute URI."))?;
            if uri.len() > 2048 || uri.chars().any(char::is_whitespace) || parsed.cannot_be_a_base() {
                return Err(invalid("Uri must be an absolute URI."));
            }
        }
        if !(1..=MAX_CHAIN_ID).contains(&self.chain_id) {
            return Err(invalid("ChainId must be between 1 and 9007199254740991."));
        }
        if let Some(statement) = &self.statement {
            // EIP-4361's grammar: RFC 3986's reserved and unreserved characters and spaces.
            let allowed = |c: char| c.is_ascii_alphanumeric() || " -._~:/?#[]@!$&'()*+,;=".contains(c);
            if statement.is_empty() || statement.len() > 512 || !statement.chars().all(allowed) {
                return Err(invalid(
                    "Statement must be 1 to 512 characters: letters, digits, spaces and -._~:/?#[]@!$&'()*+,;=",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_that_would_break_the_message_are_refused() {
        assert!(WalletSignIn::default().check().is_ok());
        let with = |f: fn(&mut WalletSignIn)| {
            let mut setting = WalletSignIn::default();
            f(&mut setting);
            setting.check()
        };
        assert!(with(|s| s.domain = Some("localhost:3000".into())).is_ok());
        assert!(with(|s| s.domain = Some("https://evil.example".into())).is_err());
        assert!(with(|s| s.domain = Some("a.example\nURI: x".into())).is_err());
        assert!(with(|s| s.uri = Some("http://localhost:3000/".into())).is_ok());
        assert!(with(|s| s.uri = Some("/relative".into())).is_err());
        assert!(with(|s| s.chain_id = 0).is_err());
        assert!(with(|s| s.statement = Some("Sign in to Cruddur.".into())).is_ok());
        assert!(with(|s| s.statement = Some("two\nlines".into())).is_err());
    }
}
