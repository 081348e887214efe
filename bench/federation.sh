#!/usr/bin/env bash
# Federated sign-in beside native sign-in (crates/testkit/examples/federation_load.rs): the
# release binary on the demo pool of cognate.toml, a stand-in OIDC provider inside the driver
# (ES256 id tokens, userinfo), whole flows per second, their latency, and the server's own CPU
# time per sign-in, read from /proc so that the provider's and the driver's work are not counted.
#   bench/federation.sh [seconds] [concurrency]
# DATABASE_URL=postgres://... runs it on PostgreSQL; COGNATE_PASSWORD_HASH picks the native
# sign-in's hash cost (default here: development, so that the comparison is of the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
concurrency=${2:-8}
port=${PORT:-9403}
bin=${COGNATE_BIN:-target/release/cognate}
[ -x "$bin" ] || cargo build --release
cargo build --release -q -p cognate-testkit --example federation_load
. bench/serve.sh
start_cognate "$port" "${COGNATE_PASSWORD_HASH:-development}"
target/release/examples/federation_load "$url" "$server" "$seconds" "$concurrency"
