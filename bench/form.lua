-- Posts one fixed form to an OAuth endpoint (body in BODY, HTTP Basic credentials in BASIC)
-- and reports req/s and p99; any answer but 200 counts as an error.
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BASIC")

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %s %.0f req/s p50 %.2f ms p99 %.2f ms errors %d of %d\n", os.getenv("LABEL") or "form",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors, summary.requests))
end
