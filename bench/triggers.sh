#!/usr/bin/env bash
# A sign-in with a PreTokenGeneration trigger beside one without (crates/testkit/examples/triggers_load.rs):
# the release binary with COGNATE_TRIGGER_URL pointing at the driver, which is also the trigger's
# receiver (a V2_0 handler behind the signature check, on this machine). Reports each run's rate,
# latency and the server's CPU per sign-in, the latency the trigger adds, and how many TCP
# connections the trigger calls took (they are reused).
#   bench/triggers.sh [sign-ins] [concurrency]
# DATABASE_URL=postgres://... runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
concurrency=${2:-8}
port=${PORT:-9406}
receiver=${RECEIVER_PORT:-9407}
bin=${COGNATE_BIN:-target/release/cognate}
[ -x "$bin" ] || cargo build --release
cargo build --release -q -p cognate-testkit --example triggers_load
secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export COGNATE_TRIGGER_URL="http://127.0.0.1:$receiver/{function}" COGNATE_TRIGGER_SECRET=$secret
. bench/serve.sh
start_cognate "$port" "${COGNATE_PASSWORD_HASH:-development}"
target/release/examples/triggers_load "$url" "$server" "$receiver" "$secret" "$count" "$concurrency"
