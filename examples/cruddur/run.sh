#!/usr/bin/env bash
# Runs the Cruddur example on this machine: Cognate with the demo pool, the Cruddur API, and the
# front end's production build. `./run.sh --gateway` puts the API behind nginx + cognate-gate
# (forward auth) instead of verifying tokens in the API. `./run.sh --upstream` also starts a
# second Cognate as an external OpenID provider ("Upstream", upstream/cognate.toml) that the demo
# pool trusts, and the sign-in page offers "Sign in with Upstream" (the tutorial's IdP homework).
# Ctrl-C stops everything it started.
#
#   FRONTEND_PORT (3000)  the page, and in gateway mode nginx
#   BACKEND_PORT  (4567)  the API
#   COGNATE_PORT  (9229)  Cognate
#   COGNATE_TLS_PORT (9443) Cognate over HTTPS (the hosted sign-in page, for Amplify's signInWithRedirect)
#   GATE_PORT     (9230)  cognate-gate (gateway mode)
#   UPSTREAM_PORT (9339)  the upstream identity provider (--upstream)
#   TRIGGERS_PORT (3001)  the pool's Lambda triggers (triggers/), served by examples/triggers/node
#   COGNATE_OUTBOX        where confirmation and recovery codes are written (default .run/outbox.jsonl)
#   COGNATE_DATA_DIR      Cognate's data (default .run/cognate)
#   CRUDDUR_BIN_DIR       take the binaries from here instead of building them with cargo
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MODE=direct
UPSTREAM=no
for arg in "$@"; do
  case "$arg" in
    --gateway) MODE=gateway ;;
    --upstream) UPSTREAM=yes ;;
    *) echo "usage: $0 [--gateway] [--upstream]" >&2; exit 2 ;;
  esac
done

FRONTEND_PORT=${FRONTEND_PORT:-3000}
BACKEND_PORT=${BACKEND_PORT:-4567}
COGNATE_PORT=${COGNATE_PORT:-9229}
COGNATE_TLS_PORT=${COGNATE_TLS_PORT:-9443}
GATE_PORT=${GATE_PORT:-9230}
UPSTREAM_PORT=${UPSTREAM_PORT:-9339}
TRIGGERS_PORT=${TRIGGERS_PORT:-3001}
RUN_DIR=${CRUDDUR_RUN_DIR:-$HERE/.run}
COGNATE_DATA_DIR=${COGNATE_DATA_DIR:-$RUN_DIR/cognate}
COGNATE_OUTBOX=${COGNATE_OUTBOX:-$RUN_DIR/outbox.jsonl}
POOL_ID=us-east-1_cruddur01
WEB_CLIENT_ID=cruddurwebclient0000000001
# The demo pool's confidential client (cognate.toml): it reads the revocation feed.
FEED_CLIENT_ID=cruddurbackend000000000001
FEED_CLIENT_SECRET=cruddur_demo_feed_secret_change_me
COGNATE_URL="http://127.0.0.1:$COGNATE_PORT"
ISSUER="$COGNATE_URL/$POOL_ID"
# The demo pool of cognate.toml, plus its PreTokenGeneration trigger (appended below).
COGNATE_CONFIG="$RUN_DIR/cognate.toml"
# The calls to the triggers are signed with a secret of this run.
TRIGGER_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
IDENTITY_PROVIDERS=""
if [ "$UPSTREAM" = yes ]; then
  # A data directory of its own: pools and clients are made once, and this client differs.
  COGNATE_DATA_DIR=${COGNATE_DATA_DIR%/}-federated
  UPSTREAM_URL="http://127.0.0.1:$UPSTREAM_PORT"
  IDENTITY_PROVIDERS=Upstream
fi
mkdir -p "$RUN_DIR" "$COGNATE_DATA_DIR"
cp "$ROOT/cognate.toml" "$COGNATE_CONFIG"
if [ "$UPSTREAM" = yes ]; then
  # The demo pool trusting the upstream: its web client lists the provider, and the provider is
  # declared after the pool's clients (TOML adds it to that pool).
  sed 's/^SupportedIdentityProviders = \["COGNITO"\]$/SupportedIdentityProviders = ["COGNITO", "Upstream"]/' \
    "$ROOT/cognate.toml" >"$COGNATE_CONFIG"
  [ "$(grep -c '"Upstream"' "$COGNATE_CONFIG")" = 1 ] || { echo "cannot add Upstream to the web client of cognate.toml" >&2; exit 1; }
  cat >>"$COGNATE_CONFIG" <<TOML

