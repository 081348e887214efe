"""The README's first command, literally: taken out of the README's first code block, run as
written from the root of a fresh `git clone` of this checkout (sharing the build's target
directory, so nothing is rebuilt), then the journey a new user makes with the AWS CLI against
the demo pool it starts — and Ctrl-C must stop it cleanly."""

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import ROOT

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def readme_server_command():
    """The first command of the README's first fenced code block, without its comment."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M)
    assert block, "the README has no code block"
    for line in block.group(1).splitlines():
        words = shlex.split(line, comments=True)
        if words:
            return shlex.join(words)
    raise AssertionError("the README's first code block has no command")


def fresh_clone(tmp_path):
    """A clone of this checkout whose files carry the checkout's modification times, so that
    cargo, sharing the target directory, finds the build fresh (it compares times, and a clone's
    files are all new)."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    # On a developer's machine, the changes not committed yet (tracked files) come along; in CI
    # the checkout is clean and this is empty.
    changes = subprocess.run(["git", "-C", str(ROOT), "diff", "HEAD", "--binary"], capture_output=True, check=True).stdout
    if changes:
        subprocess.run(["git", "-C", str(clone), "apply", "--whitespace=nowarn"], input=changes, check=True)
    for path in clone.rglob("*"):
        if ".git" in path.relative_to(clone).parts or not path.is_file():
            continue
        original = ROOT / path.relative_to(clone)
        stamp = original.stat().st_mtime if original.exists() else 0
        os.utime(path, (stamp, stamp))
    return clone


class Output:
    """What the server process prints, read as it comes."""

    def __init__(self, path):
        self.path = path

    def text(self):
        return ANSI.sub("", self.path.read_text(errors="replace"))

    def wait_for(self, pattern, process, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            found = re.search(pattern, self.text(), re.M)
            if found:
                return found
            if process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"the server never printed /{pattern}/; it printed:\n{self.text()[-4000:]}")


def aws(env, url, *args):
    command = ["aws", "cognito-idp", *args, "--endpoint-url", url, "--output", "json"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, f"aws cognito-idp {args[0]} failed: {done.stderr}"
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_the_readmes_first_command_starts_a_server_a_new_user_can_use(tmp_path):
    command = readme_server_command()
    assert command.startswith("cargo run"), f"the README's first command changed: {command}"
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 9229)) == 0:
            pytest.fail("port 9229 is taken: the README's command listens there; stop whatever serves it")
    clone = fresh_clone(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNATE_", "AWS_"))}
    env["CARGO_TARGET_DIR"] = str(ROOT / "target")
    log = tmp_path / "server.out"
    started = time.time()
    # A session of its own, as a terminal gives it: Ctrl-C reaches cargo and the server alike.
    process = subprocess.Popen(["bash", "-c", command], cwd=clone, env=env, stdout=open(log, "w"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    output = Output(log)
    try:
        url = output.wait_for(r"Cognate is listening on \S+ \(public URL (\S+)\)", process, 600).group(1)
        ready = time.time() - started
        assert requests.get(f"{url}/health", timeout=5).status_code == 200
        assert "Compiling" not in output.text(), f"cargo rebuilt part of the tree:\n{output.text()[:3000]}"
        printed = output.text()
        keys = re.search(r"export (AWS_ACCESS_KEY_ID=\S+) (AWS_SECRET_ACCESS_KEY=\S+) (AWS_DEFAULT_REGION=\S+)", printed)
        assert keys, f"no admin key was printed:\n{printed}"
        pool = re.search(r"^\s+pool (\S+) ", printed, re.M).group(1)
        client = re.search(r"^\s+client: (\S+) ", printed, re.M).group(1)
        cli_env = dict(env, AWS_PAGER="", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
        cli_env.update(kv.split("=", 1) for kv in keys.groups())

        pools = aws(cli_env, url, "list-user-pools", "--max-results", "10")
        assert pool in [p["Id"] for p in pools["UserPools"]]

        email, password = "readme.user@example.com", "Correct-Horse-1!"
        signed_up = aws(cli_env, url, "sign-up", "--client-id", client, "--username", email,
                        "--password", password, "--user-attributes", "Name=name,Value=Readme User")
        assert signed_up["UserConfirmed"] is False
        code = output.wait_for(rf"message delivered .*destination={re.escape(email)} code=(\d{{6}})", process, 10).group(1)
        aws(cli_env, url, "confirm-sign-up", "--client-id", client, "--username", email, "--confirmation-code", code)
        signed_in = aws(cli_env, url, "initiate-auth", "--client-id", client, "--auth-flow", "USER_PASSWORD_AUTH",
                        "--auth-parameters", f"USERNAME={email},PASSWORD={password}")
        access_token = signed_in["AuthenticationResult"]["AccessToken"]
        user = aws(cli_env, url, "get-user", "--access-token", access_token)
        attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        assert attributes["email"] == email and attributes["email_verified"] == "true"
        assert attributes["name"] == "Readme User"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        try:
            exit_code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert exit_code == 0, f"the server exited with {exit_code} on Ctrl-C:\n{output.text()[-3000:]}"
    assert "Cognate stopped." in output.text()
    print(f"the README's command served in {ready:.1f} s from a fresh clone")
