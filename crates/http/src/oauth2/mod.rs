//! The OAuth 2.0 endpoints of every pool with a domain, under the server's public URL:
//! `/oauth2/token` and `/oauth2/revoke` today. The pool is found from the client; errors are RFC 6749's, mapped once.

mod client_auth;
mod error;
mod form;
pub mod revoke;
pub mod token;

pub use error::{Endpoint, OAuthErrorResponse};
