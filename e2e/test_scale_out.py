"""Two release binaries on one PostgreSQL database behave as one service: what happens on one
instance is seen by the other, single-use codes stay single-use across them, and killing one
loses no acknowledged write. Needs COGNATE_TEST_POSTGRES_URL (CI sets it)."""

import os
import signal
import subprocess
import threading
import time

import pytest
import requests

from conftest import BINARY, DEMO_CLIENT, DEMO_POOL, SignUpLoad, idp_for, start_cognate, stop

BASE_URL = os.environ.get("COGNATE_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not BASE_URL, reason="COGNATE_TEST_POSTGRES_URL is not set")


def fresh_database():
    name = f"cognate_test_e2e_{os.getpid()}_{time.time_ns()}"
    subprocess.run(["psql", BASE_URL, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return BASE_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    url = fresh_database()
    a_dir, b_dir = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    # Behind one load balancer, every instance has the same public URL, hence the same issuer.
    shared = ("--database-url", url, "--public-url", "https://cognate.example.internal")
    a_process, a = start_cognate(a_dir, *shared)
    b_process, b = start_cognate(b_dir, *shared)
    yield {"url": url, "a": a, "b": b, "a_process": a_process, "a_dir": a_dir}
    for process in (a_process, b_process):
        if process.poll() is None:
            stop(process)


def test_what_one_instance_does_the_other_sees(instances):
    a, b = idp_for(instances["a"]), idp_for(instances["b"])
    email = "twice@example.com"
    a.sign_up(ClientId=DEMO_CLIENT, Username=email, Password="Correct-Horse-1",
              UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": "Twice"}])
    b.confirm_sign_up(ClientId=DEMO_CLIENT, Username=email, ConfirmationCode=instances["a"].last_code(email))
    tokens = a.initiate_auth(ClientId=DEMO_CLIENT, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": email, "PASSWORD": "Correct-Horse-1"})["AuthenticationResult"]
    refreshed = b.initiate_auth(ClientId=DEMO_CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                                AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
    assert b.get_user(AccessToken=tokens["AccessToken"])["Username"]
    assert a.get_user(AccessToken=refreshed["AccessToken"])["Username"]

    b.global_sign_out(AccessToken=refreshed["AccessToken"])
    for client, token in [(a, tokens["AccessToken"]), (a, refreshed["AccessToken"])]:
        with pytest.raises(client.exceptions.NotAuthorizedException):
            client.get_user(AccessToken=token)
    with pytest.raises(a.exceptions.NotAuthorizedException):
        a.initiate_auth(ClientId=DEMO_CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})


def test_a_key_rotated_through_one_instance_reaches_the_others_jwks(instances):
    jwks_b = f"{instances['b'].url}/{DEMO_POOL}/.well-known/jwks.json"
    before = {k["kid"] for k in requests.get(jwks_b, timeout=5).json()["keys"]}
    done = subprocess.run([str(BINARY), "keys", "rotate", "--pool", DEMO_POOL, "--database-url", instances["url"],
                           "--data-dir", str(instances["a_dir"]), "--config", "/dev/null"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    deadline = time.time() + 20
    while time.time() < deadline:
        after = {k["kid"] for k in requests.get(jwks_b, timeout=5).json()["keys"]}
        if len(after) == len(before) + 2:
            break
        time.sleep(0.5)
    assert before < after and len(after) == len(before) + 2, "B publishes the new keys beside the old"


def test_a_recovery_code_works_once_across_instances(instances):
    a, b = idp_for(instances["a"]), idp_for(instances["b"])
    email = "race@example.com"
    a.admin_create_user(UserPoolId=DEMO_POOL, Username=email, MessageAction="SUPPRESS",
                        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"},
                                        {"Name": "name", "Value": "Race"}])
    a.admin_set_user_password(UserPoolId=DEMO_POOL, Username=email, Password="Correct-Horse-1", Permanent=True)
    a.forgot_password(ClientId=DEMO_CLIENT, Username=email)
    code = instances["a"].last_code(email)
    outcomes = []

    def confirm(client, password):
        try:
            client.confirm_forgot_password(ClientId=DEMO_CLIENT, Username=email, ConfirmationCode=code,
                                           Password=password)
            outcomes.append("ok")
        except client.exceptions.ClientError as error:
            outcomes.append(error.response["Error"]["Code"])

    threads = [threading.Thread(target=confirm, args=(client, f"New-Password-{i}"))
               for i, client in enumerate([a, b, a, b, a, b])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes


def test_killing_one_instance_loses_no_acknowledged_sign_up(instances):
    b = idp_for(instances["b"])
    load = SignUpLoad(instances["a"], "load")
    time.sleep(2)
    instances["a_process"].send_signal(signal.SIGKILL)
    instances["a_process"].wait(timeout=10)
    acknowledged = load.join()
    assert len(acknowledged) > 10, "the load ran before the kill"
    for username in acknowledged:
        assert b.admin_get_user(UserPoolId=DEMO_POOL, Username=username)["UserStatus"] == "UNCONFIRMED"
    assert b.describe_user_pool(UserPoolId=DEMO_POOL)["UserPool"]["Id"] == DEMO_POOL, "B still serves"