[[pools.IdentityProviders]]
ProviderName = "Upstream"
ProviderType = "OIDC"
ProviderDetails = { client_id = "cruddurdownstream000000001", client_secret = "upstream_demo_secret_change_me", authorize_scopes = "openid email profile", attributes_request_method = "GET", oidc_issuer = "$UPSTREAM_URL/us-east-1_upstream01" }
AttributeMapping = { email = "email", email_verified = "email_verified", name = "name" }
TOML
  sed "s#@DOWNSTREAM_URL@#$COGNATE_URL#g" "$HERE/upstream/cognate.toml" >"$RUN_DIR/upstream.toml"
fi
# Applied when the pool is made (a data directory from before keeps its pool as it was).
cat >>"$COGNATE_CONFIG" <<TOML

[pools.LambdaConfig]
PreTokenGenerationConfig = { LambdaVersion = "V2_0", LambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:preTokenGeneration" }
TOML

if [ -n "${CRUDDUR_BIN_DIR:-}" ]; then
  BIN_DIR=$CRUDDUR_BIN_DIR
else
  echo "== building cognate, cognate-gate and cruddur-backend (release)"
  (cd "$ROOT" && cargo build --release -q -p cognate -p cognate-gate -p cruddur-backend)
  BIN_DIR=$ROOT/target/release
fi

echo "== building the front end ($MODE mode)"
cd "$HERE/frontend"
[ -d node_modules ] || npm ci --no-audit --no-fund
if [ "$MODE" = gateway ]; then
  OUT_DIR=dist-gateway
  BACKEND_URL=""  # the API on the page's own origin, through nginx
else
  OUT_DIR=dist
  BACKEND_URL="http://127.0.0.1:$BACKEND_PORT"
fi
CRUDDUR_OUT_DIR=$OUT_DIR REACT_APP_AWS_USER_POOLS_ID=$POOL_ID REACT_APP_CLIENT_ID=$WEB_CLIENT_ID \
  REACT_APP_COGNITO_ENDPOINT=$COGNATE_URL REACT_APP_COGNITO_DOMAIN="localhost:$COGNATE_TLS_PORT" \
  REACT_APP_BACKEND_URL=$BACKEND_URL REACT_APP_IDENTITY_PROVIDERS=$IDENTITY_PROVIDERS \
  node node_modules/vite/bin/vite.js build --logLevel warn

PIDS=()
stop_all() {
  trap - INT TERM EXIT
  if [ ${#PIDS[@]} -gt 0 ]; then
    kill -TERM "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
  fi
  echo "== Cruddur stopped"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

wait_for_port() {  # name port
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "$1 did not start on port $2; its log is in $RUN_DIR" >&2
  exit 1
}

if [ "$UPSTREAM" = yes ]; then
  "$BIN_DIR/cognate" serve --config "$RUN_DIR/upstream.toml" --listen "127.0.0.1:$UPSTREAM_PORT" \
    --public-url "$UPSTREAM_URL" --data-dir "$RUN_DIR/upstream" --outbox "${UPSTREAM_OUTBOX:-$RUN_DIR/upstream-outbox.jsonl}" \
    >"$RUN_DIR/upstream.log" 2>&1 &
  PIDS+=($!)
  wait_for_port "the upstream provider" "$UPSTREAM_PORT"
fi

COGNATE_TRIGGER_SECRET=$TRIGGER_SECRET node "$ROOT/examples/triggers/node/server.mjs" --port "$TRIGGERS_PORT" \
  --handlers "$HERE/triggers" >"$RUN_DIR/triggers.log" 2>&1 &
PIDS+=($!)
wait_for_port "the triggers" "$TRIGGERS_PORT"

COGNATE_TRIGGER_URL="http://127.0.0.1:$TRIGGERS_PORT/{function}" COGNATE_TRIGGER_SECRET=$TRIGGER_SECRET \
"$BIN_DIR/cognate" serve --config "$COGNATE_CONFIG" --listen "127.0.0.1:$COGNATE_PORT" \
  --public-url "$COGNATE_URL" --data-dir "$COGNATE_DATA_DIR" --outbox "$COGNATE_OUTBOX" \
  --tls-listen "127.0.0.1:$COGNATE_TLS_PORT" \
  >"$RUN_DIR/cognate.log" 2>&1 &
PIDS+=($!)
wait_for_port Cognate "$COGNATE_PORT"

FRONTEND_ORIGINS="http://127.0.0.1:$FRONTEND_PORT,http://localhost:$FRONTEND_PORT"
if [ "$MODE" = gateway ]; then
  CRUDDUR_AUTH=gateway BACKEND_LISTEN="127.0.0.1:$BACKEND_PORT" FRONTEND_URL=$FRONTEND_ORIGINS \
    "$BIN_DIR/cruddur-backend" >"$RUN_DIR/backend.log" 2>&1 &
  PIDS+=($!)
  "$BIN_DIR/cognate-gate" --listen "127.0.0.1:$GATE_PORT" --issuer "$ISSUER" --client-id "$WEB_CLIENT_ID" \
    --config "$HERE/gateway/gate.toml" --revocation-client-id "$FEED_CLIENT_ID" \
    --revocation-client-secret "$FEED_CLIENT_SECRET" --revocation-interval 1 >"$RUN_DIR/gate.log" 2>&1 &
  PIDS+=($!)
  sed -e "s#@RUN_DIR@#$RUN_DIR#g" -e "s#@FRONTEND_PORT@#$FRONTEND_PORT#g" -e "s#@GATE_PORT@#$GATE_PORT#g" \
    -e "s#@BACKEND_PORT@#$BACKEND_PORT#g" -e "s#@FRONTEND_DIR@#$HERE/frontend/$OUT_DIR#g" \
    "$HERE/gateway/nginx.conf.template" >"$RUN_DIR/nginx.conf"
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  "$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" >"$RUN_DIR/nginx.log" 2>&1 &
  PIDS+=($!)
  wait_for_port cognate-gate "$GATE_PORT"
else
  CRUDDUR_AUTH=verify BACKEND_LISTEN="127.0.0.1:$BACKEND_PORT" FRONTEND_URL=$FRONTEND_ORIGINS \
    COGNATE_ISSUER="$ISSUER" COGNATE_CLIENT_ID=$WEB_CLIENT_ID COGNATE_REVOCATION_CLIENT_ID=$FEED_CLIENT_ID \
    COGNATE_REVOCATION_CLIENT_SECRET=$FEED_CLIENT_SECRET COGNATE_REVOCATION_INTERVAL=1 \
    "$BIN_DIR/cruddur-backend" >"$RUN_DIR/backend.log" 2>&1 &
  PIDS+=($!)
  CRUDDUR_OUT_DIR=$OUT_DIR node node_modules/vite/bin/vite.js preview --host 127.0.0.1 \
    --port "$FRONTEND_PORT" --strictPort >"$RUN_DIR/frontend.log" 2>&1 &
  PIDS+=($!)
fi
wait_for_port "the API" "$BACKEND_PORT"
wait_for_port "the front end" "$FRONTEND_PORT"

echo "Cruddur is ready at http://127.0.0.1:$FRONTEND_PORT ($MODE mode)"
echo "  Cognate $COGNATE_URL, pool $POOL_ID; codes are written to $COGNATE_OUTBOX"
echo "  hosted sign-in page https://localhost:$COGNATE_TLS_PORT (open the app at http://localhost:$FRONTEND_PORT for it;"
echo "  its certificate is from Cognate's local CA, $COGNATE_DATA_DIR/tls/ca.pem: trust it or accept the warning once)"
if [ "$UPSTREAM" = yes ]; then
  echo "  upstream identity provider $UPSTREAM_URL/us-east-1_upstream01 (\"Sign in with Upstream\"; sign up there first;"
  echo "  its codes are written to ${UPSTREAM_OUTBOX:-$RUN_DIR/upstream-outbox.jsonl})"
fi
echo "  logs in $RUN_DIR; Ctrl-C stops everything"
# Returns when any of them exits (or on Ctrl-C); the EXIT trap stops the rest.
wait -n "${PIDS[@]}"
echo "a process of the example exited; see the logs in $RUN_DIR" >&2
exit 1
