"""Interop: the verdicts of cognate-verify (through cognate-gate), AWS's aws-jwt-verify (Node) and
PyJWT agree on the same tokens — genuine ones pass everywhere, forged and foreign ones fail
everywhere. Against Cognate over HTTPS (aws-jwt-verify's stock fetcher, PyJWT's PyJWKClient) and
against Cognate with AWS-shaped issuers (aws-jwt-verify's CognitoJwtVerifier with cacheJwks)."""

import base64
import hashlib
import hmac
import json
import os
import ssl
import subprocess

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from conftest import (DEMO_CLIENT, DEMO_POOL, ROOT, idp_for, password_user, sign_in, start_cognate, start_gate,
                      stop, tls_certificate)

NODE_DIR = ROOT / "e2e" / "node"


def b64(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hs256(kid, claims, secret):
    """A token MACed with HS256 (by hand: PyJWT refuses to use a public key as an HMAC secret)."""
    signed = f"{b64(json.dumps({'alg': 'HS256', 'kid': kid}).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signed}.{b64(hmac.new(secret, signed.encode(), hashlib.sha256).digest())}"


def token_set(idp, username, jwks_document):
    """Genuine tokens and their forgeries, by name. The HS256 forgery uses the published JWKS as
    its HMAC secret: the algorithm-confusion attack."""
    password_user(idp, username)
    tokens = sign_in(idp, username)
    access = tokens["AccessToken"]
    header, payload, signature = access.split(".")
    kid = json.loads(unb64(header))["kid"]
    escalated = dict(json.loads(unb64(payload)), **{"cognito:groups": ["admin"]})
    other = idp.create_user_pool_client(UserPoolId=DEMO_POOL, ClientName="other",
                                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    other_id = other["UserPoolClient"]["ClientId"]
    other_access = idp.initiate_auth(ClientId=other_id, AuthFlow="USER_PASSWORD_AUTH",
                                     AuthParameters={"USERNAME": username, "PASSWORD": "Correct-Horse-1"})
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = json.loads(unb64(payload))
    return {
        "genuine access": access,
        "id token": tokens["IdToken"],
        "other client": other_access["AuthenticationResult"]["AccessToken"],
        "tampered payload": f"{header}.{b64(json.dumps(escalated).encode())}.{signature}",
        "flipped signature": f"{header}.{payload}.{b64(bytes([unb64(signature)[0] ^ 1]) + unb64(signature)[1:])}",
        "alg none": f"{b64(json.dumps({'alg': 'none', 'kid': kid}).encode())}.{payload}.",
        "stranger's key, same kid": jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": kid}),
        "HS256 with the JWKS as secret": hs256(kid, claims, jwks_document),
    }


EXPECTED = {"genuine access": "ok"}


def cognate_verdicts(gate_url, tokens):
    verdicts = {}
    for name, token in tokens.items():
        response = requests.get(f"{gate_url}/verify", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        verdicts[name] = "ok" if response.status_code == 200 else f"refused {response.status_code}"
    return verdicts


def aws_jwt_verify_verdicts(request, env=None):
    done = subprocess.run(["node", "verify-tokens.mjs"], cwd=NODE_DIR, input=json.dumps(request), text=True,
                          capture_output=True, timeout=60, env=dict(os.environ, **(env or {})))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def pyjwt_verdicts(jwk_client, issuer, tokens):
    verdicts = {}
    for name, token in tokens.items():
        try:
            key = jwk_client.get_signing_key_from_jwt(token)
            claims = jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer,
                                options={"verify_aud": False, "require": ["exp", "iat", "iss"]})
            if claims.get("token_use") != "access" or claims.get("client_id") != DEMO_CLIENT:
                raise jwt.InvalidTokenError("not an access token of the demo client")
            verdicts[name] = "ok"
        except jwt.PyJWTError as error:
            verdicts[name] = type(error).__name__
    return verdicts


def agree(*verdict_sets):
    names = verdict_sets[0].keys()
    for name in names:
        passed = [verdicts[name] == "ok" for verdicts in verdict_sets]
        expected = EXPECTED.get(name) == "ok"
        assert passed == [expected] * len(passed), f"{name}: {[v[name] for v in verdict_sets]}"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    ca, chain, key = tls_certificate(directory)
    process, server = start_cognate(directory, "--tls-cert", str(chain), "--tls-key", str(key),
                                    scheme="https", verify=str(ca))
    yield server, ca
    stop(process)


def test_verdicts_agree_against_cognate_over_https(tls_server, tmp_path):
    server, cert = tls_server
    assert server.url.startswith("https://")
    issuer = f"{server.url}/{DEMO_POOL}"
    jwks_uri = f"{issuer}/.well-known/jwks.json"
    jwks_document = requests.get(jwks_uri, verify=str(cert), timeout=10).content
    tokens = token_set(idp_for(server, verify=str(cert)), "interop-https@example.com", jwks_document)

    gate, gate_url = start_gate(tmp_path, "--issuer", issuer, "--client-id", DEMO_CLIENT, "--ca-cert", str(cert))
    try:
        ours = cognate_verdicts(gate_url, tokens)
    finally:
        stop(gate)
    theirs = aws_jwt_verify_verdicts(
        {"kind": "rsa", "issuer": issuer, "jwksUri": jwks_uri, "clientId": DEMO_CLIENT, "tokenUse": "access",
         "tokens": tokens},
        env={"NODE_EXTRA_CA_CERTS": str(cert)})
    context = ssl.create_default_context(cafile=str(cert))
    pyjwt = pyjwt_verdicts(jwt.PyJWKClient(jwks_uri, ssl_context=context), issuer, tokens)
    agree(ours, theirs, pyjwt)
    assert theirs["alg none"] != "ok" and theirs["HS256 with the JWKS as secret"] != "ok"


@pytest.fixture(scope="module")
def aws_shaped_server(tmp_path_factory):
    process, server = start_cognate(tmp_path_factory.mktemp("aws-issuer"), "--aws-issuer")
    yield server
    stop(process)


def test_cognito_jwt_verifier_accepts_tokens_with_aws_shaped_issuers(aws_shaped_server, tmp_path):
    server = aws_shaped_server
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{DEMO_POOL}"
    jwks_uri = f"{server.url}/{DEMO_POOL}/.well-known/jwks.json"
    jwks_document = requests.get(jwks_uri, timeout=10).content
    jwks = json.loads(jwks_document)
    tokens = token_set(idp_for(server), "interop-aws@example.com", jwks_document)
    assert json.loads(unb64(tokens["genuine access"].split(".")[1]))["iss"] == issuer

    gate, gate_url = start_gate(tmp_path, "--issuer", issuer, "--client-id", DEMO_CLIENT, "--jwks-uri", jwks_uri)
    try:
        ours = cognate_verdicts(gate_url, tokens)
    finally:
        stop(gate)
    theirs = aws_jwt_verify_verdicts({"kind": "cognito", "userPoolId": DEMO_POOL, "jwks": jwks,
                                      "clientId": DEMO_CLIENT, "tokenUse": "access", "tokens": tokens})
    pyjwt = pyjwt_verdicts(jwt.PyJWKClient(jwks_uri), issuer, tokens)
    agree(ours, theirs, pyjwt)
