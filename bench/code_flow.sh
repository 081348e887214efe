#!/usr/bin/env bash
# The whole authorization-code flow under load (crates/testkit/examples/code_flow_load.rs):
# authorize, the sign-in page, the form's POST (one password verification), the code's
# exchange (two RS256 signatures), per second, on the demo pool of cognate.toml — beside
# USER_PASSWORD_AUTH sign-ins through the API (the same password check and signatures) in the
# same run (wrk), as the ratio to compare.
#   bench/code_flow.sh [seconds] [concurrency]
# DATABASE_URL=postgres://... runs it on PostgreSQL; COGNATE_PASSWORD_HASH picks the hash cost
# (default here: owasp, as a production server).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
concurrency=${2:-8}
port=${PORT:-9402}
bin=${COGNATE_BIN:-target/release/cognate}
[ -x "$bin" ] || cargo build --release
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
cargo build --release -q -p cognate-testkit --example code_flow_load
. bench/serve.sh
start_cognate "$port" "${COGNATE_PASSWORD_HASH:-owasp}"
python3 - "$url" <<'PY'
import sys
import boto3
idp = boto3.client("cognito-idp", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="AKIABENCHCOGNATE0001", aws_secret_access_key="bench-secret")
idp.admin_create_user(UserPoolId="us-east-1_cruddur01", Username="bench@example.com", MessageAction="SUPPRESS",
                      UserAttributes=[{"Name": "email", "Value": "bench@example.com"},
                                      {"Name": "email_verified", "Value": "true"}, {"Name": "name", "Value": "Bench"}])
idp.admin_set_user_password(UserPoolId="us-east-1_cruddur01", Username="bench@example.com",
                            Password="Bench-Pass-1!", Permanent=True)
PY
client=cruddurwebclient0000000001
echo "== code flow: authorize, page, sign-in POST, exchange (${concurrency} workers, ${seconds}s)"
target/release/examples/code_flow_load "$url" "$client" http://localhost:3000/ bench@example.com 'Bench-Pass-1!' "$seconds" "$concurrency"
echo "== USER_PASSWORD_AUTH through the API, for comparison (the same password check and signatures)"
printf '{"ClientId":"%s","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"bench@example.com","PASSWORD":"Bench-Pass-1!"}}' \
  "$client" >"$work/auth.json"
TARGET=InitiateAuth BODY_FILE="$work/auth.json" wrk -t2 -c"$concurrency" -d"${seconds}s" -s bench/fixed.lua "$url" | grep RESULT
