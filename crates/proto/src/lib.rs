//! The Cognito user-pools wire contract: action names, request and response bodies, error names.
//!
//! Everything here is plain serde data in Cognito's PascalCase JSON shape. No behaviour lives here:
//! the domain decides, the HTTP layer translates.

mod action;
pub mod auth;
mod challenge;
pub mod devices;
mod error;
pub mod federation;
pub mod lifecycle;
pub mod mfa;
pub mod oauth;
pub mod passkeys;
pub mod pools;
pub mod types;
pub mod users;

pub use action::Action;
pub use challenge::{AuthFlow, ChallengeName};
pub use error::ErrorType;
