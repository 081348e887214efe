#!/usr/bin/env bash
# The first factors of choice-based sign-in beside SRP (crates/testkit/examples/passwordless_load.rs):
# the release binary on the demo pool of cognate.toml (passkeys bound to localhost, codes by email
# written to an outbox), the same number of sign-ins of each kind — SRP, a passkey, an emailed
# code — their rate and latency, and the server's own CPU time per sign-in, read from /proc.
#   bench/passwordless.sh [sign-ins] [concurrency]
# DATABASE_URL=postgres://... runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
concurrency=${2:-8}
port=${PORT:-9405}
bin=${COGNATE_BIN:-target/release/cognate}
[ -x "$bin" ] || cargo build --release
cargo build --release -q -p cognate-testkit --example passwordless_load
outbox=$(mktemp)
export COGNATE_OUTBOX=$outbox
. bench/serve.sh
start_cognate "$port" "${COGNATE_PASSWORD_HASH:-development}"
trap 'kill $server 2>/dev/null || true; rm -rf "$work" "$outbox"' EXIT
target/release/examples/passwordless_load "$url" "$server" "$outbox" "$count" "$concurrency"
