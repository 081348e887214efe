"""A crash on the embedded default: SIGKILL in the middle of a sign-up load, restart on the same
data directory; every acknowledged sign-up is there and SQLite's integrity check passes."""

import signal
import sqlite3
import time

from conftest import DEMO_POOL, SignUpLoad, idp_for, start_cognate, stop


def test_sigkill_during_sign_ups_loses_nothing_acknowledged(tmp_path):
    process, server = start_cognate(tmp_path)
    load = SignUpLoad(server, "crash")
    time.sleep(2)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    acknowledged = load.join()
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
