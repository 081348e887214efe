"""The demo pool from cognate.toml, driven with boto3 as a Python backend would."""

import uuid

import pytest


DEMO_POOL = "us-east-1_cruddur01"
DEMO_CLIENT = "cruddurwebclient0000000001"


def test_demo_pool_sign_up_confirm_sign_in_refresh(server, idp):
    email = f"user-{uuid.uuid4().hex[:8]}@example.com"
    sub = idp.sign_up(ClientId=DEMO_CLIENT, Username=email, Password="Correct-Horse-1",
                      UserAttributes=[{"Name": "name", "Value": "Demo User"},
                                      {"Name": "preferred_username", "Value": "demo"}])["UserSub"]
    with pytest.raises(idp.exceptions.UsernameExistsException):
        idp.sign_up(ClientId=DEMO_CLIENT, Username=email.upper(), Password="Correct-Horse-1",
                    UserAttributes=[{"Name": "name", "Value": "Again"}])
    idp.confirm_sign_up(ClientId=DEMO_CLIENT, Username=email, ConfirmationCode=server.last_code(email))
    # The demo pool is case-insensitive: the email signs in in any case.
    auth = idp.initiate_auth(ClientId=DEMO_CLIENT, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": email.upper(), "PASSWORD": "Correct-Horse-1"})
    result = auth["AuthenticationResult"]
    user = idp.get_user(AccessToken=result["AccessToken"])
    assert user["Username"] == sub
    refreshed = idp.initiate_auth(ClientId=DEMO_CLIENT, AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})
    assert "AccessToken" in refreshed["AuthenticationResult"]
    # The demo client hides whether a user exists.
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(ClientId=DEMO_CLIENT, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": "nobody@example.com", "PASSWORD": "Correct-Horse-1"})
    described = idp.describe_user_pool(UserPoolId=DEMO_POOL)["UserPool"]
    assert described["EstimatedNumberOfUsers"] >= 1
    assert described["UsernameConfiguration"]["CaseSensitive"] is False
