"""Custom sender triggers in Python: the sample customEmailSender / customSMSSender handlers (Lambda
code as Cognito's documentation writes it) run in examples/triggers/python and decrypt each code with
the AWS Encryption SDK for Python (aws-encryption-sdk) and a strict KMS master key provider, whose
boto3 KMS client reaches Cognate's Decrypt through AWS_ENDPOINT_URL_KMS. boto3 then confirms the
sign-up and the password reset with what the handlers delivered."""

import json
import os
import sys
import threading
import time

import pytest

from conftest import ACCESS_KEY_ID, ROOT, SECRET_ACCESS_KEY, idp_for, start_cognate, stop

sys.path.insert(0, str(ROOT / "examples" / "triggers" / "python"))
import server as adapter  # noqa: E402 (the example's module, from its folder)

SECRET = "python-sender-secret-0123456789"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PASSWORD = "Correct-Horse-1"


def arn(name):
    return f"arn:aws:lambda:us-east-1:123456789012:function:{name}"


@pytest.fixture(scope="module")
def outbox(tmp_path_factory):
    return tmp_path_factory.mktemp("senders") / "sent.jsonl"


@pytest.fixture(scope="module")
def cognate(tmp_path_factory, outbox):
    receiver = adapter.make_server(SECRET.encode(), ROOT / "examples" / "triggers" / "python" / "handlers")
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    env = {"COGNATE_TRIGGER_URL": f"http://127.0.0.1:{receiver.server_address[1]}/{{function}}",
           "COGNATE_TRIGGER_SECRET": SECRET}
    process, running = start_cognate(tmp_path_factory.mktemp("cognate-senders"), env=env)
    # What the function's environment holds: its key, and (with Cognate) where KMS answers and the
    # admin key its KMS client signs with. The handlers load at their first call.
    function_env = {"KEY_ARN": KEY_ARN, "SENDER_OUTBOX": str(outbox), "AWS_ENDPOINT_URL_KMS": running.url,
                    "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY}
    saved = {name: os.environ.get(name) for name in function_env}
    os.environ.update(function_env)
    yield running
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    stop(process)
    receiver.shutdown()


@pytest.fixture(scope="module")
def pool(cognate):
    idp = idp_for(cognate)
    config = {"KMSKeyID": KEY_ARN,
              "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("customEmailSender")},
              "CustomSMSSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("customSMSSender")}}
    created = idp.create_user_pool(PoolName="py-senders", UsernameAttributes=["email"],
                                   AutoVerifiedAttributes=["email"], LambdaConfig=config)["UserPool"]
    client = idp.create_user_pool_client(UserPoolId=created["Id"], ClientName="py",
                                         ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]
    return idp, created["Id"], client["ClientId"]


def delivered(outbox, to, trigger_source):
    """The latest message a sender handler delivered to `to`, once the worker has called it."""
    for _ in range(100):
        if outbox.exists():
            sent = [m for m in map(json.loads, outbox.read_text().splitlines())
                    if m["to"] == to and m["triggerSource"] == trigger_source]
            if sent:
                return sent[-1]
        time.sleep(0.1)
    raise AssertionError(f"nothing delivered to {to} for {trigger_source}")


def test_sign_up_and_reset_with_codes_the_python_sender_decrypted(cognate, pool, outbox):
    idp, pool_id, client_id = pool
    shown = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["LambdaConfig"]
    assert shown["KMSKeyID"] == KEY_ARN
    assert shown["CustomEmailSender"] == {"LambdaVersion": "V1_0", "LambdaArn": arn("customEmailSender")}

    email = "py-sender@example.com"
    started = idp.sign_up(ClientId=client_id, Username=email, Password=PASSWORD,
                          UserAttributes=[{"Name": "email", "Value": email}])
    assert started["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    code = delivered(outbox, email, "CustomEmailSender_SignUp")["code"]
    assert code.isdigit() and len(code) == 6
    assert not cognate.outbox.exists() or email not in cognate.outbox.read_text(), "Cognate itself sent nothing"
    idp.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode=code)

    idp.forgot_password(ClientId=client_id, Username=email)
    reset_code = delivered(outbox, email, "CustomEmailSender_ForgotPassword")["code"]
    idp.confirm_forgot_password(ClientId=client_id, Username=email, ConfirmationCode=reset_code,
                                Password="Another-Horse-2")
    tokens = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": email, "PASSWORD": "Another-Horse-2"})
    assert tokens["AuthenticationResult"]["AccessToken"]


def test_the_sms_sender_gets_an_invitation_password_html_escaped(pool, outbox):
    idp, pool_id, _ = pool
    idp.admin_create_user(UserPoolId=pool_id, Username="py-invited@example.com", TemporaryPassword="Temp<&>Pass-1",
                          DesiredDeliveryMediums=["SMS"],
                          UserAttributes=[{"Name": "email", "Value": "py-invited@example.com"},
                                          {"Name": "phone_number", "Value": "+15555550177"}])
    sent = delivered(outbox, "+15555550177", "CustomSMSSender_AdminCreateUser")
    assert sent["code"] == "Temp&lt;&amp;&gt;Pass-1"
