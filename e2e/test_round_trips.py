"""Database round trips per request on PostgreSQL, counted on the wire: the release binary talks to
PostgreSQL through a proxy that reads the protocol and counts each Sync and simple Query the
server must answer before the client goes on. Sign-in (SRP, as Amplify does it, and password),
refresh and GetUser must each take at most two. Needs COGNATE_TEST_POSTGRES_URL (CI sets it)."""

import os
import socket
import statistics
import struct
import subprocess
import threading
import time
import uuid

import pytest
from pycognito.aws_srp import AWSSRP

from conftest import DEMO_CLIENT, DEMO_POOL, idp_for, password_user, start_cognate, stop

BASE_URL = os.environ.get("COGNATE_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not BASE_URL, reason="COGNATE_TEST_POSTGRES_URL is not set")
PASSWORD = "Correct-Horse-1"


class CountingProxy:
    """Forwards TCP to PostgreSQL and counts round trips: each simple Query ('Q'), and each Sync
    ('S') that ends a batch of extended-protocol messages (Bind, Execute, ...). A Sync alone is
    sqlx's check of a connection it takes back into its pool, sent by a background task after
    the query's answer is in: not on the request's path, counted apart as a ping."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.round_trips = 0
        self.pings = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self):
        with self.lock:
            self.round_trips = 0
            self.pings = 0

    def count(self):
        with self.lock:
            return self.round_trips

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            server = socket.create_connection(self.target)
            threading.Thread(target=self._pipe, args=(server, client), daemon=True).start()
            threading.Thread(target=self._client_to_server, args=(client, server), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()

    def _client_to_server(self, client, server):
        buffer, started, batch = b"", False, False
        try:
            while data := client.recv(65536):
                server.sendall(data)
                buffer += data
                while True:
                    if not started:  # the startup message has a length and no type byte
                        if len(buffer) < 4:
                            break
                        (length,) = struct.unpack("!I", buffer[:4])
                        if len(buffer) < length:
                            break
                        buffer, started = buffer[length:], True
                        continue
                    if len(buffer) < 5:
                        break
                    kind, (length,) = buffer[:1], struct.unpack("!I", buffer[1:5])
                    if len(buffer) < 1 + length:
                        break
                    with self.lock:
                        if kind == b"Q" or (kind == b"S" and batch):
                            self.round_trips += 1
                        elif kind == b"S":
                            self.pings += 1
                    batch = kind != b"S" and kind != b"Q"
                    buffer = buffer[1 + length:]
        except OSError:
            pass
        finally:
            server.close()


def fresh_database_through(proxy):
    name = f"cognate_test_e2e_rt_{os.getpid()}_{time.time_ns()}"
    subprocess.run(["psql", BASE_URL, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    base = BASE_URL.split("://", 1)[1].rsplit("/", 1)[0]
    credentials = base.rsplit("@", 1)[0] + "@" if "@" in base else ""
    # TLS off, so that the proxy can read the protocol.
    return f"postgres://{credentials}127.0.0.1:{proxy.port}/{name}?sslmode=disable"


@pytest.fixture(scope="module")
def counted(tmp_path_factory):
    host_port = BASE_URL.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = host_port.partition(":")
    proxy = CountingProxy(host, int(port or 5432))
    process, server = start_cognate(tmp_path_factory.mktemp("rt"), "--database-url", fresh_database_through(proxy))
    yield proxy, server
    stop(process)


def median_round_trips(proxy, action, times=9):
    """The median over several runs, so that a background read (the signing keys are re-read
    every 10 s, pools and clients every 5 s) does not count against a request."""
    for _ in range(12):  # each pooled connection prepares a statement the first time it runs it
        action()
    counts = []
    for _ in range(times):
        proxy.reset()
        action()
        counts.append(proxy.count())
    return statistics.median(counts), counts


def test_sign_in_refresh_and_get_user_take_at_most_two_round_trips(counted):
    proxy, server = counted
    idp = idp_for(server)
    email = f"rt-{uuid.uuid4().hex[:8]}@example.com"
    password_user(idp, email)

    def srp_sign_in():
        # pycognito's two calls, InitiateAuth USER_SRP_AUTH then RespondToAuthChallenge, counted apart.
        srp = AWSSRP(username=email, password=PASSWORD, pool_id=DEMO_POOL, client_id=DEMO_CLIENT, client=idp)
        proxy.reset()
        challenge = idp.initiate_auth(ClientId=DEMO_CLIENT, AuthFlow="USER_SRP_AUTH",
                                      AuthParameters=srp.get_auth_params())
        initiate = proxy.count()
        responses = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
        proxy.reset()
        tokens = idp.respond_to_auth_challenge(ClientId=DEMO_CLIENT, ChallengeName="PASSWORD_VERIFIER",
                                               ChallengeResponses=responses)["AuthenticationResult"]
        return initiate, proxy.count(), tokens

    tokens = srp_sign_in()[2]
    for _ in range(20):  # warm: pool connections open, statements prepared on each, caches filled
        srp_sign_in()
    runs = [srp_sign_in() for _ in range(9)]
    initiate = statistics.median(r[0] for r in runs)
    respond = statistics.median(r[1] for r in runs)
    print(f"SRP InitiateAuth: {[r[0] for r in runs]}, RespondToAuthChallenge: {[r[1] for r in runs]}")
    assert initiate <= 2, [r[0] for r in runs]
    assert respond <= 2, [r[1] for r in runs]

    password, counts = median_round_trips(proxy, lambda: idp.initiate_auth(
        ClientId=DEMO_CLIENT, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD}))
    print(f"USER_PASSWORD_AUTH: {counts}")
    assert password <= 2, counts

    refresh, counts = median_round_trips(proxy, lambda: idp.initiate_auth(
        ClientId=DEMO_CLIENT, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]}))
    print(f"REFRESH_TOKEN_AUTH: {counts}")
    assert refresh <= 2, counts

    get_user, counts = median_round_trips(proxy, lambda: idp.get_user(AccessToken=tokens["AccessToken"]))
    print(f"GetUser: {counts}")
    assert get_user <= 2, counts


def test_the_code_flow_takes_two_round_trips_per_step(counted):
    """The hosted sign-in as a browser makes it (authorize, the page, the form) and the code's
    exchange: the sign-in and the exchange two round trips each, the redirects none."""
    import base64
    import hashlib
    import re

    import requests

    proxy, server = counted
    idp = idp_for(server)
    email = f"rt-code-{uuid.uuid4().hex[:8]}@example.com"
    password_user(idp, email)
    verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    callback = "http://localhost:3000/"
    query = {"response_type": "code", "client_id": DEMO_CLIENT, "redirect_uri": callback, "scope": "openid email",
             "state": "rt", "code_challenge": challenge, "code_challenge_method": "S256"}
    counts = {"authorize": [], "page": [], "sign_in": [], "exchange": [], "single_sign_on": []}

    def flow():
        browser = requests.Session()
        proxy.reset()
        authorize = browser.get(f"{server.url}/oauth2/authorize", params=query, allow_redirects=False, timeout=5)
        counts["authorize"].append(proxy.count())
        login = server.url + authorize.headers["location"]
        proxy.reset()
        page = browser.get(login, timeout=5)
        counts["page"].append(proxy.count())
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
        proxy.reset()
        signed_in = browser.post(login, data={"_csrf": csrf, "username": email, "password": PASSWORD},
                                 allow_redirects=False, timeout=5)
        counts["sign_in"].append(proxy.count())
        code = re.search(r"code=([^&]+)", signed_in.headers["location"]).group(1)
        proxy.reset()
        tokens = requests.post(f"{server.url}/oauth2/token", timeout=5, data={
            "grant_type": "authorization_code", "client_id": DEMO_CLIENT, "code": code,
            "redirect_uri": callback, "code_verifier": verifier})
        counts["exchange"].append(proxy.count())
        assert tokens.status_code == 200, tokens.text
        proxy.reset()
        again = browser.get(f"{server.url}/oauth2/authorize", params=query, allow_redirects=False, timeout=5)
        counts["single_sign_on"].append(proxy.count())
        assert again.headers["location"].startswith(callback + "?code=")

    for _ in range(12):  # warm: pooled connections open and their statements prepared
        flow()
    for values in counts.values():
        values.clear()
    for _ in range(9):
        flow()
    medians = {step: statistics.median(values) for step, values in counts.items()}
    print(f"code flow round trips: {counts}")
    assert medians["authorize"] == 0 and medians["page"] == 0, counts
    assert medians["sign_in"] <= 2, counts
    assert medians["exchange"] <= 2, counts
    assert medians["single_sign_on"] <= 2, counts
