"""Passkeys as boto3 sees them: the raw shapes of Start/CompleteWebAuthnRegistration,
ListWebAuthnCredentials and the WEB_AUTHN challenge, and every WebAuthn exception a client can
meet. A small software authenticator (the `cryptography` package's P-256 keys, CBOR written by
hand) plays the browser; PyJWT checks the tokens against the JWKS."""

import base64
import hashlib
import json
import os
import struct
import uuid

import jwt
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

PASSWORD = "Correct-Horse-1"
ORIGIN = "http://localhost:3000"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def cbor(value):
    """Just enough CBOR for an attestation object and a COSE key."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        if n < 256:
            return bytes([major << 5 | 24, n])
        return bytes([major << 5 | 25]) + struct.pack(">H", n)

    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        return head(3, len(value.encode())) + value.encode()
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(value)


class Authenticator:
    """One ES256 passkey, answering as a browser with a platform authenticator would."""

    def __init__(self, origin=ORIGIN, rp_id=None):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0
        self.origin = origin
        self.rp_id = rp_id
        self.user_handle = b""

    def auth_data(self, rp_id, attested):
        flags = 0x05 | (0x40 if attested else 0)
        data = hashlib.sha256((self.rp_id or rp_id).encode()).digest() + bytes([flags]) + struct.pack(">I", self.counter)
        if attested:
            numbers = self.key.public_key().public_numbers()
            cose = cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
            data += bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + cose
        return data

    def client_data(self, kind, challenge):
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin}).encode()

    def register(self, options):
        self.user_handle = unb64url(options["user"]["id"])
        self.counter += 1
        client_data = self.client_data("webauthn.create", options["challenge"])
        attestation = cbor({"fmt": "none", "attStmt": {}, "authData": self.auth_data(options["rp"]["id"], True)})
        return {
            "id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
            "authenticatorAttachment": "cross-platform", "clientExtensionResults": {},
            "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation),
                         "transports": ["usb", "nfc"]},
        }

    def assert_(self, options):
        self.counter += 1
        client_data = self.client_data("webauthn.get", options["challenge"])
        auth_data = self.auth_data(options["rpId"], False)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps({
            "id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
            "clientExtensionResults": {},
            "response": {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                         "signature": b64url(signature), "userHandle": b64url(self.user_handle)},
        })


def error_code(call, *args, **kwargs):
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    return raised.value.response["Error"]["Code"]


@pytest.fixture(scope="module")
def pool(idp):
    pool = idp.create_user_pool(
        PoolName=f"passkeys-{uuid.uuid4().hex[:6]}", UsernameAttributes=["email"],
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}},
    )["UserPool"]["Id"]
    config = idp.set_user_pool_mfa_config(
        UserPoolId=pool, WebAuthnConfiguration={"RelyingPartyId": "localhost", "UserVerification": "required"})
    assert config["WebAuthnConfiguration"] == {
        "RelyingPartyId": "localhost", "UserVerification": "required", "FactorConfiguration": "SINGLE_FACTOR"}
    return pool


def web_client(idp, pool):
    return idp.create_user_pool_client(
        UserPoolId=pool, ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]


def signed_in(idp, pool, client, email):
    idp.admin_create_user(UserPoolId=pool, Username=email, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": email}])
    idp.admin_set_user_password(UserPoolId=pool, Username=email, Password=PASSWORD, Permanent=True)
    return access_token(idp, client, email)


def access_token(idp, client, email):
    tokens = idp.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD})
    return tokens["AuthenticationResult"]["AccessToken"]


def test_registration_and_sign_in_in_cognitos_shapes(server, idp, pool):
    client = web_client(idp, pool)
    email = f"pk-{uuid.uuid4().hex[:6]}@example.com"
    access = signed_in(idp, pool, client, email)
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    assert isinstance(options, dict), "a JSON document, not a string"
    assert options["rp"] == {"id": "localhost", "name": "localhost"}
    assert options["user"]["displayName"] == "" and options["user"]["name"] == email
    assert [p["alg"] for p in options["pubKeyCredParams"]] == [-7, -257]
    key = Authenticator()
    assert idp.complete_web_authn_registration(AccessToken=access, Credential=key.register(options))["ResponseMetadata"]
    listed = idp.list_web_authn_credentials(AccessToken=access)["Credentials"]
    assert [(c["CredentialId"], c["RelyingPartyId"], c["AuthenticatorAttachment"], c["AuthenticatorTransports"],
             c["FriendlyCredentialName"]) for c in listed] == [
        (b64url(key.credential_id), "localhost", "cross-platform", ["usb", "nfc"], "Security key")]
    assert listed[0]["CreatedAt"].year >= 2026, "epoch seconds, read by botocore as a datetime"

    started = idp.initiate_auth(ClientId=client, AuthFlow="USER_AUTH",
                                AuthParameters={"USERNAME": email, "PREFERRED_CHALLENGE": "WEB_AUTHN"})
    assert started["ChallengeName"] == "WEB_AUTHN"
    request = json.loads(started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert request["rpId"] == "localhost" and request["attestation"] == "none" and request["hints"] == []
    done = idp.respond_to_auth_challenge(
        ClientId=client, ChallengeName="WEB_AUTHN", Session=started["Session"],
        ChallengeResponses={"USERNAME": email, "CREDENTIAL": key.assert_(request)})
    id_token = done["AuthenticationResult"]["IdToken"]
    signing_key = jwt.PyJWKClient(f"{server.url}/{pool}/.well-known/jwks.json").get_signing_key_from_jwt(id_token)
    claims = jwt.decode(id_token, signing_key.key, algorithms=["RS256"], audience=client)
    assert claims["email"] == email

    idp.delete_web_authn_credential(AccessToken=access, CredentialId=b64url(key.credential_id))
    assert idp.list_web_authn_credentials(AccessToken=access)["Credentials"] == []
    assert error_code(idp.delete_web_authn_credential, AccessToken=access,
                      CredentialId=b64url(key.credential_id)) == "ResourceNotFoundException"


def test_every_webauthn_exception_where_it_belongs(server, idp, pool):
    client = web_client(idp, pool)
    email = f"pk-{uuid.uuid4().hex[:6]}@example.com"
    access = signed_in(idp, pool, client, email)
    start = lambda: idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]  # noqa: E731
    complete = lambda token, credential: idp.complete_web_authn_registration(  # noqa: E731
        AccessToken=token, Credential=credential)

    assert error_code(complete, access, Authenticator(origin="https://evil.example").register(start())) \
        == "WebAuthnOriginNotAllowedException"
    assert error_code(complete, access, Authenticator(rp_id="example.com").register(start())) \
        == "WebAuthnRelyingPartyMismatchException"
    other_client = access_token(idp, web_client(idp, pool), email)
    answered = Authenticator().register(start())
    assert error_code(complete, other_client, answered) == "WebAuthnClientMismatchException"
    complete(access, answered)
    assert error_code(complete, access, answered) == "WebAuthnChallengeNotFoundException", "used once"
    with pytest.raises(ClientError) as raised:
        complete(access, {"id": "x"})
    assert raised.value.response["Error"] == {"Code": "InvalidParameterException", "Message": "Credential data is not valid"}

    # A pool without WEB_AUTHN, and one with it but no relying party.
    plain = idp.create_user_pool(PoolName="no-passkeys", UsernameAttributes=["email"])["UserPool"]["Id"]
    plain_client = web_client(idp, plain)
    token = signed_in(idp, plain, plain_client, email)
    assert error_code(idp.start_web_authn_registration, AccessToken=token) == "WebAuthnNotEnabledException"
    idp.update_user_pool(UserPoolId=plain, Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["WEB_AUTHN", "PASSWORD"]}})
    assert error_code(idp.start_web_authn_registration, AccessToken=token) == "WebAuthnConfigurationMissingException"
    assert error_code(idp.set_user_pool_mfa_config, UserPoolId=plain,
                      WebAuthnConfiguration={"RelyingPartyId": "localhost", "FactorConfiguration": "TWO"}) \
        == "InvalidParameterException"

    # The sign-in challenge: a replayed assertion, an assertion for another challenge.
    key = Authenticator()
    complete(access, key.register(start()))
    begin = lambda: idp.initiate_auth(ClientId=client, AuthFlow="USER_AUTH", AuthParameters={  # noqa: E731
        "USERNAME": email, "PREFERRED_CHALLENGE": "WEB_AUTHN"})
    first, second = begin(), begin()
    crossed = key.assert_(json.loads(second["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]))
    answer = lambda started, credential: idp.respond_to_auth_challenge(  # noqa: E731
        ClientId=client, ChallengeName="WEB_AUTHN", Session=started["Session"],
        ChallengeResponses={"USERNAME": email, "CREDENTIAL": credential})
    assert error_code(answer, first, crossed) == "WebAuthnChallengeNotFoundException"
    assert "AuthenticationResult" in answer(second, crossed)
    assert error_code(answer, second, crossed) == "NotAuthorizedException", "the session is spent"
