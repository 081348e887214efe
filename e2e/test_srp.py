"""SRP sign-in with pycognito, an independent implementation of Cognito's SRP client (the one
Python apps use against AWS), through boto3 against the release binary."""

import uuid

import pytest
from pycognito.aws_srp import AWSSRP

DEMO_POOL = "us-east-1_cruddur01"
DEMO_CLIENT = "cruddurwebclient0000000001"
PASSWORD = "Correct-Horse-1"


def test_pycognito_signs_in_with_srp_and_a_wrong_password_is_refused(server, idp):
    email = f"srp-{uuid.uuid4().hex[:8]}@example.com"
    sub = idp.sign_up(ClientId=DEMO_CLIENT, Username=email, Password=PASSWORD,
                      UserAttributes=[{"Name": "name", "Value": "Srp User"}])["UserSub"]
    idp.confirm_sign_up(ClientId=DEMO_CLIENT, Username=email, ConfirmationCode=server.last_code(email))

    tokens = AWSSRP(username=email, password=PASSWORD, pool_id=DEMO_POOL, client_id=DEMO_CLIENT,
                    client=idp).authenticate_user()["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == sub

    with pytest.raises(idp.exceptions.NotAuthorizedException):
        AWSSRP(username=email, password="Wrong-Horse-1", pool_id=DEMO_POOL, client_id=DEMO_CLIENT,
               client=idp).authenticate_user()

    # After a password reset, SRP proves the new password.
    idp.forgot_password(ClientId=DEMO_CLIENT, Username=email)
    idp.confirm_forgot_password(ClientId=DEMO_CLIENT, Username=email, ConfirmationCode=server.last_code(email),
                                Password="Second-Horse-2")
    tokens = AWSSRP(username=email, password="Second-Horse-2", pool_id=DEMO_POOL, client_id=DEMO_CLIENT,
                    client=idp).authenticate_user()["AuthenticationResult"]
    assert "IdToken" in tokens
