"""Lambda triggers written in Python, served by examples/triggers/python (the sample handlers,
unchanged Lambda code) to the release binary and driven with boto3: PreSignUp, CustomMessage,
PreTokenGeneration V1_0 (checked with PyJWT), UserMigration on sign-in and on ForgotPassword,
the CUSTOM_AUTH loop, and the receiver going away."""

import sys
import threading
import time

import jwt
import pytest
import requests
from botocore.exceptions import ClientError

from conftest import ROOT, idp_for, start_cognate, stop

sys.path.insert(0, str(ROOT / "examples" / "triggers" / "python"))
import server as adapter  # noqa: E402 (the example's module, from its folder)

SECRET = "python-trigger-secret-0123456789"
PASSWORD = "Correct-Horse-1"


def arn(name):
    return f"arn:aws:lambda:us-east-1:123456789012:function:{name}"


@pytest.fixture(scope="module")
def functions():
    receiver = adapter.make_server(SECRET.encode(), ROOT / "examples" / "triggers" / "python" / "handlers")
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{receiver.server_address[1]}"
    receiver.shutdown()


@pytest.fixture(scope="module")
def cognate(tmp_path_factory, functions):
    env = {"COGNATE_TRIGGER_URL": functions + "/{function}", "COGNATE_TRIGGER_SECRET": SECRET}
    process, running = start_cognate(tmp_path_factory.mktemp("triggers"), env=env)
    yield running
    stop(process)


@pytest.fixture(scope="module")
def pool(cognate):
    idp = idp_for(cognate)
    names = ["preSignUp", "postConfirmation", "preAuthentication", "postAuthentication", "defineAuthChallenge",
             "createAuthChallenge", "verifyAuthChallengeResponse", "userMigration", "customMessage"]
    config = {name[0].upper() + name[1:]: arn(name) for name in names}
    config["PreTokenGeneration"] = arn("preTokenGeneration")
    created = idp.create_user_pool(PoolName="py-triggers", UsernameAttributes=["email"],
                                   AutoVerifiedAttributes=["email"], LambdaConfig=config)["UserPool"]
    client = idp.create_user_pool_client(
        UserPoolId=created["Id"], ClientName="py",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return idp, created["Id"], client["ClientId"]


def sign_up(idp, client_id, email):
    return idp.sign_up(ClientId=client_id, Username=email, Password=PASSWORD,
                       UserAttributes=[{"Name": "email", "Value": email}])


def test_lambda_config_round_trips_through_boto3(pool):
    idp, pool_id, _ = pool
    shown = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["LambdaConfig"]
    assert shown["PreSignUp"] == arn("preSignUp")
    assert shown["PreTokenGenerationConfig"] == {"LambdaVersion": "V1_0", "LambdaArn": arn("preTokenGeneration")}


def test_pre_sign_up_confirms_refuses_and_custom_message_words_the_code(cognate, pool):
    idp, _, client_id = pool
    assert sign_up(idp, client_id, "py-ada@example.com")["UserConfirmed"] is True
    with pytest.raises(ClientError) as refused:
        sign_up(idp, client_id, "py-eve@blocked.example")
    assert refused.value.response["Error"]["Code"] == "UserLambdaValidationException"
    assert refused.value.response["Error"]["Message"] == \
        "PreSignUp failed with error Registration from this domain is not allowed.."
    assert sign_up(idp, client_id, "py-cy@elsewhere.example")["UserConfirmed"] is False
    sent = next(m for m in reversed(cognate.messages()) if m["destination"] == "py-cy@elsewhere.example")
    assert sent["message"] == f"Welcome to Cruddur! Your confirmation code is {sent['code']}."


def test_pre_token_generation_v1_adds_an_id_token_claim_that_pyjwt_verifies(cognate, pool):
    idp, pool_id, client_id = pool
    sign_up(idp, client_id, "py-tok@example.com")
    idp.create_group(UserPoolId=pool_id, GroupName="editors")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="py-tok@example.com", GroupName="editors")
    tokens = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": "py-tok@example.com", "PASSWORD": PASSWORD})
    result = tokens["AuthenticationResult"]
    keys = jwt.PyJWKClient(f"{cognate.url}/{pool_id}/.well-known/jwks.json")
    issuer = f"{cognate.url}/{pool_id}"

    def verified(token, **options):
        key = keys.get_signing_key_from_jwt(token).key
        return jwt.decode(token, key, algorithms=["RS256"], issuer=issuer, **options)

    id_claims = verified(result["IdToken"], audience=client_id)
    assert id_claims["tenant"] == "cruddur"
    assert id_claims["cognito:groups"] == ["editors"], "the handler kept the groups it was given"
    access = verified(result["AccessToken"], options={"verify_aud": False})
    assert "tenant" not in access, "V1_0 changes the id token only"


