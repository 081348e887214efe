"""Multi-factor authentication with boto3 and pyotp as a Python backend would drive it, and the
AWS CLI for the admin side: a software token set up and asked for, SMS codes from the outbox,
the choice among factors, MFA_SETUP in a pool that requires MFA — and the attacks (a replayed
code, a reused session, another user's session)."""

import time
import uuid

import jwt
import pyotp
import pytest
import requests

PASSWORD = "Correct-Horse-1"


def new_pool(idp, mode="OPTIONAL", sms=True):
    pool = idp.create_user_pool(PoolName=f"mfa-{uuid.uuid4().hex[:6]}", UsernameAttributes=["email"],
                                AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="backend",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    config = {"SoftwareTokenMfaConfiguration": {"Enabled": True}, "MfaConfiguration": mode}
    if sms:
        config["SmsMfaConfiguration"] = {"SmsAuthenticationMessage": "Code: {####}",
                                         "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::000000000000:role/sms"}}
    answer = idp.set_user_pool_mfa_config(UserPoolId=pool, **config)
    assert answer["MfaConfiguration"] == mode
    return pool, client


def confirmed(server, idp, client, email):
    idp.sign_up(ClientId=client, Username=email, Password=PASSWORD)
    idp.confirm_sign_up(ClientId=client, Username=email, ConfirmationCode=server.last_code(email))


def password_sign_in(idp, client, email):
    return idp.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD})


def verify_with_jwks(server, pool, token):
    jwks = jwt.PyJWKClient(f"{server.url}/{pool}/.well-known/jwks.json")
    key = jwks.get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], issuer=f"{server.url}/{pool}",
                      options={"verify_aud": False})


