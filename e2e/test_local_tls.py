"""HTTPS out of the box: `serve` also listens with TLS, with a certificate for localhost from a
local CA it makes once in its data directory. requests (urllib3, OpenSSL) verifies it with that CA
and refuses it without; the hosted pages set Secure cookies there and not on the plain port."""
import requests
import pytest

from conftest import DEMO_CLIENT, free_port, start_cognate, stop


def authorize(base, verify):
    params = {
        "response_type": "code", "client_id": DEMO_CLIENT, "redirect_uri": "http://localhost:3000/",
        "scope": "openid", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }
    redirect = requests.get(f"{base}/oauth2/authorize", params=params, verify=verify, allow_redirects=False, timeout=5)
    assert redirect.status_code == 302, redirect.text
    return requests.get(base + redirect.headers["location"], verify=verify, timeout=5)


def test_the_second_port_serves_https_that_the_local_ca_verifies(tmp_path):
    tls_port = free_port()
    process, server = start_cognate(tmp_path, "--tls-listen", f"127.0.0.1:{tls_port}")
    try:
        ca = tmp_path / "tls" / "ca.pem"
        assert ca.exists(), "the local CA is made on first start"
        banner = (tmp_path / "server.log").read_text()
        assert f"https://localhost:{tls_port}" in banner and f"NODE_EXTRA_CA_CERTS={ca}" in banner, banner
        base = f"https://localhost:{tls_port}"
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{base}/health", timeout=5)
        assert requests.get(f"{base}/health", verify=str(ca), timeout=5).status_code == 200
        assert requests.get(f"https://127.0.0.1:{tls_port}/health", verify=str(ca), timeout=5).status_code == 200

        secure = authorize(base, str(ca))
        assert secure.status_code == 200 and "Sign in" in secure.text
        assert "; Secure" in secure.headers["set-cookie"], "cookies over HTTPS are Secure"
        plain = authorize(server.url, True)
        assert "; Secure" not in plain.headers["set-cookie"], "the plain port's are not"
        first_ca = ca.read_text()
    finally:
        stop(process)
    # A restart keeps the CA that users were told to trust.
    process, _ = start_cognate(tmp_path, "--tls-listen", f"127.0.0.1:{free_port()}")
    try:
        assert ca.read_text() == first_ca
    finally:
        stop(process)


def test_tls_listen_off_serves_no_second_port(tmp_path):
    process, server = start_cognate(tmp_path, "--tls-listen", "off")
    try:
        assert not (tmp_path / "tls").exists()
        assert "HTTPS:" not in (tmp_path / "server.log").read_text()
    finally:
        stop(process)
