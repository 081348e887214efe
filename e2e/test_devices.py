"""Remembered devices as a Python backend drives them: boto3 for the calls, pycognito's SRP
helpers (its device verifier and device proof, written for Cognito) for the arithmetic, pyotp
for the code, PyJWT to check the tokens, and the AWS CLI for the admin side."""

import time
import uuid

import jwt
import pyotp
import pytest
from pycognito.aws_srp import AWSSRP, generate_hash_device, long_to_hex

PASSWORD = "Correct-Horse-1"


def device_pool(idp):
    pool = idp.create_user_pool(
        PoolName=f"devices-{uuid.uuid4().hex[:6]}", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"],
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False},
    )["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="backend",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OPTIONAL",
                                 SoftwareTokenMfaConfiguration={"Enabled": True})
    return pool, client


def verified_claims(server, pool, token):
    key = jwt.PyJWKClient(f"{server.url}/{pool}/.well-known/jwks.json").get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], issuer=f"{server.url}/{pool}",
                      options={"verify_aud": False})


def srp_to_device_challenge(idp, pool, client, email, device):
    """USER_SRP_AUTH and PASSWORD_VERIFIER naming the device: the challenge that follows."""
    srp = AWSSRP(username=email, password=PASSWORD, pool_id=pool, client_id=client, client=idp, **device)
    params = srp.get_auth_params()
    started = idp.initiate_auth(ClientId=client, AuthFlow="USER_SRP_AUTH", AuthParameters=params)
    answer = srp.process_challenge(started["ChallengeParameters"], params)
    return srp, idp.respond_to_auth_challenge(ClientId=client, ChallengeName="PASSWORD_VERIFIER",
                                              ChallengeResponses=answer)


def test_a_remembered_device_replaces_the_code_and_the_cli_manages_it(server, idp):
    pool, client = device_pool(idp)
    email = f"device-{uuid.uuid4().hex[:6]}@example.com"
    idp.sign_up(ClientId=client, Username=email, Password=PASSWORD)
    idp.confirm_sign_up(ClientId=client, Username=email, ConfirmationCode=server.last_code(email))
    first = idp.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                              AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD})
    access = first["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    authenticator = pyotp.TOTP(secret)
    idp.verify_software_token(AccessToken=access, UserCode=authenticator.now())
    idp.set_user_mfa_preference(AccessToken=access,
                                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})

    # A new device: the code, then tokens naming the device, confirmed with pycognito's verifier.
    challenged = idp.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD})
    assert challenged["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    username = challenged["ChallengeParameters"]["USER_ID_FOR_SRP"]
    done = idp.respond_to_auth_challenge(
        ClientId=client, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenged["Session"],
        ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": authenticator.at(time.time() + 30)})
    metadata = done["AuthenticationResult"]["NewDeviceMetadata"]
    claims = verified_claims(server, pool, done["AuthenticationResult"]["AccessToken"])
    assert claims["device_key"] == metadata["DeviceKey"]
    device_password, verifier_config = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    confirmed = idp.confirm_device(AccessToken=done["AuthenticationResult"]["AccessToken"],
                                   DeviceKey=metadata["DeviceKey"], DeviceSecretVerifierConfig=verifier_config,
                                   DeviceName="backend")
    assert confirmed["UserConfirmationNecessary"] is False, "remembered at once in this pool"
    device = {"device_key": metadata["DeviceKey"], "device_group_key": metadata["DeviceGroupKey"],
              "device_password": device_password}

    # SRP naming the remembered device: no code, the device's own SRP proof instead.
    srp, step = srp_to_device_challenge(idp, pool, client, email, device)
    assert step["ChallengeName"] == "DEVICE_SRP_AUTH"
    # The device's proof continues the sign-in's session; without it, it is refused (pycognito's
    # authenticate_user sends none, which Cognito too has stopped accepting).
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.respond_to_auth_challenge(ClientId=client, ChallengeName="DEVICE_SRP_AUTH", ChallengeResponses={
            "USERNAME": username, "DEVICE_KEY": device["device_key"], "SRP_A": long_to_hex(srp.large_a_value)})
    srp_step = idp.respond_to_auth_challenge(
        ClientId=client, ChallengeName="DEVICE_SRP_AUTH", Session=step["Session"],
        ChallengeResponses={"USERNAME": username, "DEVICE_KEY": device["device_key"],
                            "SRP_A": long_to_hex(srp.large_a_value)})
    assert srp_step["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    proof = srp.process_device_challenge(srp_step["ChallengeParameters"])
    tokens = idp.respond_to_auth_challenge(ClientId=client, ChallengeName="DEVICE_PASSWORD_VERIFIER",
                                           Session=srp_step["Session"], ChallengeResponses=proof)
    result = tokens["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
    assert verified_claims(server, pool, result["AccessToken"])["device_key"] == device["device_key"]
    listed = idp.list_devices(AccessToken=result["AccessToken"])["Devices"]
    assert [d["DeviceKey"] for d in listed] == [device["device_key"]]
    names = {a["Name"]: a["Value"] for a in listed[0]["DeviceAttributes"]}
    assert names["device_name"] == "backend" and names["dev:device_remembered_status"] == "remembered"

    # A forged proof (another secret) is a failed sign-in.
    srp, step = srp_to_device_challenge(idp, pool, client, email, device)
    srp_step = idp.respond_to_auth_challenge(
        ClientId=client, ChallengeName="DEVICE_SRP_AUTH", Session=step["Session"],
        ChallengeResponses={"USERNAME": username, "DEVICE_KEY": device["device_key"],
                            "SRP_A": long_to_hex(srp.large_a_value)})
    srp.device_password = "not-the-device-secret"
    forged = srp.process_device_challenge(srp_step["ChallengeParameters"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.respond_to_auth_challenge(ClientId=client, ChallengeName="DEVICE_PASSWORD_VERIFIER",
                                      Session=srp_step["Session"], ChallengeResponses=forged)

    # The CLI: the device listed, no longer remembered (the code is asked for again), forgotten.
    listed = server.cli("admin-list-devices", "--user-pool-id", pool, "--username", email)["Devices"]
    assert listed[0]["DeviceKey"] == device["device_key"]
    server.cli("admin-update-device-status", "--user-pool-id", pool, "--username", email,
               "--device-key", device["device_key"], "--device-remembered-status", "not_remembered")
    shown = server.cli("admin-get-device", "--user-pool-id", pool, "--username", email,
                       "--device-key", device["device_key"])["Device"]
    assert {"Name": "dev:device_remembered_status", "Value": "not_remembered"} in shown["DeviceAttributes"]
    _, step = srp_to_device_challenge(idp, pool, client, email, device)
    assert step["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    server.cli("admin-forget-device", "--user-pool-id", pool, "--username", email,
               "--device-key", device["device_key"])
    assert server.cli("admin-list-devices", "--user-pool-id", pool, "--username", email)["Devices"] == []
    with pytest.raises(idp.exceptions.ResourceNotFoundException, match="Device does not exist."):
        srp_to_device_challenge(idp, pool, client, email, device)
