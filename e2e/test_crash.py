"""A crash on the embedded default: SIGKILL in the middle of a sign-up load, restart on the same
data directory; every acknowledged sign-up is there and SQLite's integrity check passes."""

import signal
import sqlite3
import threading
import time

import boto3
from botocore.config import Config

from conftest import ACCESS_KEY_ID, DEMO_CLIENT, DEMO_POOL, SECRET_ACCESS_KEY, start_cognate, stop


def idp_for(server):
    return boto3.client("cognito-idp", endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY,
                        config=Config(retries={"max_attempts": 1}))


def test_sigkill_during_sign_ups_loses_nothing_acknowledged(tmp_path):
    process, server = start_cognate(tmp_path)
    acknowledged, stop_at = [], time.time() + 30

    def sign_ups(worker):
        client = idp_for(server)
        n = 0
        while time.time() < stop_at:
            username = f"crash-{worker}-{n}@example.com"
            try:
                client.sign_up(ClientId=DEMO_CLIENT, Username=username, Password="Correct-Horse-1",
                               UserAttributes=[{"Name": "email", "Value": username}, {"Name": "name", "Value": "C"}])
            except Exception:  # the server is gone: stop
                return
            acknowledged.append(username)
            n += 1

    threads = [threading.Thread(target=sign_ups, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    for thread in threads:
        thread.join(timeout=60)
    assert len(acknowledged) > 10, "the load ran before the kill"

    process, server = start_cognate(tmp_path)
    try:
        client = idp_for(server)
        for username in acknowledged:
            assert client.admin_get_user(UserPoolId=DEMO_POOL, Username=username)["UserStatus"] == "UNCONFIRMED"
    finally:
        stop(process)
    with sqlite3.connect(tmp_path / "cognate.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
