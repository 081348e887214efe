-- SignUp with a fresh username on every request (thread id + counter), CLIENT_ID from the env;
-- with EMAIL_DOMAIN set, each user also has an email address there (so a code is sent to it).
local client_id = os.getenv("CLIENT_ID")
local email_domain = os.getenv("EMAIL_DOMAIN")
local prefix = os.getenv("PREFIX") or "u"
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local attributes = ""
  if email_domain then
    attributes = string.format(',"UserAttributes":[{"Name":"email","Value":"%s%d_%d@%s"}]', prefix, tid, counter, email_domain)
  end
  local body = string.format('{"ClientId":"%s","Username":"%s%d_%d","Password":"Bench-Pass-1"%s}', client_id, prefix, tid, counter, attributes)
  return wrk.format("POST", "/", {["Content-Type"] = "application/x-amz-json-1.1",
    ["X-Amz-Target"] = "AWSCognitoIdentityProviderService.SignUp"}, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT SignUp(%s) %.0f req/s p50 %.2f ms p99 %.2f ms errors %d of %d\n", prefix,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors, summary.requests))
end
