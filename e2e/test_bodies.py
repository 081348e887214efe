"""Oversized and slow requests get their answer: a body over the 256 KiB limit is read to its
end and answered with RequestEntityTooLargeException on a connection that stays usable; past
the 16 MiB cap, or slower than the timeouts, the server answers or closes and says so in its
log; a slowloris client cannot hold a connection. Raw sockets, curl, requests and boto3."""

import json
import socket
import subprocess
import time

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import DEMO_CLIENT, start_cognate, stop

HEADER_TIMEOUT = 2
BODY_TIMEOUT = 3
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """A server with short client timeouts, logging at info (its closing lines are checked)."""
    directory = tmp_path_factory.mktemp("bodies")
    process, server = start_cognate(directory, "--header-timeout", str(HEADER_TIMEOUT),
                                    "--body-timeout", str(BODY_TIMEOUT), log="info")
    server.log = directory / "server.log"
    yield server
    stop(process)


def connect(server):
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=15)


def head(server, length, target="GetUser", extra=""):
    host = server.url.removeprefix("http://")
    return (f"POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-amz-json-1.1\r\n"
            f"X-Amz-Target: AWSCognitoIdentityProviderService.{target}\r\nContent-Length: {length}\r\n{extra}\r\n").encode()


def read_response(sock):
    """One HTTP response from the socket: (status, headers, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed before a response: {data!r}"
        data += chunk
    header_bytes, body = data.split(b"\r\n\r\n", 1)
    lines = header_bytes.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed inside a response body"
        body += chunk
    return status, headers, body[:length]


def closed_within(sock, seconds):
    """Whether the server closes the connection within `seconds` (EOF or reset)."""
    sock.settimeout(seconds)
    try:
        while sock.recv(65536):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def small_request(server, sock):
    body = json.dumps({"AccessToken": "not-a-token"}).encode()
    sock.sendall(head(server, len(body)) + body)
    return read_response(sock)


@pytest.mark.parametrize("size", [1 * MIB, 10 * MIB])
def test_a_client_that_writes_its_whole_oversized_body_first_reads_the_error(strict, size):
    with connect(strict) as sock:
        body = b'{"AccessToken":"' + b"x" * (size - 18) + b'"}'
        sock.sendall(head(strict, len(body)) + body)  # all of it, before reading anything
        status, headers, answer = read_response(sock)
        assert status == 413
        assert headers["x-amzn-errortype"] == "RequestEntityTooLargeException"
        assert json.loads(answer)["__type"] == "RequestEntityTooLargeException"
        # The rest was read, so the same connection serves the next request.
        status, headers, answer = small_request(strict, sock)
        assert (status, json.loads(answer)["__type"]) == (400, "NotAuthorizedException")


def test_a_client_waiting_for_100_continue_is_answered_before_it_sends(strict):
    with connect(strict) as sock:
        sock.sendall(head(strict, 4 * MIB, extra="Expect: 100-continue\r\n"))
        status, headers, answer = read_response(sock)
        assert status == 413 and json.loads(answer)["__type"] == "RequestEntityTooLargeException"
        assert headers.get("connection") == "close"


def test_curl_requests_and_boto3_read_the_error(strict, tmp_path):
    payload = tmp_path / "big.json"
    payload.write_bytes(b'{"AccessToken":"' + b"y" * (3 * MIB) + b'"}')
    done = subprocess.run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "--data-binary", f"@{payload}",
                           "-H", "Content-Type: application/x-amz-json-1.1",
                           "-H", "X-Amz-Target: AWSCognitoIdentityProviderService.GetUser", strict.url],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    body, code = done.stdout.rsplit("\n", 1)
    assert code == "413" and json.loads(body)["__type"] == "RequestEntityTooLargeException"

    answer = requests.post(strict.url, data=b"z" * (5 * MIB), timeout=30, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.GetUser"})
    assert answer.status_code == 413 and answer.json()["__type"] == "RequestEntityTooLargeException"

    idp = boto3.client("cognito-idp", endpoint_url=strict.url, region_name="us-east-1",
                       aws_access_key_id="x", aws_secret_access_key="x",
                       config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as refused:
        idp.sign_up(ClientId=DEMO_CLIENT, Username="big@example.com", Password="P" * (2 * MIB))
    assert refused.value.response["Error"]["Code"] == "RequestEntityTooLargeException"


def test_a_body_past_the_cap_closes_the_connection_with_a_log_line(strict):
    with connect(strict) as sock:
        sock.sendall(head(strict, 64 * MIB))
        try:
            status, headers, answer = read_response(sock)
            assert status == 413 and headers.get("connection") == "close"
        except (ConnectionResetError, AssertionError):
            pass  # a client still sending may see the close first; the log says why
        assert closed_within(sock, 5)
    assert "declared body is over the cap" in strict.log.read_text()
    assert requests.get(f"{strict.url}/health", timeout=5).status_code == 200


def test_a_slow_body_is_cut_off_at_the_body_timeout(strict):
    with connect(strict) as sock:
        sock.sendall(head(strict, 200))
        started = time.time()
        answer = None
        try:
            for _ in range(40):
                sock.sendall(b" ")
                time.sleep(0.5)
                if time.time() - started > BODY_TIMEOUT + 3:
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(2)
        try:
            answer = read_response(sock)
        except (AssertionError, ConnectionResetError, socket.timeout):
            pass
        elapsed = time.time() - started
        assert elapsed < BODY_TIMEOUT + 4, f"a body trickling in held the connection for {elapsed:.1f} s"
        if answer:
            assert answer[0] == 408 and json.loads(answer[2])["__type"] == "RequestTimeoutException"
    assert "did not arrive within the body timeout" in strict.log.read_text()


def test_slowloris_connections_are_closed_and_others_are_served_meanwhile(strict):
    idle = connect(strict)  # opens and says nothing
    trickling = [connect(strict) for _ in range(5)]
    request = head(strict, 2)
    started = time.time()
    open_ones = list(trickling)
    sent = 0
    while open_ones and time.time() - started < HEADER_TIMEOUT + 5:
        for sock in list(open_ones):
            try:
                sock.sendall(request[sent:sent + 1])  # one byte of the head at a time
            except (BrokenPipeError, ConnectionResetError):
                open_ones.remove(sock)
        sent = min(sent + 1, len(request) - 5)  # never finish the head
        # Meanwhile a well-behaved client is served at once.
        with connect(strict) as fresh:
            t = time.time()
            status, _, _ = small_request(strict, fresh)
            assert status == 400 and time.time() - t < 1
        time.sleep(0.3)
    for sock in open_ones:
        assert closed_within(sock, 1), "a slowloris connection outlived the header timeout"
    assert time.time() - started < HEADER_TIMEOUT + 5
    assert closed_within(idle, 1), "an idle connection outlived the header timeout"
    for sock in [idle, *trickling]:
        sock.close()
    assert "no complete request head within the header timeout" in strict.log.read_text()
