//! Sign-in through external identity providers, as Cognito federates: the providers of a pool
//! (their admin API and what each type needs), the round trip to an OIDC provider, and the
//! federated users it makes.

mod flow;
mod presets;
mod providers;
mod upstream;
mod users;

pub use flow::ProviderAnswer;
pub use presets::endpoint_allowed;
pub use providers::{IdentityProviderInput, IdentityProviderView};
pub use upstream::{UpstreamClient, UpstreamError, UpstreamResponse};
