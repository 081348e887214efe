"""Sign-up throughput with email codes sent over SMTP beside the outbox (issue: within 10%).

Starts a real SMTP server (aiosmtpd, STARTTLS and AUTH required, as a provider's submission
port; in its own process under SCHED_IDLE, standing for a mail server on another machine), then the release binary twice per round — once writing codes to the outbox, once with
[smtp] pointing at that server — and drives SignUp with wrk (every user has an email address, in
a pool that verifies email, so every sign-up sends a code). Reports each run's rate, the ratio,
and how long the queue took to drain after the SMTP runs.
    python3 bench/delivery.py [seconds] [rounds]
DATABASE_URL is not used: each run gets a fresh SQLite data directory."""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "e2e"))

import boto3  # noqa: E402
from test_delivery import SMTP_PASSWORD, SMTP_USER, certificates  # noqa: E402

from conftest import free_port  # noqa: E402

BIN = os.environ.get("COGNATE_BIN", str(ROOT / "target" / "release" / "cognate"))
seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
SECURITY = os.environ.get("SMTP_SECURITY", "starttls")  # or none: the same without TLS


def serve(work, config, outbox):
    port = free_port()
    env = dict(os.environ, COGNATE_ACCESS_KEY_ID="AKIABENCHCOGNATE0001", COGNATE_SECRET_ACCESS_KEY="bench-secret",
               COGNATE_LOG="warn", COGNATE_PASSWORD_HASH="development")
    args = [BIN, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(work), "--config", str(config),
            "--tls-listen", "off"]
    if outbox:
        args += ["--outbox", str(work / "outbox.jsonl")]
    process = subprocess.Popen(args, env=env, stdout=open(work / "log", "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            import urllib.request
            urllib.request.urlopen(f"{url}/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return process, url


def cpu_seconds(pid):
    """User + system CPU time a process has used (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def delivered(count_file):
    return len(count_file.read_text().splitlines()) if count_file.exists() else 0


def run(kind, count_file, smtp_port, directory):
    work = Path(tempfile.mkdtemp(dir=directory))
    config = work / "cognate.toml"
    ca, _chain, _key = certificates(directory)
    config.write_text("" if kind == "outbox" else "\n".join([
        "[smtp]", 'host = "127.0.0.1"', f"port = {smtp_port}", f'security = "{SECURITY}"', f'username = "{SMTP_USER}"',
        f'password = "{SMTP_PASSWORD}"', 'from = "Bench <bench@example.com>"', f'ca_file = "{ca}"', ""]))
    process, url = serve(work, config, outbox=kind == "outbox")
    try:
        idp = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id="AKIABENCHCOGNATE0001", aws_secret_access_key="bench-secret")
        pool = idp.create_user_pool(PoolName="bench", AutoVerifiedAttributes=["email"],
                                    Policies={"PasswordPolicy": {"MinimumLength": 8}})["UserPool"]["Id"]
        client = idp.create_user_pool_client(UserPoolId=pool, ClientName="bench")["UserPoolClient"]["ClientId"]
        before = delivered(count_file)
        cpu_before = cpu_seconds(process.pid)
        env = dict(os.environ, CLIENT_ID=client, PREFIX=kind[0], EMAIL_DOMAIN="bench.example")
        out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", str(ROOT / "bench" / "signup.lua"), url + "/"],
                             env=env, capture_output=True, text=True, check=True).stdout
        line = next(l for l in out.splitlines() if l.startswith("RESULT"))
        rate = float(re.search(r"\) (\d+) req/s", line).group(1))
        sent = int(re.search(r"of (\d+)", line).group(1)) - int(re.search(r"errors (\d+)", line).group(1))
        drain = None
        if kind == "smtp":
            started = time.monotonic()
            while delivered(count_file) - before < sent and time.monotonic() - started < 120:
                time.sleep(0.05)
            drain = time.monotonic() - started
            arrived = delivered(count_file) - before
            assert arrived >= sent, f"{arrived} of {sent} emails arrived"
        cpu_ms = (cpu_seconds(process.pid) - cpu_before) * 1000 / sent
        return rate, sent, drain, f"{line}; server CPU {cpu_ms:.2f} ms per sign-up (sending included)"
    finally:
        process.terminate()
        process.wait(timeout=10)


def main():
    directory = Path(tempfile.mkdtemp())
    smtp_port = free_port()
    certificates(directory)
    count_file = directory / "delivered"
    sink = subprocess.Popen(["chrt", "--idle", "0", sys.executable, str(ROOT / "bench" / "smtp_sink.py"), str(directory),
                             str(smtp_port), str(count_file)], stdout=subprocess.PIPE, text=True)
    assert sink.stdout.readline().strip() == "ready"
    rates = {"outbox": [], "smtp": []}
    try:
        for _ in range(rounds):
            for kind in ("outbox", "smtp"):
                rate, sent, drain, line = run(kind, count_file, smtp_port, directory)
                rates[kind].append(rate)
                tail = f"; queue drained {drain:.1f} s after the load" if drain is not None else ""
                print(f"{kind:6}: {line}{tail}")
    finally:
        sink.kill()
    mean = {k: sum(v) / len(v) for k, v in rates.items()}
    print(json.dumps({"signup_per_s": mean, "smtp_over_outbox": round(mean["smtp"] / mean["outbox"], 3)}))


if __name__ == "__main__":
    main()
