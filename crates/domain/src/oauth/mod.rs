//! The OAuth 2.0 side of a pool: its domains, its resource servers and their custom scopes, the
//! OAuth settings of app clients, the authorize request and the hosted sign-in, and the token,
//! userInfo, revocation and logout endpoints, and the hosted pages' branding.

mod authorize;
pub mod client_credentials;
mod client_settings;
mod code;
mod domains;
mod error;
mod hosted;
mod logout;
mod refresh;
pub mod resource_servers;
mod revoke;
pub mod scopes;
pub mod ui_customization;
mod userinfo;

pub use authorize::{Authorization, AuthorizeError, AuthorizeParams, Prompt, ResponseType};
pub use client_credentials::{ClientAuthentication, GrantedToken};
pub(crate) use client_settings::{check_oauth_settings, OAuthFields};
pub use domains::DomainInput;
pub use error::OAuthError;
pub use hosted::{sign_up_fields, HostedSignIn, HostedSignUp, CODE_SECONDS, HOSTED_SESSION_SECONDS};
pub use logout::LogoutTarget;
pub use resource_servers::ResourceServerInput;
pub use ui_customization::{branding_of, logo_path, UiCustomizationView, UiTarget};
pub use userinfo::UserInfoError;
