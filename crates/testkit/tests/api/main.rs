//! The API tests: the AWS SDK for Rust (and cognate-verify, reqwest for the hosted pages) against
//! the real router. One test binary, one module per area: each binary links the whole SDK, and nine
//! of them took most of CI's build.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod auth;
mod branding;
mod delivery;
mod devices;
mod directory;
mod federation;
mod hosted;
mod hosted_account;
mod lifecycle;
mod mfa;
mod oauth;
mod passkeys;
mod pools;
mod protocol;
mod resources;
mod rotation;
mod senders;
mod signup;
mod social;
mod srp;
mod triggers;
mod user_auth;
mod verify;
mod wallet;
