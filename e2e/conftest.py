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


def wait_healthy(url, process, log_path, verify=True):
    deadline = time.time() + 30
    while time.time() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(url, timeout=1, verify=verify).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"{url} did not become healthy: " + Path(log_path).read_text())


def start_cognate(data_dir, *extra_args, scheme="http", verify=True, log="warn", config=None, port=None, env=None):
    """Starts the release binary on a free port (or `port`) with the demo pool (or the `config`
    file given) and `env` added to its environment; returns (process, Server)."""
    assert BINARY.exists(), f"build the release binary first: {BINARY}"
    port = port or free_port()
    url = f"{scheme}://127.0.0.1:{port}"
    environment = dict(os.environ)
    environment.update(
        COGNATE_ACCESS_KEY_ID=ACCESS_KEY_ID,
        COGNATE_SECRET_ACCESS_KEY=SECRET_ACCESS_KEY,
        COGNATE_PASSWORD_HASH="development",
        COGNATE_LOG=log,
        **(env or {}),
    )
    log_path = data_dir / "server.log"
    process = subprocess.Popen(
        [str(BINARY), "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(data_dir),
         "--outbox", str(data_dir / "outbox.jsonl"), "--config", str(config or ROOT / "cognate.toml"), *extra_args],
        env=environment, stdout=open(log_path, "w"), stderr=subprocess.STDOUT, cwd=data_dir,
    )
    wait_healthy(f"{url}/health", process, log_path, verify=verify)
    return process, Server(url, data_dir / "outbox.jsonl", data_dir)


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    process, running = start_cognate(tmp_path_factory.mktemp("cognate"))
    yield running
    stop(process)


@pytest.fixture(scope="module")
def idp(server):
    """A boto3 cognito-idp client signed with the server's admin key, without retries."""
    return idp_for(server)


DEMO_POOL = "us-east-1_cruddur01"
DEMO_CLIENT = "cruddurwebclient0000000001"
GATE_BINARY = Path(os.environ.get("COGNATE_GATE_BIN", BINARY.parent / "cognate-gate"))


def tls_certificate(directory):
    """A private CA and a server certificate it signed for 127.0.0.1 and localhost, as PEM files:
    returns (ca, certificate chain, key). Verifiers trust the CA, as they would a company's."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def build(subject, issuer, public_key, signing_key, extensions):
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
                   .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
                   .public_key(public_key).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1)))
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(signing_key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = build("cognate-e2e-ca", "cognate-e2e-ca", ca_key.public_key(), ca_key, [
        (x509.BasicConstraints(ca=True, path_length=0), True),
        (x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                       data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                       encipher_only=False, decipher_only=False), True),
    ])
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = build("127.0.0.1", "cognate-e2e-ca", key.public_key(), ca_key, [
        (x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
         False),
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False),
    ])
    pem = serialization.Encoding.PEM
    ca_path, chain_path, key_path = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    ca_path.write_bytes(ca.public_bytes(pem))
    chain_path.write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    key_path.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return ca_path, chain_path, key_path


def start_gate(directory, *args, wrapper=(), proxy=False):
    """Starts cognate-gate on a free port; returns (process, url)."""
    assert GATE_BINARY.exists(), f"build the release binaries first: {GATE_BINARY}"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = directory / f"gate-{port}.log"
    env = dict(os.environ, COGNATE_GATE_LOG="info")
    process = subprocess.Popen([*wrapper, str(GATE_BINARY), "--listen", f"127.0.0.1:{port}", *args],
                               env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    health = f"{url}/.cognate-gate/health" if proxy else f"{url}/health"
    wait_healthy(health, process, log_path)
    return process, url


def password_user(idp, username, groups=(), password="Correct-Horse-1"):
    """A confirmed user of the demo pool with a permanent password, in the given groups."""
    idp.admin_create_user(UserPoolId=DEMO_POOL, Username=username, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": username},
                                          {"Name": "email_verified", "Value": "true"},
                                          {"Name": "name", "Value": "E2E User"}])
    idp.admin_set_user_password(UserPoolId=DEMO_POOL, Username=username, Password=password, Permanent=True)
    for group in groups:
        try:
            idp.create_group(UserPoolId=DEMO_POOL, GroupName=group)
        except idp.exceptions.GroupExistsException:
            pass
        idp.admin_add_user_to_group(UserPoolId=DEMO_POOL, Username=username, GroupName=group)
    return username


def sign_in(idp, username, password="Correct-Horse-1"):
    """USER_PASSWORD_AUTH with the demo client; returns the AuthenticationResult."""
    out = idp.initiate_auth(ClientId=DEMO_CLIENT, AuthFlow="USER_PASSWORD_AUTH",
                            AuthParameters={"USERNAME": username, "PASSWORD": password})
    return out["AuthenticationResult"]


def confidential_client(idp, name="gate"):
    """A client of the demo pool with a secret: what reads the revocation feed."""
    client = idp.create_user_pool_client(UserPoolId=DEMO_POOL, ClientName=name, GenerateSecret=True)
    return client["UserPoolClient"]["ClientId"], client["UserPoolClient"]["ClientSecret"]


def idp_for(server, verify=True):
    """A boto3 cognito-idp client for `server`, signed with the admin key, without retries."""
    import boto3
    from botocore.config import Config

    return boto3.client("cognito-idp", endpoint_url=server.url, region_name="us-east-1", verify=verify,
                        aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY,
                        config=Config(retries={"max_attempts": 1}))


class SignUpLoad:
    """Four threads signing users up on `server` until it stops answering (or 30 s pass); what
    the server acknowledged is in `acknowledged`."""

    def __init__(self, server, prefix):
        import threading

        self.acknowledged = []
        deadline = time.time() + 30

        def work(worker):
            client = idp_for(server)
            n = 0
            while time.time() < deadline:
                username = f"{prefix}-{worker}-{n}@example.com"
                try:
                    client.sign_up(ClientId=DEMO_CLIENT, Username=username, Password="Correct-Horse-1",
                                   UserAttributes=[{"Name": "email", "Value": username},
                                                   {"Name": "name", "Value": "Load"}])
                except Exception:  # the server is gone: stop
                    return
                self.acknowledged.append(username)
                n += 1

        self.threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
        for thread in self.threads:
            thread.start()

    def join(self):
        for thread in self.threads:
            thread.join(timeout=60)
        return self.acknowledged
