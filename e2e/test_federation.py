"""Identity providers as a Cognito user sets them up: the AWS CLI creates an OIDC provider and
boto3 reads, lists, updates and deletes it (the sign-in through a provider is tested with a
second Cognate as the upstream, in crates/testkit/tests/api/federation.rs)."""

import json

from conftest import DEMO_POOL


def test_the_cli_and_boto3_manage_an_oidc_identity_provider(server, idp):
    details = {"client_id": "upstream-client", "client_secret": "upstream-secret", "authorize_scopes": "openid email",
               "attributes_request_method": "GET", "oidc_issuer": "http://127.0.0.1:4000"}
    created = server.cli("create-identity-provider", "--user-pool-id", DEMO_POOL, "--provider-name", "Upstream",
                         "--provider-type", "OIDC", "--provider-details", json.dumps(details),
                         "--attribute-mapping", "email=email,username=sub", "--idp-identifiers", "upstream.example")
    provider = created["IdentityProvider"]
    assert provider["ProviderDetails"]["client_secret"] == "upstream-secret"
    assert provider["AttributeMapping"] == {"email": "email", "username": "sub"}
    refused = server.cli("create-identity-provider", "--user-pool-id", DEMO_POOL, "--provider-name", "Upstream",
                         "--provider-type", "OIDC", "--provider-details", json.dumps(details), check=False)
    assert "DuplicateProviderException" in refused.stderr
    try:
        found = idp.get_identity_provider_by_identifier(UserPoolId=DEMO_POOL, IdpIdentifier="upstream.example")
        assert found["IdentityProvider"]["ProviderName"] == "Upstream"
        listed = idp.list_identity_providers(UserPoolId=DEMO_POOL, MaxResults=10)["Providers"]
        assert [(p["ProviderName"], p["ProviderType"]) for p in listed] == [("Upstream", "OIDC")]
        assert "ProviderDetails" not in listed[0], "a listing shows no details"
        updated = idp.update_identity_provider(UserPoolId=DEMO_POOL, ProviderName="Upstream",
                                               AttributeMapping={"email": "email", "name": "name"})
        assert updated["IdentityProvider"]["AttributeMapping"] == {"email": "email", "name": "name"}
        assert updated["IdentityProvider"]["ProviderDetails"]["oidc_issuer"] == "http://127.0.0.1:4000"
    finally:
        idp.delete_identity_provider(UserPoolId=DEMO_POOL, ProviderName="Upstream")
    assert idp.list_identity_providers(UserPoolId=DEMO_POOL)["Providers"] == []