def test_user_migration_on_sign_in_and_on_forgot_password(cognate, pool):
    idp, pool_id, client_id = pool
    with pytest.raises(ClientError) as unknown:
        idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": "nobody@example.com", "PASSWORD": PASSWORD})
    assert unknown.value.response["Error"]["Code"] == "UserNotFoundException"
    assert unknown.value.response["Error"]["Message"] == f"Exception migrating user in app client {client_id}"

    idp.forgot_password(ClientId=client_id, Username="legacy@example.com")
    user = idp.admin_get_user(UserPoolId=pool_id, Username="legacy@example.com")
    assert user["UserStatus"] == "RESET_REQUIRED"
    assert {"Name": "name", "Value": "Lee Gacy"} in user["UserAttributes"]
    code = cognate.last_code("legacy@example.com")
    idp.confirm_forgot_password(ClientId=client_id, Username="legacy@example.com", ConfirmationCode=code,
                                Password=PASSWORD)
    signed_in = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "legacy@example.com", "PASSWORD": PASSWORD})
    assert "AccessToken" in signed_in["AuthenticationResult"]


def test_custom_auth_asks_a_question_and_gives_up_after_three_wrong_answers(pool):
    idp, _, client_id = pool
    sign_up(idp, client_id, "py-quiz@example.com")
    step = idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "py-quiz@example.com"})
    assert step["ChallengeName"] == "CUSTOM_CHALLENGE"
    question = step["ChallengeParameters"]["question"]
    a, b = (int(n) for n in question.removeprefix("What is ").removesuffix("?").split(" + "))
    done = idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=step["Session"],
        ChallengeResponses={"USERNAME": "py-quiz@example.com", "ANSWER": str(a + b)})
    assert "IdToken" in done["AuthenticationResult"]

    step = idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "py-quiz@example.com"})
    for _ in range(2):
        step = idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=step["Session"],
            ChallengeResponses={"USERNAME": "py-quiz@example.com", "ANSWER": "-1"})
        assert step["ChallengeName"] == "CUSTOM_CHALLENGE"
    with pytest.raises(ClientError) as failed:
        idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=step["Session"],
            ChallengeResponses={"USERNAME": "py-quiz@example.com", "ANSWER": "-1"})
    assert failed.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_the_adapter_checks_signatures(functions):
    body = b'{"triggerSource":"PreSignUp_SignUp","request":{"userAttributes":{}},"response":{}}'
    now = str(int(time.time()))
    assert requests.post(f"{functions}/preSignUp", data=body, timeout=5,
                         headers={"x-cognate-timestamp": now, "x-cognate-signature": "v1=00"}).status_code == 401
    assert adapter.signed_by(b"k", now, "v1=" + "0" * 64, body) is False


def test_a_receiver_that_is_gone_is_an_unexpected_lambda_error(tmp_path):
    env = {"COGNATE_TRIGGER_URL": "http://127.0.0.1:9/{function}", "COGNATE_TRIGGER_SECRET": SECRET}
    process, running = start_cognate(tmp_path, env=env)
    try:
        idp = idp_for(running)
        pool_id = idp.create_user_pool(PoolName="gone", LambdaConfig={"PreSignUp": arn("preSignUp")})["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"]["ClientId"]
        with pytest.raises(ClientError) as failed:
            idp.sign_up(ClientId=client_id, Username="someone", Password=PASSWORD)
        assert failed.value.response["Error"]["Code"] == "UnexpectedLambdaException"
        assert failed.value.response["Error"]["Message"].startswith("PreSignUp invocation failed due to error")
    finally:
        stop(process)