def test_a_software_token_set_up_with_pyotp_is_asked_for_and_its_codes_work_once(server, idp):
    pool, client = new_pool(idp)
    email = f"totp-{uuid.uuid4().hex[:6]}@example.com"
    confirmed(server, idp, client, email)
    access = password_sign_in(idp, client, email)["AuthenticationResult"]["AccessToken"]

    secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    authenticator = pyotp.TOTP(secret)
    with pytest.raises(idp.exceptions.EnableSoftwareTokenMFAException):
        idp.verify_software_token(AccessToken=access, UserCode=f"{(int(authenticator.now()) + 1) % 1000000:06d}")
    first_code = authenticator.now()
    status = idp.verify_software_token(AccessToken=access, UserCode=first_code, FriendlyDeviceName="pyotp")
    assert status["Status"] == "SUCCESS"
    idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    user = idp.get_user(AccessToken=access)
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]

    challenge = password_sign_in(idp, client, email)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" not in challenge
    username = challenge["ChallengeParameters"]["USER_ID_FOR_SRP"]
    # The code that verified the token was spent: the next step's code (one step of skew) is fresh.
    spent = first_code
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.respond_to_auth_challenge(ClientId=client, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
                                      ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": spent})
    fresh = authenticator.at(time.time() + 30)
    done = idp.respond_to_auth_challenge(ClientId=client, ChallengeName="SOFTWARE_TOKEN_MFA",
                                         Session=challenge["Session"],
                                         ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": fresh})
    claims = verify_with_jwks(server, pool, done["AuthenticationResult"]["AccessToken"])
    assert claims["username"] == username and claims["token_use"] == "access"
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Invalid session for the user"):
        idp.respond_to_auth_challenge(ClientId=client, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
                                      ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": fresh})
    again = password_sign_in(idp, client, email)
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.respond_to_auth_challenge(ClientId=client, ChallengeName="SOFTWARE_TOKEN_MFA", Session=again["Session"],
                                      ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": fresh})


def test_sms_codes_arrive_in_the_outbox_and_a_session_cannot_be_carried_to_another_user(server, idp):
    pool, client = new_pool(idp)
    ann, bob = (f"{n}-{uuid.uuid4().hex[:6]}@example.com" for n in ("ann", "bob"))
    for email, phone in ((ann, "+15555550111"), (bob, "+15555550122")):
        confirmed(server, idp, client, email)
        idp.admin_update_user_attributes(UserPoolId=pool, Username=email,
                                         UserAttributes=[{"Name": "phone_number", "Value": phone}])
        idp.admin_set_user_mfa_preference(UserPoolId=pool, Username=email,
                                          SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    challenge = password_sign_in(idp, client, ann)
    assert challenge["ChallengeName"] == "SMS_MFA"
    params = challenge["ChallengeParameters"]
    assert params["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    assert params["CODE_DELIVERY_DESTINATION"] == "+*******0111"
    code = server.last_code("+15555550111")
    bobs = password_sign_in(idp, client, bob)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.respond_to_auth_challenge(ClientId=client, ChallengeName="SMS_MFA", Session=bobs["Session"],
                                      ChallengeResponses={"USERNAME": ann, "SMS_MFA_CODE": code})
    done = idp.respond_to_auth_challenge(ClientId=client, ChallengeName="SMS_MFA", Session=challenge["Session"],
                                         ChallengeResponses={"USERNAME": ann, "SMS_MFA_CODE": code})
    id_claims = verify_with_jwks(server, pool, done["AuthenticationResult"]["IdToken"])
    assert id_claims["phone_number_verified"] is True
    assert idp.admin_get_user(UserPoolId=pool, Username=ann)["MFAOptions"] == [
        {"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]


def test_several_factors_are_chosen_from(server, idp):
    pool, client = new_pool(idp)
    email = f"both-{uuid.uuid4().hex[:6]}@example.com"
    confirmed(server, idp, client, email)
    access = password_sign_in(idp, client, email)["AuthenticationResult"]["AccessToken"]
    authenticator = pyotp.TOTP(idp.associate_software_token(AccessToken=access)["SecretCode"])
    idp.verify_software_token(AccessToken=access, UserCode=authenticator.now())
    idp.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "phone_number", "Value": "+15555550133"}])
    idp.set_user_mfa_preference(AccessToken=access, SMSMfaSettings={"Enabled": True},
                                SoftwareTokenMfaSettings={"Enabled": True})
    challenge = password_sign_in(idp, client, email)
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    assert challenge["ChallengeParameters"]["MFAS_CAN_CHOOSE"] == '["SMS_MFA","SOFTWARE_TOKEN_MFA"]'
    username = challenge["ChallengeParameters"]["USER_ID_FOR_SRP"]
    chosen = idp.respond_to_auth_challenge(ClientId=client, ChallengeName="SELECT_MFA_TYPE",
                                           Session=challenge["Session"],
                                           ChallengeResponses={"USERNAME": username, "ANSWER": "SMS_MFA"})
    assert chosen["ChallengeName"] == "SMS_MFA"
    done = idp.respond_to_auth_challenge(ClientId=client, ChallengeName="SMS_MFA", Session=chosen["Session"],
                                         ChallengeResponses={"USERNAME": username,
                                                             "SMS_MFA_CODE": server.last_code("+15555550133")})
    assert "AccessToken" in done["AuthenticationResult"]


def test_the_cli_sets_up_a_software_token_during_an_admin_sign_in_to_a_required_pool(server, idp):
    pool, client = new_pool(idp, mode="OPTIONAL", sms=False)
    server.cli("set-user-pool-mfa-config", "--user-pool-id", pool, "--mfa-configuration", "ON",
               "--software-token-mfa-configuration", "Enabled=true")
    assert server.cli("get-user-pool-mfa-config", "--user-pool-id", pool)["MfaConfiguration"] == "ON"
    email = f"setup-{uuid.uuid4().hex[:6]}@example.com"
    confirmed(server, idp, client, email)

    started = server.cli("admin-initiate-auth", "--user-pool-id", pool, "--client-id", client,
                         "--auth-flow", "ADMIN_USER_PASSWORD_AUTH",
                         "--auth-parameters", f"USERNAME={email},PASSWORD={PASSWORD}")
    assert started["ChallengeName"] == "MFA_SETUP"
    assert started["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
    username = started["ChallengeParameters"]["USER_ID_FOR_SRP"]
    # The setup session is not an access token.
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=started["Session"])
    associated = server.cli("associate-software-token", "--session", started["Session"])
    authenticator = pyotp.TOTP(associated["SecretCode"])
    verified = server.cli("verify-software-token", "--session", associated["Session"],
                          "--user-code", authenticator.now())
    assert verified["Status"] == "SUCCESS"
    done = server.cli("admin-respond-to-auth-challenge", "--user-pool-id", pool, "--client-id", client,
                      "--challenge-name", "MFA_SETUP", "--session", verified["Session"],
                      "--challenge-responses", f"USERNAME={username}")
    verify_with_jwks(server, pool, done["AuthenticationResult"]["AccessToken"])
    user = server.cli("admin-get-user", "--user-pool-id", pool, "--username", email)
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    # Required: the token cannot be turned off.
    refused = server.cli("admin-set-user-mfa-preference", "--user-pool-id", pool, "--username", email,
                         "--software-token-mfa-settings", "Enabled=false", check=False)
    assert refused.returncode != 0 and "InvalidParameterException" in refused.stderr
    again = idp.admin_initiate_auth(UserPoolId=pool, ClientId=client, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                    AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD})
    assert again["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    requests.get(f"{server.url}/health", timeout=5).raise_for_status()


def test_the_sms_spend_cap_survives_a_restart(tmp_path):
    import signal

    from conftest import idp_for, start_cognate, stop

    process, server = start_cognate(tmp_path, "--sms-daily-limit", "2")
    try:
        idp = idp_for(server)
        pool, client = new_pool(idp)
        email = f"cap-{uuid.uuid4().hex[:6]}@example.com"
        confirmed(server, idp, client, email)
        idp.admin_update_user_attributes(UserPoolId=pool, Username=email,
                                         UserAttributes=[{"Name": "phone_number", "Value": "+15555550177"}])
        idp.admin_set_user_mfa_preference(UserPoolId=pool, Username=email,
                                          SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
        for _ in range(2):
            assert password_sign_in(idp, client, email)["ChallengeName"] == "SMS_MFA"
        with pytest.raises(idp.exceptions.CodeDeliveryFailureException):
            password_sign_in(idp, client, email)
        # A crash and a restart do not reset the count.
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process, server = start_cognate(tmp_path, "--sms-daily-limit", "2")
        idp = idp_for(server)
        with pytest.raises(idp.exceptions.CodeDeliveryFailureException):
            password_sign_in(idp, client, email)
        texts = [m for m in server.messages() if m["destination"] == "+15555550177"]
        assert len(texts) == 2, "two texts were sent, not the refused ones"
    finally:
        stop(process)
