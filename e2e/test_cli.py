"""The tutorial's admin commands with the real AWS CLI, and its tokens verified with PyJWT
against the server's JWKS."""

import base64
import json
import uuid

import jwt
import pytest
from jwt import PyJWKClient

PASSWORD = "Correct-Horse-1"


@pytest.fixture(scope="module")
def pool(server):
    pool_id = server.cli("create-user-pool", "--pool-name", "cruddur-cli",
                         "--username-attributes", "email",
                         "--auto-verified-attributes", "email")["UserPool"]["Id"]
    client_id = server.cli("create-user-pool-client", "--user-pool-id", pool_id, "--client-name", "web",
                           "--explicit-auth-flows", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                           "ALLOW_REFRESH_TOKEN_AUTH")["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def verify(server, pool_id, client_id, tokens):
    """Verifies both tokens as a backend would, with PyJWT and the published JWKS."""
    issuer = f"{server.url}/{pool_id}"
    jwks = PyJWKClient(f"{issuer}/.well-known/jwks.json")
    id_claims = jwt.decode(tokens["IdToken"], jwks.get_signing_key_from_jwt(tokens["IdToken"]).key,
                           algorithms=["RS256"], audience=client_id, issuer=issuer,
                           options={"require": ["exp", "iat", "sub"]})
    assert id_claims["token_use"] == "id"
    access_claims = jwt.decode(tokens["AccessToken"], jwks.get_signing_key_from_jwt(tokens["AccessToken"]).key,
                               algorithms=["RS256"], issuer=issuer, options={"require": ["exp", "iat", "sub"]})
    assert access_claims["token_use"] == "access"
    assert access_claims["client_id"] == client_id
    assert access_claims["sub"] == id_claims["sub"]
    return id_claims, access_claims


def test_admin_created_user_signs_in_and_tokens_verify(server, pool):
    pool_id, client_id = pool
    email = f"andrew-{uuid.uuid4().hex[:8]}@example.com"
    created = server.cli("admin-create-user", "--user-pool-id", pool_id, "--username", email,
                         "--user-attributes", f"Name=email,Value={email}", "Name=email_verified,Value=true",
                         "Name=name,Value=Andrew", "--message-action", "SUPPRESS")
    assert created["User"]["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    server.cli("admin-set-user-password", "--user-pool-id", pool_id, "--username", email,
               "--password", PASSWORD, "--permanent")
    user = server.cli("admin-get-user", "--user-pool-id", pool_id, "--username", email)
    assert user["UserStatus"] == "CONFIRMED"

    auth = server.cli("initiate-auth", "--client-id", client_id, "--auth-flow", "USER_PASSWORD_AUTH",
                      "--auth-parameters", f"USERNAME={email},PASSWORD={PASSWORD}")
    tokens = auth["AuthenticationResult"]
    assert tokens["TokenType"] == "Bearer" and tokens["ExpiresIn"] == 3600
    id_claims, access_claims = verify(server, pool_id, client_id, tokens)
    assert id_claims["email"] == email and id_claims["email_verified"] is True
    assert id_claims["cognito:username"] == user["Username"]

    me = server.cli("get-user", "--access-token", tokens["AccessToken"])
    assert me["Username"] == user["Username"]
    assert {"Name": "name", "Value": "Andrew"} in me["UserAttributes"]

    refreshed = server.cli("initiate-auth", "--client-id", client_id, "--auth-flow", "REFRESH_TOKEN_AUTH",
                           "--auth-parameters", f"REFRESH_TOKEN={tokens['RefreshToken']}")["AuthenticationResult"]
    _, new_access = verify(server, pool_id, client_id, refreshed)
    assert new_access["origin_jti"] == access_claims["origin_jti"]

    admin = server.cli("admin-initiate-auth", "--user-pool-id", pool_id, "--client-id", client_id,
                       "--auth-flow", "ADMIN_USER_PASSWORD_AUTH",
                       "--auth-parameters", f"USERNAME={email},PASSWORD={PASSWORD}")
    verify(server, pool_id, client_id, admin["AuthenticationResult"])


def test_tampered_and_foreign_tokens_fail_pyjwt(server, pool):
    pool_id, client_id = pool
    email = f"mallory-{uuid.uuid4().hex[:8]}@example.com"
    server.cli("admin-create-user", "--user-pool-id", pool_id, "--username", email, "--message-action", "SUPPRESS")
    server.cli("admin-set-user-password", "--user-pool-id", pool_id, "--username", email,
               "--password", PASSWORD, "--permanent")
    tokens = server.cli("initiate-auth", "--client-id", client_id, "--auth-flow", "USER_PASSWORD_AUTH",
                        "--auth-parameters", f"USERNAME={email},PASSWORD={PASSWORD}")["AuthenticationResult"]
    header, payload, signature = tokens["AccessToken"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = f"{header}.{forged_payload}.{signature}"
    issuer = f"{server.url}/{pool_id}"
    jwks = PyJWKClient(f"{issuer}/.well-known/jwks.json")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, jwks.get_signing_key_from_jwt(forged).key, algorithms=["RS256"], issuer=issuer)
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(tokens["IdToken"], jwks.get_signing_key_from_jwt(tokens["IdToken"]).key,
                   algorithms=["RS256"], audience="another-client", issuer=issuer)
    # The server refuses the forged token too.
    refused = server.cli("get-user", "--access-token", forged, check=False)
    assert refused.returncode != 0 and "NotAuthorizedException" in refused.stderr


def test_sign_up_and_confirm_with_the_cli_and_the_outbox(server, pool):
    pool_id, client_id = pool
    email = f"bea-{uuid.uuid4().hex[:8]}@example.com"
    signed_up = server.cli("sign-up", "--client-id", client_id, "--username", email, "--password", PASSWORD,
                           "--user-attributes", "Name=name,Value=Bea", "Name=preferred_username,Value=bea")
    assert signed_up["UserConfirmed"] is False
    assert signed_up["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    unconfirmed = server.cli("initiate-auth", "--client-id", client_id, "--auth-flow", "USER_PASSWORD_AUTH",
                             "--auth-parameters", f"USERNAME={email},PASSWORD={PASSWORD}", check=False)
    assert "UserNotConfirmedException" in unconfirmed.stderr
    wrong = server.cli("confirm-sign-up", "--client-id", client_id, "--username", email,
                       "--confirmation-code", "000000" if server.last_code(email) != "000000" else "111111", check=False)
    assert "CodeMismatchException" in wrong.stderr
    server.cli("confirm-sign-up", "--client-id", client_id, "--username", email,
               "--confirmation-code", server.last_code(email))
    tokens = server.cli("initiate-auth", "--client-id", client_id, "--auth-flow", "USER_PASSWORD_AUTH",
                        "--auth-parameters", f"USERNAME={email},PASSWORD={PASSWORD}")["AuthenticationResult"]
    id_claims, _ = verify(server, pool_id, client_id, tokens)
    assert id_claims["preferred_username"] == "bea"
    wrong_password = server.cli("initiate-auth", "--client-id", client_id, "--auth-flow", "USER_PASSWORD_AUTH",
                                "--auth-parameters", f"USERNAME={email},PASSWORD=Wrong-Horse-1", check=False)
    assert "NotAuthorizedException" in wrong_password.stderr and "Incorrect username or password." in wrong_password.stderr


def test_admin_calls_need_the_right_key(server):
    env = server.aws_env()
    env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
    import subprocess
    done = subprocess.run(["aws", "cognito-idp", "list-user-pools", "--max-results", "5", "--endpoint-url", server.url],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode != 0 and "InvalidSignatureException" in done.stderr
    pools = server.cli("list-user-pools", "--max-results", "60")["UserPools"]
    assert any(p["Id"] == "us-east-1_cruddur01" for p in pools), "the demo pool from cognate.toml exists"
