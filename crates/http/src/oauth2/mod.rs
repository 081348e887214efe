//! The OAuth 2.0 endpoints of every pool with a domain, under the server's public URL:
//! `/oauth2/token`, `/oauth2/userInfo` and `/oauth2/revoke`. The pool is found from the client; errors are RFC 6749's, mapped once.

mod client_auth;
mod error;
pub(crate) mod form;
pub mod revoke;
pub mod token;
pub mod userinfo;

pub use error::{Endpoint, OAuthErrorResponse};
