#!/usr/bin/env bash
# The token endpoint under load: client_credentials tokens per second from the release binary
# (wrk, 2 threads, 16 connections, on the same 2 cores), beside the machine's RSA-2048 signing
# bound from `openssl speed` in the same run — each token costs one signature.
#   bench/oauth.sh [seconds]
# DATABASE_URL=postgres://... runs it on PostgreSQL instead of the embedded SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
port=${PORT:-9401}
bin=target/release/cognate
[ -x "$bin" ] || cargo build --release
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
COGNATE_ACCESS_KEY_ID=AKIABENCHCOGNATE0001 COGNATE_SECRET_ACCESS_KEY=bench-secret COGNATE_LOG=warn \
  "$bin" serve --listen 127.0.0.1:$port --data-dir "$work" --config /dev/null \
  ${DATABASE_URL:+--database-url "$DATABASE_URL"} >"$work/log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
basic=$(python3 - "http://127.0.0.1:$port" <<'PY'
import base64, sys, uuid
import boto3
idp = boto3.client("cognito-idp", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="AKIABENCHCOGNATE0001", aws_secret_access_key="bench-secret")
pool = idp.create_user_pool(PoolName="bench-oauth")["UserPool"]["Id"]
idp.create_user_pool_domain(UserPoolId=pool, Domain=f"bench-{uuid.uuid4().hex[:8]}")
idp.create_resource_server(UserPoolId=pool, Identifier="bench-api", Name="Bench",
                           Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}])
client = idp.create_user_pool_client(UserPoolId=pool, ClientName="bench", GenerateSecret=True,
                                     AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["client_credentials"],
                                     AllowedOAuthScopes=["bench-api/read"])["UserPoolClient"]
print(base64.b64encode(f"{client['ClientId']}:{client['ClientSecret']}".encode()).decode())
PY
)
echo "== RSA-2048 signatures per second on this machine (openssl speed, both cores)"
bound=$(openssl speed -seconds "$seconds" -multi 2 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $6}')
echo "openssl: $bound signs/s"
echo "== client_credentials at /oauth2/token"
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }   # the server's user + system ticks
before=$(cpu)
result=$(LABEL=client_credentials BASIC=$basic BODY="grant_type=client_credentials" \
  wrk -t2 -c16 -d"${seconds}s" -s bench/form.lua "http://127.0.0.1:$port/oauth2/token" | grep RESULT)
after=$(cpu)
echo "$result"
rate=$(echo "$result" | awk '{print $3}')
python3 - "$rate" "$bound" "$before" "$after" "$seconds" "$(getconf CLK_TCK)" <<'PY'
import sys
rate, bound, before, after, seconds, tick = map(float, sys.argv[1:])
cores = (after - before) / tick / seconds
print(f"tokens/s over the signing bound: {rate / bound:.0%} (wrk shares the two cores)")
print(f"server CPU: {cores:.2f} cores; tokens per server CPU-second over signs per CPU-second: "
      f"{(rate / cores) / (bound / 2):.0%}")
PY
