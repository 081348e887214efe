//! The EIP-4361 message a wallet is asked to sign, written exactly as the standard lays it out
//! (so that wallets show it as a sign-in request and the `siwe` package parses it).

use cognate_crypto::ethereum::Address;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::clock::UnixTime;
use crate::error::{DomainError, Result};

/// One sign-in request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignInMessage<'a> {
    pub(crate) domain: &'a str,
    pub(crate) address: Address,
    pub(crate) statement: &'a str,
    pub(crate) uri: &'a str,
    pub(crate) chain_id: u64,
    pub(crate) nonce: &'a str,
    pub(crate) issued_at: UnixTime,
    pub(crate) expires: UnixTime,
}

/// An RFC 3339 time in UTC, to the second.
pub(crate) fn rfc3339(at: UnixTime) -> Result<String> {
    OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .ok_or_else(|| DomainError::internal("a time out of range"))
}

impl SignInMessage<'_> {
    /// The text to sign.
    pub(crate) fn text(&self) -> Result<String> {
        Ok(format!(
            "{domain} wants you to sign in with your Ethereum account:\n\
             {address}\n\
             \n\
             {statement}\n\
             \n\
             URI: {uri}\n\
             Version: 1\n\
             Chain ID: {chain_id}\n\
             Nonce: {nonce}\n\
             Issued At: {issued_at}\n\
             Expiration Time: {expires}",
            domain = self.domain,
            address = self.address.checksummed(),
            statement = self.statement,
            uri = self.uri,
            chain_id = self.chain_id,
            nonce = self.nonce,
            issued_at = rfc3339(self.issued_at)?,
            expires = rfc3339(self.expires)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_laid_out_as_eip_4361_says() {
        let address = Address::parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").expect("an address");
        let message = SignInMessage {
            domain: "localhost:3000",
            address,
            statement: "Sign in to Cruddur.",
            uri: "http://localhost:3000",
            chain_id: 1,
            nonce: "a1b2c3d4e5f6a7b8",
            issued_at: 1_796_668_800,
            expires: 1_796_668_980,
        };
        assert_eq!(
            message.text().expect("a text"),
            "localhost:3000 wants you to sign in with your Ethereum account:\n\
             0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n\nSign in to Cruddur.\n\n\
             URI: http://localhost:3000\nVersion: 1\nChain ID: 1\nNonce: a1b2c3d4e5f6a7b8\n\
             Issued At: 2026-12-07T18:40:00Z\nExpiration Time: 2026-12-07T18:43:00Z"
        );
    }
}
