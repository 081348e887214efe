#!/usr/bin/env bash
# Token verification, side by side, on one token issued by the release binary:
#   openssl speed rsa2048 (the floor), cognate-verify (criterion: warm JWKS, and cached token),
#   aws-jwt-verify (Node) and PyJWT on one core each; then cognate-gate's forward-auth endpoint
#   under wrk on loopback.    bench/verify.sh [seconds]
# Needs the release binaries, e2e/node's packages, the e2e Python packages and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
port=${PORT:-9401}
gate_port=$((port + 1))
[ -x target/release/cognate ] && [ -x target/release/cognate-gate ] || cargo build --release -p cognate -p cognate-gate
work=$(mktemp -d)
trap 'kill $server $gate 2>/dev/null || true; rm -rf "$work"' EXIT
gate=""
COGNATE_ACCESS_KEY_ID=AKIABENCHCOGNATE0001 COGNATE_SECRET_ACCESS_KEY=bench-secret COGNATE_LOG=warn \
  target/release/cognate serve --listen 127.0.0.1:$port --data-dir "$work" --password-hash development \
  --config /dev/null >"$work/log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
python3 bench/seed.py "http://127.0.0.1:$port" "$work/bodies.json"
read -r pool client token < <(python3 -c "
import json; b = json.load(open('$work/bodies.json'))
print(b['pool'], b['client'], json.loads(b['GetUser'])['AccessToken'])")
issuer="http://127.0.0.1:$port/$pool"
curl -sf "$issuer/.well-known/jwks.json" >"$work/jwks.json"

openssl_rate=$(openssl speed -seconds "$seconds" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $NF}')
echo "openssl speed rsa2048 verify/s (1 core):        $openssl_rate"

COGNATE_BENCH_TOKEN=$token COGNATE_BENCH_JWKS=$work/jwks.json COGNATE_BENCH_ISSUER=$issuer COGNATE_BENCH_CLIENT=$client \
  cargo bench -q -p cognate-verify --bench verify -- --warm-up-time 1 --measurement-time "$seconds" 2>/dev/null \
  | tee "$work/criterion.txt" | grep -E "^verify|thrpt" || true
rate() { awk -v name="$1" '$0 ~ name {found=1} found && /thrpt/ {print $(NF-3) " " $(NF-2); exit}' "$work/criterion.txt"; }
echo "cognate-verify, warm JWKS:                      $(rate rs256_warm_jwks)"
echo "cognate-verify, cached token:                   $(rate rs256_cached_token)"

node_rate=$(cd e2e/node && node verify-tokens.mjs <<<"{\"kind\":\"rsa\",\"issuer\":\"$issuer\",\"jwks\":$(cat "$work/jwks.json"),
  \"clientId\":\"$client\",\"tokenUse\":\"access\",\"bench\":$seconds,\"tokens\":{\"t\":\"$token\"}}" \
  | python3 -c "import json,sys; print(round(json.load(sys.stdin)['per_second']))")
echo "aws-jwt-verify (Node) verify/s:                 $node_rate"

pyjwt_rate=$(python3 - "$token" "$work/jwks.json" "$issuer" "$seconds" <<'PY'
import json, sys, time
import jwt
token, jwks, issuer, seconds = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3], float(sys.argv[4])
kid = jwt.get_unverified_header(token)["kid"]
key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == kid)
count, start = 0, time.perf_counter()
while time.perf_counter() - start < seconds:
    for _ in range(100):
        jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer, options={"verify_aud": False})
    count += 100
print(round(count / (time.perf_counter() - start)))
PY
)
echo "PyJWT verify/s:                                 $pyjwt_rate"

COGNATE_GATE_LOG=warn target/release/cognate-gate --listen 127.0.0.1:$gate_port --issuer "$issuer" \
  --client-id "$client" >"$work/gate.log" 2>&1 &
gate=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$gate_port/health" >/dev/null && break; sleep 0.1; done
if command -v wrk >/dev/null; then
  echo -n "cognate-gate /verify (wrk -t1 -c32, cache on):  "
  TOKEN=$token wrk -t1 -c32 -d"${seconds}s" -s bench/bearer.lua "http://127.0.0.1:$gate_port/verify" | grep RESULT
  kill $gate
  wait $gate 2>/dev/null || true
  COGNATE_GATE_LOG=warn target/release/cognate-gate --listen 127.0.0.1:$gate_port --issuer "$issuer" \
    --client-id "$client" --cache-capacity 0 >"$work/gate.log" 2>&1 &
  gate=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$gate_port/health" >/dev/null && break; sleep 0.1; done
  echo -n "cognate-gate /verify (wrk -t1 -c32, cache off): "
  TOKEN=$token wrk -t1 -c32 -d"${seconds}s" -s bench/bearer.lua "http://127.0.0.1:$gate_port/verify" | grep RESULT
else
  echo "wrk is missing (apt-get install wrk): gate load skipped"
fi
