# Sourced by the bench scripts that drive the release binary with their own driver:
# `start_cognate PORT HASH_COST` starts "$bin" on the demo pool of cognate.toml (on PostgreSQL when
# DATABASE_URL is set) with the bench's admin key, waits for /health, and sets $work, $server
# and $url; the server stops and its data directory goes when the script exits.
start_cognate() {
  work=$(mktemp -d)
  trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
  COGNATE_ACCESS_KEY_ID=AKIABENCHCOGNATE0001 COGNATE_SECRET_ACCESS_KEY=bench-secret COGNATE_LOG=warn \
    COGNATE_PASSWORD_HASH=$2 "$bin" serve --listen "127.0.0.1:$1" --data-dir "$work" --config cognate.toml \
    ${DATABASE_URL:+--database-url "$DATABASE_URL"} >"$work/log" 2>&1 &
  server=$!
  url="http://127.0.0.1:$1"
  for _ in $(seq 50); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
}
