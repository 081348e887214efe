//! Lambda triggers as webhooks. A pool's `LambdaConfig` keeps Cognito's function ARNs; the
//! server's configuration maps each ARN to an HTTP(S) endpoint ([`FunctionRoutes`]), and every
//! call POSTs the exact Lambda event and reads back the returned event ([`TriggerTransport`]).
//! The modules beside this one build each trigger's event and apply what its answer may change.

mod auth;
mod config;
mod custom_auth;
mod event;
mod inbound;
mod invoke;
mod message;
mod migration;
mod pre_token;
mod routes;
mod sender;
mod signup;

use std::sync::Arc;

use async_trait::async_trait;

pub use config::{LambdaConfig, PreTokenVersion, Trigger};
pub(crate) use custom_auth::{no_triggers, ChallengeResult, Decision};
pub(crate) use event::Envelope;
pub(crate) use message::{MessageKind, Requester, Wording};
pub(crate) use migration::Migration;
pub(crate) use pre_token::{Claims, TokenSource};
pub use routes::FunctionRoutes;
pub use sender::SenderCall;
pub(crate) use signup::{Confirmation, SignUpSource};

/// Why a call to a trigger's endpoint gave no event back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TriggerFailure {
    /// The function ran and failed (threw, or returned an error): its message.
    #[error("the function failed: {0}")]
    Function(String),
    /// The function could not be run (no answer in time, refused, unreachable): the cause, in
    /// Lambda's words where there are some ("Socket timeout while invoking Lambda function").
    #[error("the function could not be invoked: {0}")]
    Invocation(String),
}

/// The outbound side of triggers: one signed call per attempt, bounded in time, retried as
/// Cognito retries. Implemented in `cognate-outbound`.
#[async_trait]
pub trait TriggerTransport: Send + Sync {
    /// POSTs `event` (the Lambda event's JSON) to `url` and gives the answer's body.
    async fn call(&self, url: &str, event: Vec<u8>) -> Result<Vec<u8>, TriggerFailure>;
}

/// Where triggers run: the ARN-to-URL routes and the transport. Without routes, a pool can
/// name no function.
#[derive(Clone, Default)]
pub struct Triggers {
    routes: FunctionRoutes,
    transport: Option<Arc<dyn TriggerTransport>>,
}

impl Triggers {
    /// Triggers whose functions `routes` locates, called through `transport`.
    pub fn new(routes: FunctionRoutes, transport: Arc<dyn TriggerTransport>) -> Self {
        Self { routes, transport: Some(transport) }
    }

    /// The endpoint of a function, if the configuration maps its ARN (and can call it).
    pub fn url_for(&self, arn: &str) -> Option<String> {
        self.transport.as_ref()?;
        self.routes.url_for(arn)
    }

    pub(crate) fn transport(&self) -> Option<&Arc<dyn TriggerTransport>> {
        self.transport.as_ref()
    }
}
