"""User and token lifecycle with the real AWS CLI: recovery with the code from the outbox, global
sign-out seen by GetUser and by refresh, ListUsers filters."""

import uuid

import pytest

PASSWORD = "Correct-Horse-1"


@pytest.fixture(scope="module")
def pool(server):
    pool_id = server.cli("create-user-pool", "--pool-name", "lifecycle-cli",
                         "--username-attributes", "email", "--auto-verified-attributes", "email")["UserPool"]["Id"]
    client_id = server.cli("create-user-pool-client", "--user-pool-id", pool_id, "--client-name", "web",
                           "--explicit-auth-flows", "ALLOW_USER_PASSWORD_AUTH",
                           "ALLOW_REFRESH_TOKEN_AUTH")["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def make_user(server, pool_id, name):
    email = f"{name}-{uuid.uuid4().hex[:6]}@example.com"
    server.cli("admin-create-user", "--user-pool-id", pool_id, "--username", email,
               "--user-attributes", f"Name=email,Value={email}", "Name=email_verified,Value=true",
               "--message-action", "SUPPRESS")
    server.cli("admin-set-user-password", "--user-pool-id", pool_id, "--username", email,
               "--password", PASSWORD, "--permanent")
    return email


def sign_in(server, client_id, email, password=PASSWORD, check=True):
    return server.cli("initiate-auth", "--client-id", client_id, "--auth-flow", "USER_PASSWORD_AUTH",
                      "--auth-parameters", f"USERNAME={email},PASSWORD={password}", check=check)


def test_forgot_password_with_the_code_from_the_outbox(server, pool):
    pool_id, client_id = pool
    email = make_user(server, pool_id, "forgetful")
    sent = server.cli("forgot-password", "--client-id", client_id, "--username", email)
    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    code = server.last_code(email)
    server.cli("confirm-forgot-password", "--client-id", client_id, "--username", email,
               "--confirmation-code", code, "--password", "Recovered-Horse-2")
    replay = server.cli("confirm-forgot-password", "--client-id", client_id, "--username", email,
                        "--confirmation-code", code, "--password", "Again-Horse-3", check=False)
    assert replay.returncode != 0 and "ExpiredCodeException" in replay.stderr
    old = sign_in(server, client_id, email, check=False)
    assert "NotAuthorizedException" in old.stderr
    assert "AccessToken" in sign_in(server, client_id, email, "Recovered-Horse-2")["AuthenticationResult"]


def test_admin_global_sign_out_refuses_old_tokens(server, pool):
    pool_id, client_id = pool
    email = make_user(server, pool_id, "leaver")
    tokens = sign_in(server, client_id, email)["AuthenticationResult"]
    server.cli("get-user", "--access-token", tokens["AccessToken"])
    server.cli("admin-user-global-sign-out", "--user-pool-id", pool_id, "--username", email)
    refused = server.cli("get-user", "--access-token", tokens["AccessToken"], check=False)
    assert "NotAuthorizedException" in refused.stderr and "Access Token has been revoked" in refused.stderr
    refresh = server.cli("initiate-auth", "--client-id", client_id, "--auth-flow", "REFRESH_TOKEN_AUTH",
                         "--auth-parameters", f"REFRESH_TOKEN={tokens['RefreshToken']}", check=False)
    assert "NotAuthorizedException" in refresh.stderr
    events = server.cli("admin-list-user-auth-events", "--user-pool-id", pool_id, "--username", email)["AuthEvents"]
    assert [e["EventType"] for e in events[:2]] == ["SignOut", "SignIn"]


def test_list_users_with_filters(server, pool):
    pool_id, _ = pool
    tag = uuid.uuid4().hex[:6]
    for i in range(3):
        server.cli("admin-create-user", "--user-pool-id", pool_id, "--username", f"{tag}{i}@filter.example.com",
                   "--message-action", "SUPPRESS")
    found = server.cli("list-users", "--user-pool-id", pool_id, "--filter", f'email ^= "{tag}"')["Users"]
    emails = sorted(next(a["Value"] for a in u["Attributes"] if a["Name"] == "email") for u in found)
    assert emails == [f"{tag}{i}@filter.example.com" for i in range(3)]
    exact = server.cli("list-users", "--user-pool-id", pool_id, "--filter", f'email = "{tag}1@filter.example.com"')
    assert len(exact["Users"]) == 1
    # The CLI pages through every user on its own (PaginationToken), with a small page size.
    everyone = server.cli("list-users", "--user-pool-id", pool_id, "--page-size", "2")["Users"]
    assert len(everyone) == len({u["Username"] for u in everyone}) >= 3
