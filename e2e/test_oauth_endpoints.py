"""The OAuth endpoints as a Cognito user would set them up: the AWS CLI creates the domain, the
resource server and a confidential client; Authlib (a real OAuth 2.0 client) fetches
client_credentials tokens with client_secret_basic and client_secret_post from the endpoint
named in the pool's discovery document, and PyJWT verifies them against the pool's JWKS; Authlib
refreshes and revokes a user's refresh token from an SDK sign-in (boto3) as a public client."""

import jwt
import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.integrations.base_client.errors import OAuthError

from conftest import DEMO_CLIENT, DEMO_POOL, idp_for, password_user, sign_in

API = "orders-api"  # (AWS CLI v1 would fetch an https:// value as a parameter file)


@pytest.fixture(scope="module")
def machine(server):
    """The demo pool (its domain `cruddur` comes from cognate.toml), an `orders` resource server
    and a confidential client that may read orders; returns (client_id, client_secret)."""
    described = server.cli("describe-user-pool-domain", "--domain", "cruddur")["DomainDescription"]
    assert (described["UserPoolId"], described["Status"]) == (DEMO_POOL, "ACTIVE")
    second = server.cli("create-user-pool-domain", "--user-pool-id", DEMO_POOL, "--domain", "cruddur-e2e", check=False)
    assert "InvalidParameterException" in second.stderr, "one prefix domain per pool"
    # A domain made with the CLI turns on another pool's endpoints.
    other = server.cli("create-user-pool", "--pool-name", "e2e-other")["UserPool"]["Id"]
    server.cli("create-user-pool-domain", "--user-pool-id", other, "--domain", "cruddur-e2e")
    described = server.cli("describe-user-pool-domain", "--domain", "cruddur-e2e")["DomainDescription"]
    assert (described["UserPoolId"], described["Status"]) == (other, "ACTIVE")
    assert server.cli("describe-user-pool-domain", "--domain", "nobody-has-it")["DomainDescription"] == {}
    server.cli("create-resource-server", "--user-pool-id", DEMO_POOL, "--identifier", API, "--name", "Orders",
               "--scopes", "ScopeName=read,ScopeDescription=Read orders", "ScopeName=write,ScopeDescription=Write orders")
    servers = server.cli("list-resource-servers", "--user-pool-id", DEMO_POOL, "--max-results", "10")["ResourceServers"]
    assert [s["Identifier"] for s in servers] == [API]
    refused = server.cli("create-user-pool-client", "--user-pool-id", DEMO_POOL, "--client-name", "public-machine",
                         "--allowed-o-auth-flows", "client_credentials", "--allowed-o-auth-flows-user-pool-client",
                         check=False)
    assert "InvalidOAuthFlowException" in refused.stderr
    created = server.cli("create-user-pool-client", "--user-pool-id", DEMO_POOL, "--client-name", "order-bot",
                         "--generate-secret", "--allowed-o-auth-flows", "client_credentials",
                         "--allowed-o-auth-flows-user-pool-client", "--allowed-o-auth-scopes", f"{API}/read",
                         "--access-token-validity", "15", "--token-validity-units", "AccessToken=minutes")
    client = created["UserPoolClient"]
    assert client["AllowedOAuthFlows"] == ["client_credentials"] and client["AllowedOAuthScopes"] == [f"{API}/read"]
    return client["ClientId"], client["ClientSecret"]


def discovery(server):
    return requests.get(f"{server.url}/{DEMO_POOL}/.well-known/openid-configuration", timeout=5).json()


def verify(server, token, client_id):
    """PyJWT, as a backend verifies a Cognito access token: RS256 against the JWKS, issuer, expiry."""
    config = discovery(server)
    key = jwt.PyJWKClient(config["jwks_uri"]).get_signing_key_from_jwt(token)
    claims = jwt.decode(token, key.key, algorithms=["RS256"], issuer=config["issuer"],
                        options={"require": ["exp", "iat", "sub", "client_id"]})
    assert claims["client_id"] == client_id and claims["token_use"] == "access"
    return claims


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_authlib_gets_a_client_credentials_token_that_pyjwt_verifies(server, machine, method):
    client_id, secret = machine
    endpoint = discovery(server)["token_endpoint"]
    assert method in discovery(server)["token_endpoint_auth_methods_supported"]
    session = OAuth2Session(client_id, secret, token_endpoint_auth_method=method)
    token = session.fetch_token(endpoint, grant_type="client_credentials")
    assert token["token_type"] == "Bearer" and token["expires_in"] == 900
    assert "id_token" not in token and "refresh_token" not in token
    claims = verify(server, token["access_token"], client_id)
    assert claims["sub"] == client_id and claims["scope"] == f"{API}/read" and claims["version"] == 2
    assert claims["exp"] - claims["iat"] == 900


def test_a_named_scope_a_forbidden_scope_and_a_wrong_secret(server, machine):
    client_id, secret = machine
    endpoint = discovery(server)["token_endpoint"]
    session = OAuth2Session(client_id, secret, scope=f"{API}/read")
    assert verify(server, session.fetch_token(endpoint, grant_type="client_credentials")["access_token"], client_id)

    greedy = OAuth2Session(client_id, secret, scope=f"{API}/write")
    with pytest.raises(OAuthError) as refused:
        greedy.fetch_token(endpoint, grant_type="client_credentials")
    assert refused.value.error == "invalid_scope"

    impostor = OAuth2Session(client_id, "not-the-secret")
    with pytest.raises(OAuthError) as refused:
        impostor.fetch_token(endpoint, grant_type="client_credentials")
    assert refused.value.error == "invalid_client"

    # The token gets the API nothing of a user's.
    token = OAuth2Session(client_id, secret).fetch_token(endpoint, grant_type="client_credentials")["access_token"]
    answer = server.cli("get-user", "--access-token", token, check=False)
    assert "Access Token does not have required scopes" in answer.stderr


