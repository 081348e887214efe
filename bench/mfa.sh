#!/usr/bin/env bash
# A sign-in with a software token beside a plain one (crates/testkit/examples/mfa_load.rs): the
# release binary on the demo pool of cognate.toml with TOTP MFA turned on, the same number of
# sign-ins of each kind, their latency, and the server's own CPU time per sign-in, read from /proc.
#   bench/mfa.sh [sign-ins] [concurrency]
# DATABASE_URL=postgres://... runs it on PostgreSQL; COGNATE_PASSWORD_HASH picks the password's
# hash cost (default here: development, so that the comparison is of the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
concurrency=${2:-8}
port=${PORT:-9404}
bin=${COGNATE_BIN:-target/release/cognate}
[ -x "$bin" ] || cargo build --release
cargo build --release -q -p cognate-testkit --example mfa_load
. bench/serve.sh
start_cognate "$port" "${COGNATE_PASSWORD_HASH:-development}"
target/release/examples/mfa_load "$url" "$server" "$count" "$concurrency"
