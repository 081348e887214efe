//! Sign-in through external identity providers, as Cognito federates: the providers of a pool
//! (their admin API and what each type needs), and — in later steps — the round trip to the
//! provider and the federated users it makes.

mod presets;
mod providers;
mod upstream;

pub use presets::endpoint_allowed;
pub use providers::{IdentityProviderInput, IdentityProviderView};
pub use upstream::{UpstreamClient, UpstreamError, UpstreamResponse};