def test_authlib_refreshes_then_revokes_a_users_refresh_token(server, machine):
    idp = idp_for(server)
    password_user(idp, "oauth.revoker@example.com")
    signed_in = sign_in(idp, "oauth.revoker@example.com")
    config = discovery(server)
    session = OAuth2Session(DEMO_CLIENT, token_endpoint_auth_method="none")
    refreshed = session.refresh_token(config["token_endpoint"], refresh_token=signed_in["RefreshToken"])
    claims = jwt.decode(refreshed["id_token"], options={"verify_signature": False})
    assert claims["email"] == "oauth.revoker@example.com" and claims["aud"] == DEMO_CLIENT
    assert idp.get_user(AccessToken=refreshed["access_token"])["Username"] == claims["cognito:username"]

    answer = session.revoke_token(config["revocation_endpoint"], token=signed_in["RefreshToken"],
                                  token_type_hint="refresh_token")
    assert answer.status_code == 200 and answer.text == ""
    with pytest.raises(OAuthError) as refused:
        session.refresh_token(config["token_endpoint"], refresh_token=signed_in["RefreshToken"])
    assert refused.value.error == "invalid_grant"
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=refreshed["access_token"])


def test_the_cli_brands_the_hosted_page_with_css_and_a_logo_file(server, tmp_path):
    """set-ui-customization with `--image-file fileb://` (the CLI base64-encodes the blob), then
    get-ui-customization, the page showing both, and the logo served at the returned URL."""
    import base64
    logo = tmp_path / "logo.png"
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
    logo.write_bytes(png)
    css = ".submitButton-customizable { background-color: #6b21a8; }"
    refused = server.cli("set-ui-customization", "--user-pool-id", DEMO_POOL, "--client-id", DEMO_CLIENT,
                         "--css", "body { color: red }", check=False)
    assert "InvalidParameterException" in refused.stderr
    set_ = server.cli("set-ui-customization", "--user-pool-id", DEMO_POOL, "--client-id", DEMO_CLIENT,
                      "--css", css, "--image-file", f"fileb://{logo}")["UICustomization"]
    try:
        got = server.cli("get-ui-customization", "--user-pool-id", DEMO_POOL, "--client-id", DEMO_CLIENT)["UICustomization"]
        assert (got["ClientId"], got["CSS"], got["ImageUrl"]) == (DEMO_CLIENT, css, set_["ImageUrl"])
        served = requests.get(got["ImageUrl"], timeout=5)
        assert (served.status_code, served.headers["content-type"], served.content) == (200, "image/png", png)
        params = {"response_type": "code", "client_id": DEMO_CLIENT, "redirect_uri": "http://localhost:3000/",
                  "scope": "openid", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                  "code_challenge_method": "S256"}
        page = requests.get(f"{server.url}/login", params=params, timeout=5)
        assert css in page.text and got["ImageUrl"].removeprefix(server.url) in page.text
    finally:
        server.cli("set-ui-customization", "--user-pool-id", DEMO_POOL, "--client-id", DEMO_CLIENT)


def test_a_pool_made_with_the_cli_confirms_sign_ups_by_the_emailed_link(server, idp):
    """create-user-pool with CONFIRM_WITH_LINK, SignUp through boto3, and the link in the
    delivered email opened with requests: the account is confirmed, and the link works once."""
    import html
    import re
    template = "DefaultEmailOption=CONFIRM_WITH_LINK,EmailSubjectByLink=Confirm,EmailMessageByLink='Hi {##Confirm##}'"
    pool = server.cli("create-user-pool", "--pool-name", "e2e-link", "--auto-verified-attributes", "email",
                      "--verification-message-template", template)["UserPool"]
    assert pool["VerificationMessageTemplate"]["DefaultEmailOption"] == "CONFIRM_WITH_LINK"
    client = server.cli("create-user-pool-client", "--user-pool-id", pool["Id"], "--client-name", "web")["UserPoolClient"]
    idp.sign_up(ClientId=client["ClientId"], Username="linda", Password="Correct-Horse-1",
                UserAttributes=[{"Name": "email", "Value": "linda@example.com"}])
    message = next(m for m in reversed(server.messages()) if m["destination"] == "linda@example.com")
    assert message["subject"] == "Confirm"
    link = html.unescape(re.search(r'href="([^"]+)"', message["message"]).group(1))
    assert link.startswith(f"{server.url}/confirmUser?client_id={client['ClientId']}&user_name=linda&")
    opened = requests.get(link, timeout=5)
    assert opened.status_code == 200 and "Your registration has been confirmed!" in opened.text
    user = idp.admin_get_user(UserPoolId=pool["Id"], Username="linda")
    assert user["UserStatus"] == "CONFIRMED"
    assert requests.get(link, timeout=5).status_code == 400, "a link confirms once"
