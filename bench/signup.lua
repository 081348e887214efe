-- SignUp with a fresh username on every request (thread id + counter), CLIENT_ID from the env.
local client_id = os.getenv("CLIENT_ID")
local prefix = os.getenv("PREFIX") or "u"
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local body = string.format('{"ClientId":"%s","Username":"%s%d_%d","Password":"Bench-Pass-1"}', client_id, prefix, tid, counter)
  return wrk.format("POST", "/", {["Content-Type"] = "application/x-amz-json-1.1",
    ["X-Amz-Target"] = "AWSCognitoIdentityProviderService.SignUp"}, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT SignUp(%s) %.0f req/s p50 %.2f ms p99 %.2f ms errors %d of %d\n", prefix,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors, summary.requests))
end
