//! The OAuth 2.0 side of a pool: its domains, its resource servers and their custom scopes, the
//! OAuth settings of app clients, and the token endpoint's grants.

pub mod client_credentials;
mod client_settings;
mod domains;
mod error;
mod refresh;
pub mod resource_servers;
mod revoke;
pub mod scopes;

pub use client_credentials::{ClientAuthentication, GrantedToken};
pub(crate) use client_settings::{check_oauth_settings, OAuthFields};
pub use domains::DomainInput;
pub use error::OAuthError;
pub use resource_servers::ResourceServerInput;
