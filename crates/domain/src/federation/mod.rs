//! Sign-in through external identity providers, as Cognito federates: the providers of a pool
//! (their admin API and what each type needs), the round trip to a provider, what is cached of
//! each provider, the exchange each provider type needs, the federated users it makes, and links of identities
//! to existing users.

mod exchange;
mod flow;
mod linking;
mod metadata;
mod presets;
mod providers;
mod upstream;
mod users;

pub(crate) use exchange::ProviderClaims;
pub use flow::{binding_cookie_name, FederatedSignIn, FederatedStart, ProviderAnswer, FEDERATION_SECONDS};
pub(crate) use linking::identity_names;
pub use linking::{ProviderUser, MAX_LINKED_IDENTITIES};
pub(crate) use metadata::ProviderCache;
pub use presets::endpoint_allowed;
pub use providers::{IdentityProviderInput, IdentityProviderView};
pub use upstream::{UpstreamClient, UpstreamError, UpstreamResponse};
