#!/usr/bin/env bash
# Load benchmark of the release binary on loopback with wrk (Debian package `wrk`).
#   bench/load.sh [development|owasp] [seconds]
# Measures GetUser, REFRESH_TOKEN_AUTH, USER_PASSWORD_AUTH and SignUp (at 0 and at ~100,000
# users), plus idle memory. Bounded: each run lasts the given seconds (default 10).
# DATABASE_URL=postgres://... runs the same load on PostgreSQL instead of the embedded SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
cost=${1:-development}
seconds=${2:-10}
port=${PORT:-9400}
bin=${COGNATE_BIN:-target/release/cognate}   # another build for an A/B run
[ -x "$bin" ] || cargo build --release -p cognate
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
COGNATE_ACCESS_KEY_ID=AKIABENCHCOGNATE0001 COGNATE_SECRET_ACCESS_KEY=bench-secret COGNATE_LOG=warn \
  "$bin" serve --listen 127.0.0.1:$port --data-dir "$work" --password-hash "$cost" --config /dev/null \
  ${DATABASE_URL:+--database-url "$DATABASE_URL"} >"$work/log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
sleep 1
echo "idle RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)   (password hash cost: $cost)"
python3 bench/seed.py "http://127.0.0.1:$port" "$work/bodies.json"
body() { python3 -c "import json,sys; print(json.load(open('$work/bodies.json'))[sys.argv[1]])" "$1"; }
url="http://127.0.0.1:$port/"
for action in GetUser RefreshTokenAuth UserPasswordAuth; do
  body "$action" >"$work/$action.json"
  target=$action
  case $action in RefreshTokenAuth|UserPasswordAuth) target=InitiateAuth ;; esac
  echo -n "$action: "
  TARGET=$target BODY_FILE="$work/$action.json" wrk -t2 -c16 -d"${seconds}s" -s bench/fixed.lua "$url" | grep RESULT
done
client=$(body client)
pool=$(body pool)
CLIENT_ID=$client PREFIX=a wrk -t2 -c16 -d"${seconds}s" -s bench/signup.lua "$url" | grep RESULT
if [ "${SKIP_BIG:-}" != "1" ]; then
  # Grow the pool to about 100,000 users, then measure sign-up again.
  count() {
    AWS_ACCESS_KEY_ID=AKIABENCHCOGNATE0001 AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1 \
      aws cognito-idp describe-user-pool --user-pool-id "$pool" --endpoint-url "$url" \
      --query UserPool.EstimatedNumberOfUsers --output text
  }
  round=0
  while [ "$(count)" -lt 100000 ] && [ $round -lt 40 ]; do
    round=$((round + 1))
    CLIENT_ID=$client PREFIX="fill$round" wrk -t2 -c16 -d10s -s bench/signup.lua "$url" >/dev/null
  done
  echo "users in pool: $(count)"
  CLIENT_ID=$client PREFIX=b wrk -t2 -c16 -d"${seconds}s" -s bench/signup.lua "$url" | grep RESULT
  echo -n "GetUser at $(count) users: "
  TARGET=GetUser BODY_FILE="$work/GetUser.json" wrk -t2 -c16 -d"${seconds}s" -s bench/fixed.lua "$url" | grep RESULT
fi
echo "RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)"
