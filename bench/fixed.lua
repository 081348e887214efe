-- Sends one fixed Cognito request (action in TARGET, body in BODY_FILE) and reports req/s and p99.
local target = os.getenv("TARGET")
local body = io.open(os.getenv("BODY_FILE")):read("*a")
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "AWSCognitoIdentityProviderService." .. target

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %s %.0f req/s p50 %.2f ms p99 %.2f ms errors %d of %d\n", target,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors, summary.requests))
end
