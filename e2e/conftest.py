"""Starts the release binary for the end-to-end suite: a fresh data directory, an outbox,
a known admin key, and the development password-hash cost."""

import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
BINARY = Path(os.environ.get("COGNATE_BIN", ROOT / "target" / "release" / "cognate"))
ACCESS_KEY_ID = "AKIAE2ECOGNATE000001"
SECRET_ACCESS_KEY = "e2e-secret-access-key"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url, outbox, data_dir):
        self.url = url
        self.outbox = outbox
        self.data_dir = data_dir

    def messages(self):
        if not self.outbox.exists():
            return []
        return [json.loads(line) for line in self.outbox.read_text().splitlines() if line.strip()]

    def last_code(self, to):
        for message in reversed(self.messages()):
            if to in (message["destination"], message["username"]):
                return message["code"]
        raise AssertionError(f"no message was sent to {to}")

    def aws_env(self):
        env = dict(os.environ)
        env.update(
            AWS_ACCESS_KEY_ID=ACCESS_KEY_ID,
            AWS_SECRET_ACCESS_KEY=SECRET_ACCESS_KEY,
            AWS_DEFAULT_REGION="us-east-1",
            AWS_PAGER="",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        return env

    def cli(self, *args, check=True):
        """Runs `aws cognito-idp <args>` against the server; returns parsed JSON output."""
        command = ["aws", "cognito-idp", *args, "--endpoint-url", self.url, "--output", "json"]
        done = subprocess.run(command, capture_output=True, text=True, env=self.aws_env(), timeout=60)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(args[:1])} failed: {done.stderr}")
        if not check:
            return done
        return json.loads(done.stdout) if done.stdout.strip() else {}


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    assert BINARY.exists(), f"build the release binary first: {BINARY}"
    data_dir = tmp_path_factory.mktemp("cognate")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(
        COGNATE_ACCESS_KEY_ID=ACCESS_KEY_ID,
        COGNATE_SECRET_ACCESS_KEY=SECRET_ACCESS_KEY,
        COGNATE_PASSWORD_HASH="development",
        COGNATE_LOG="warn",
    )
    log = open(data_dir / "server.log", "w")
    process = subprocess.Popen(
        [str(BINARY), "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(data_dir),
         "--outbox", str(data_dir / "outbox.jsonl"), "--config", str(ROOT / "cognate.toml")],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=data_dir,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        raise AssertionError("the server did not become healthy: " + (data_dir / "server.log").read_text())
    yield Server(url, data_dir / "outbox.jsonl", data_dir)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def idp(server):
    """A boto3 cognito-idp client signed with the server's admin key, without retries."""
    import boto3
    from botocore.config import Config

    return boto3.client("cognito-idp", endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY,
                        config=Config(retries={"max_attempts": 1}))
