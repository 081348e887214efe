//! Counters for `/metrics`, in Prometheus' text format: requests allowed, refused by reason,
//! JWKS fetches, and the sizes of the token cache and the revocation list.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use cognate_verify::{RevocationList, Verifier};

/// The gate's counters. Allowed requests touch one atomic; refusals, a small map.
#[derive(Debug, Default)]
pub struct Metrics {
    allowed: AtomicU64,
    public: AtomicU64,
    rejected: Mutex<BTreeMap<&'static str, u64>>,
}

impl Metrics {
    /// A request let through with a verified token.
    pub fn allowed(&self) {
        self.allowed.fetch_add(1, Ordering::Relaxed);
    }

    /// A request let through by a public route.
    pub fn public(&self) {
        self.public.fetch_add(1, Ordering::Relaxed);
    }

    /// A request refused, by reason.
    pub fn rejected(&self, reason: &'static str) {
        let mut rejected = self.rejected.lock().unwrap_or_else(|p| p.into_inner());
        *rejected.entry(reason).or_insert(0) += 1;
    }

    /// The text exposition.
    pub fn render(&self, verifier: &Verifier, revocations: Option<&RevocationList>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP cognate_gate_requests_total Requests let through.");
        let _ = writeln!(out, "# TYPE cognate_gate_requests_total counter");
        let _ = writeln!(
            out,
            "cognate_gate_requests_total{{result=\"verified\"}} {}",
            self.allowed.load(Ordering::Relaxed)
        );
        let _ =
            writeln!(out, "cognate_gate_requests_total{{result=\"public\"}} {}", self.public.load(Ordering::Relaxed));
        let _ = writeln!(out, "# HELP cognate_gate_rejected_total Requests refused, by reason.");
        let _ = writeln!(out, "# TYPE cognate_gate_rejected_total counter");
        for (reason, count) in self.rejected.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = writeln!(out, "cognate_gate_rejected_total{{reason=\"{reason}\"}} {count}");
        }
        let _ = writeln!(out, "# HELP cognate_gate_jwks_fetches_total JWKS fetches started.");
        let _ = writeln!(out, "# TYPE cognate_gate_jwks_fetches_total counter");
        let _ = writeln!(out, "cognate_gate_jwks_fetches_total {}", verifier.jwks().fetch_count());
        let _ = writeln!(out, "# HELP cognate_gate_token_cache_entries Verified tokens cached.");
        let _ = writeln!(out, "# TYPE cognate_gate_token_cache_entries gauge");
        let _ = writeln!(out, "cognate_gate_token_cache_entries {}", verifier.token_cache().map_or(0, |c| c.len()));
        if let Some(list) = revocations {
            let (sessions, users) = list.len();
            let _ = writeln!(out, "# HELP cognate_gate_revocations Revoked sessions and users known from the feed.");
            let _ = writeln!(out, "# TYPE cognate_gate_revocations gauge");
            let _ = writeln!(out, "cognate_gate_revocations{{kind=\"session\"}} {sessions}");
            let _ = writeln!(out, "cognate_gate_revocations{{kind=\"user\"}} {users}");
        }
        out
    }
}
