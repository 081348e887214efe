"""cognate-gate behind real nginx (Debian's package): `auth_request` asks the gate about every
request to a small upstream. A genuine token passes with the claim headers; forged, expired,
signed-out and under-privileged ones are refused; a client cannot forge the claim headers.
Also the gate as a reverse proxy, and its metrics."""

import base64
import json
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from conftest import (DEMO_CLIENT, DEMO_POOL, confidential_client, free_port, password_user, sign_in,
                      start_gate, stop)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
FAKETIME = shutil.which("faketime")

GATE_CONFIG = """
[[routes]]
prefix = "/api/public"
methods = ["GET"]
public = true

[[routes]]
prefix = "/api/admin"
groups = ["admin"]

[[routes]]
prefix = "/api/profile"
token_use = "id"

[headers]
email = "X-Cognate-Email"
"""


class Echo(BaseHTTPRequestHandler):
    """The upstream: answers with the request's method, path and headers as JSON."""

    def handle_one(self):
        body = json.dumps({"method": self.command, "path": self.path,
                           "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = handle_one

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def upstream():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def gates(server, idp, tmp_path_factory):
    """The gate following the revocation feed, and a second one whose clock runs two hours ahead."""
    directory = tmp_path_factory.mktemp("gate")
    config = directory / "gate.toml"
    config.write_text(GATE_CONFIG)
    feed_id, feed_secret = confidential_client(idp)
    issuer = f"{server.url}/{DEMO_POOL}"
    common = ["--issuer", issuer, "--client-id", DEMO_CLIENT, "--config", str(config)]
    gate, gate_url = start_gate(directory, *common, "--revocation-client-id", feed_id,
                                "--revocation-client-secret", feed_secret, "--revocation-interval", "1")
    assert FAKETIME, "faketime (Debian package) is needed to run a gate with its clock ahead"
    ahead, ahead_url = start_gate(directory, *common, wrapper=(FAKETIME, "-f", "+2h"))
    yield gate_url, ahead_url
    stop(gate)
    stop(ahead)


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location = /_auth {{
            internal;
            proxy_pass {gate}/verify;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI $request_uri;
            proxy_set_header X-Original-Method $request_method;
        }}
        location = /_auth_ahead {{
            internal;
            proxy_pass {ahead}/verify;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI $request_uri;
            proxy_set_header X-Original-Method $request_method;
        }}
        location /later/ {{
            auth_request /_auth_ahead;
            proxy_pass {upstream}/;
        }}
        location / {{
            auth_request /_auth;
            auth_request_set $cognate_sub $upstream_http_x_cognate_sub;
            auth_request_set $cognate_username $upstream_http_x_cognate_username;
            auth_request_set $cognate_groups $upstream_http_x_cognate_groups;
            auth_request_set $cognate_scope $upstream_http_x_cognate_scope;
            auth_request_set $cognate_client $upstream_http_x_cognate_client_id;
            auth_request_set $cognate_email $upstream_http_x_cognate_email;
            proxy_set_header X-Cognate-Sub $cognate_sub;
            proxy_set_header X-Cognate-Username $cognate_username;
            proxy_set_header X-Cognate-Groups $cognate_groups;
            proxy_set_header X-Cognate-Scope $cognate_scope;
            proxy_set_header X-Cognate-Client-Id $cognate_client;
            proxy_set_header X-Cognate-Email $cognate_email;
            proxy_pass {upstream};
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def nginx(gates, upstream, tmp_path_factory):
    directory = tmp_path_factory.mktemp("nginx")
    port = free_port()
    gate_url, ahead_url = gates
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=directory, port=port, gate=gate_url, ahead=ahead_url, upstream=upstream))
    process = subprocess.Popen([NGINX, "-p", str(directory), "-c", str(conf), "-e", str(directory / "error.log")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            requests.get(f"{url}/api/public/ping", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        raise AssertionError("nginx did not start: " + (directory / "error.log").read_text())
    yield url
    process.terminate()
    process.wait(timeout=10)


def get(url, token=None, headers=None, method="GET"):
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, url, headers=headers, timeout=10)


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_genuine_token_passes_with_its_claims_as_headers(nginx, idp):
    password_user(idp, "gate-alice@example.com")
    tokens = sign_in(idp, "gate-alice@example.com")
    response = get(f"{nginx}/api/activities", tokens["AccessToken"])
    assert response.status_code == 200, response.text
    seen = response.json()["headers"]
    access = claims(tokens["AccessToken"])
    assert seen["x-cognate-sub"] == access["sub"]
    assert seen["x-cognate-username"] == access["username"]
    assert seen["x-cognate-scope"] == "aws.cognito.signin.user.admin"
    assert seen["x-cognate-client-id"] == DEMO_CLIENT
    # nginx drops a header whose value is empty: no groups, no header.
    assert "x-cognate-groups" not in seen

    # Headers a client sends itself are replaced by the verified ones.
    forged = get(f"{nginx}/api/activities", tokens["AccessToken"],
                 {"X-Cognate-Groups": "admin", "X-Cognate-Sub": "someone-else"})
    assert forged.json()["headers"]["x-cognate-sub"] == access["sub"]
    assert "x-cognate-groups" not in forged.json()["headers"]

    # An id token on a route that asks for one carries the configured extra header.
    profile = get(f"{nginx}/api/profile", tokens["IdToken"])
    assert profile.status_code == 200
    assert profile.json()["headers"]["x-cognate-email"] == "gate-alice@example.com"


def test_forged_and_wrong_tokens_are_refused(nginx, idp):
    password_user(idp, "gate-bob@example.com")
    tokens = sign_in(idp, "gate-bob@example.com")
    access = tokens["AccessToken"]
    header, payload, signature = access.split(".")
    escalated = dict(claims(access), **{"cognito:groups": ["admin"]})
    tampered = ".".join([header, base64.urlsafe_b64encode(json.dumps(escalated).encode()).decode().rstrip("="),
                         signature])
    unsigned_header = base64.urlsafe_b64encode(
        json.dumps({"alg": "none", "kid": json.loads(base64.urlsafe_b64decode(header + "=="))["kid"]}).encode()
    ).decode().rstrip("=")
    for name, token in [("no token", None), ("garbage", "not-a-jwt"), ("tampered payload", tampered),
                        ("flipped signature", access[:-4] + ("AAAA" if not access.endswith("AAAA") else "BBBB")),
                        ("alg none", f"{unsigned_header}.{payload}."), ("id token", tokens["IdToken"])]:
        assert get(f"{nginx}/api/activities", token).status_code == 401, name
    # The public route needs nothing.
    assert get(f"{nginx}/api/public/ping").status_code == 200
    # A client cannot make a protected request look like a public one to the gate.
    smuggled = get(f"{nginx}/api/activities", headers={"X-Forwarded-Uri": "/api/public/ping",
                                                       "X-Forwarded-Method": "GET"})
    assert smuggled.status_code in (401, 403)
    assert get(f"{nginx}/api/public/ping", method="POST").status_code == 401, "public is for GET only"


def test_groups_decide_admin_routes(nginx, idp):
    password_user(idp, "gate-carol@example.com", groups=["admin"])
    password_user(idp, "gate-dave@example.com")
    carol = sign_in(idp, "gate-carol@example.com")["AccessToken"]
    dave = sign_in(idp, "gate-dave@example.com")["AccessToken"]
    assert get(f"{nginx}/api/admin/users", dave).status_code == 403
    allowed = get(f"{nginx}/api/admin/users", carol)
    assert allowed.status_code == 200
    assert allowed.json()["headers"]["x-cognate-groups"] == "admin"


def test_an_expired_token_is_refused(nginx, idp, gates):
    password_user(idp, "gate-erin@example.com")
    access = sign_in(idp, "gate-erin@example.com")["AccessToken"]
    assert get(f"{nginx}/api/activities", access).status_code == 200
    # The same token, judged by a gate whose clock is two hours ahead (the token lives one hour).
    assert get(f"{nginx}/later/api/activities", access).status_code == 401
    assert 'cognate_gate_rejected_total{reason="expired"} 1' in requests.get(f"{gates[1]}/metrics", timeout=5).text


def test_a_signed_out_token_is_refused_within_seconds(nginx, idp, gates):
    password_user(idp, "gate-frank@example.com")
    access = sign_in(idp, "gate-frank@example.com")["AccessToken"]
    assert get(f"{nginx}/api/activities", access).status_code == 200
    assert get(f"{nginx}/api/activities", access).status_code == 200  # now from the gate's cache
    idp.global_sign_out(AccessToken=access)
    started = time.time()
    while get(f"{nginx}/api/activities", access).status_code == 200:
        assert time.time() - started < 10, "the sign-out did not reach the gate"
        time.sleep(0.2)
    assert get(f"{nginx}/api/activities", access).status_code == 401
    fresh = sign_in(idp, "gate-frank@example.com")["AccessToken"]
    if claims(fresh)["iat"] == claims(access)["iat"]:
        time.sleep(1.1)
        fresh = sign_in(idp, "gate-frank@example.com")["AccessToken"]
    assert get(f"{nginx}/api/activities", fresh).status_code == 200, "signing in again works"

    metrics = requests.get(f"{gates[0]}/metrics", timeout=5).text
    assert 'cognate_gate_rejected_total{reason="revoked"}' in metrics
    assert 'cognate_gate_rejected_total{reason="bad_signature"}' in metrics
    assert "cognate_gate_jwks_fetches_total 1" in metrics


def test_the_gate_as_a_reverse_proxy(server, idp, upstream, tmp_path):
    process, url = start_gate(tmp_path, "--issuer", f"{server.url}/{DEMO_POOL}", "--client-id", DEMO_CLIENT,
                              "--upstream", upstream, proxy=True)
    try:
        password_user(idp, "gate-grace@example.com")
        access = sign_in(idp, "gate-grace@example.com")["AccessToken"]
        response = get(f"{url}/api/activities?page=2", access, {"X-Cognate-Groups": "admin"})
        assert response.status_code == 200
        seen = response.json()
        assert seen["path"] == "/api/activities?page=2"
        assert seen["headers"]["x-cognate-username"] == claims(access)["username"]
        assert seen["headers"]["x-cognate-groups"] == "", "the forged header was stripped"
        assert seen["headers"]["authorization"] == f"Bearer {access}"
        assert get(f"{url}/api/activities").status_code == 401
        refused = get(f"{url}/api/activities", access[:-3] + "abc")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
        assert "cognate_gate_requests_total" in requests.get(f"{url}/.cognate-gate/metrics", timeout=5).text
    finally:
        stop(process)
