//! The Cruddur API: the tutorial's Flask backend rebuilt with axum. A public home feed, a
//! protected feed of the caller's own cruds, posting, and a moderators-only route. Who the caller
//! is comes either from cognate-verify's layer (in-process verification of the bearer token) or
//! from the headers cognate-gate hands nginx (the gateway deployment).

pub mod activities;
pub mod caller;
pub mod routes;

pub use caller::{Authentication, Caller};
pub use routes::{router, ApiConfig};
