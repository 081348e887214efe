//! Handlers: each turns a wire request into domain input, calls one use case, and turns the
//! result back into the wire answer.

pub mod auth;
pub mod devices;
pub mod federation;
pub mod groups;
pub mod lifecycle;
pub mod mfa;
pub mod oauth;
pub mod passkeys;
pub mod pools;
pub mod users;
