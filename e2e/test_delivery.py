"""Real delivery, with boto3 driving the release binary: email through a real SMTP server
(aiosmtpd) over STARTTLS with authentication and over implicit TLS, text messages through a
webhook whose receiver checks the signature, the spend cap on that webhook — and durability:
with the SMTP server down, sign-up answers at once and the email arrives once it is back, even
across a kill -9 of Cognate in between."""

import email
import hashlib
import hmac
import http.server
import json
import re
import signal
import ssl
import threading
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import free_port, idp_for, start_cognate, stop, tls_certificate

PASSWORD = "Correct-Horse-1"
SMTP_USER, SMTP_PASSWORD = "cognate", "smtp-pass-0001"
WEBHOOK_SECRET = "webhook-secret-0123456789"


class Inbox:
    """aiosmtpd's handler: keeps every email with how its session was secured."""

    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append({
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "message": email.message_from_bytes(envelope.original_content),
            "tls": session.ssl is not None,
            "authenticated": session.authenticated,
        })
        return "250 OK"

    def wait_for(self, to, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for mail in self.mails:
                if to in mail["to"]:
                    return mail
            time.sleep(0.1)
        raise AssertionError(f"no email reached {to}")


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(), SMTP_PASSWORD.encode())
    return AuthResult(success=ok)


def certificates(directory):
    """One private CA and server certificate per test directory (made on first use)."""
    found = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    return found if all(p.exists() for p in found) else tls_certificate(directory)


def tls_context(directory):
    _ca, chain, key = certificates(directory)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(chain, key)
    return context


def smtp_server(directory, port, implicit=False):
    """A real SMTP server on 127.0.0.1:port: STARTTLS required before AUTH, AUTH required before
    mail; or TLS from the first byte. Returns (controller, inbox)."""
    inbox = Inbox()
    context = tls_context(directory)
    if implicit:
        # aiosmtpd counts only STARTTLS as TLS when deciding to offer AUTH; here every byte is.
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context,
                                authenticator=authenticator, auth_required=True, auth_require_tls=False)
    else:
        controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context,
                                require_starttls=True, authenticator=authenticator, auth_required=True,
                                auth_require_tls=True)
    controller.start()
    return controller, inbox


def write_config(directory, smtp_port=None, security="starttls", webhook=None):
    ca, _chain, _key = certificates(directory)
    lines = []
    if smtp_port:
        lines += ["[smtp]", 'host = "127.0.0.1"', f"port = {smtp_port}", f'security = "{security}"',
                  f'username = "{SMTP_USER}"', f'password = "{SMTP_PASSWORD}"',
                  'from = "Cognate <no-reply@cognate.example>"', f'ca_file = "{ca}"', "timeout_seconds = 3", ""]
    if webhook:
        lines += ["[sms_webhook]", f'url = "{webhook}"', f'secret = "{WEBHOOK_SECRET}"', ""]
    path = directory / "delivery.toml"
    path.write_text("\n".join(lines))
    return path


def email_pool(idp, sender=None):
    settings = {"PoolName": f"mail-{uuid.uuid4().hex[:6]}", "UsernameAttributes": ["email"],
                "AutoVerifiedAttributes": ["email"]}
    if sender:
        settings["EmailConfiguration"] = {"From": sender, "ReplyToEmailAddress": "help@cruddur.example"}
    pool = idp.create_user_pool(**settings)["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="backend",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool, client


def code_in(mail):
    body = mail["message"].get_payload(decode=True).decode()
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_a_sign_up_code_arrives_over_starttls_with_authentication_and_works(tmp_path):
    port = free_port()
    controller, inbox = smtp_server(tmp_path, port)
    process, server = start_cognate(tmp_path, config=write_config(tmp_path, smtp_port=port))
    try:
        idp = idp_for(server)
        pool, client = email_pool(idp, sender="Cruddur <hello@cruddur.example>")
        address = f"ana-{uuid.uuid4().hex[:6]}@example.com"
        answer = idp.sign_up(ClientId=client, Username=address, Password=PASSWORD)
        assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
        mail = inbox.wait_for(address)
        assert mail["tls"] and mail["authenticated"], "STARTTLS, then AUTH, before the mail"
        assert mail["message"]["From"] == "Cruddur <hello@cruddur.example>"
        assert mail["message"]["Reply-To"] == "help@cruddur.example"
        assert mail["message"]["Subject"] == "Your verification code"
        assert not [m for m in server.messages() if m["destination"] == address], "email went by SMTP only"
        idp.confirm_sign_up(ClientId=client, Username=address, ConfirmationCode=code_in(mail))
        signed_in = idp.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": address, "PASSWORD": PASSWORD})
        assert signed_in["AuthenticationResult"]["AccessToken"]
        # Recovery codes go the same way, with the server's sender when the pool names none.
        plain_pool, plain_client = email_pool(idp)
        other = f"bo-{uuid.uuid4().hex[:6]}@example.com"
        idp.sign_up(ClientId=plain_client, Username=other, Password=PASSWORD)
        assert inbox.wait_for(other)["message"]["From"] == "Cognate <no-reply@cognate.example>"
    finally:
        stop(process)
        controller.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_email_goes_over_implicit_tls_too(tmp_path):
    port = free_port()
    controller, inbox = smtp_server(tmp_path, port, implicit=True)
    process, server = start_cognate(tmp_path, config=write_config(tmp_path, smtp_port=port, security="tls"))
    try:
        idp = idp_for(server)
        pool, client = email_pool(idp)
        address = f"tls-{uuid.uuid4().hex[:6]}@example.com"
        idp.sign_up(ClientId=client, Username=address, Password=PASSWORD)
        mail = inbox.wait_for(address)
        assert mail["authenticated"]
        idp.confirm_sign_up(ClientId=client, Username=address, ConfirmationCode=code_in(mail))
    finally:
        stop(process)
        controller.stop()


def test_with_the_smtp_server_down_sign_up_answers_at_once_and_the_email_survives_a_kill_9(tmp_path):
    port = free_port()  # nothing listens here yet
    config = write_config(tmp_path, smtp_port=port)
    process, server = start_cognate(tmp_path, config=config)
    controller = None
    try:
        idp = idp_for(server)
        pool, client = email_pool(idp)
        address = f"down-{uuid.uuid4().hex[:6]}@example.com"
        started = time.monotonic()
        idp.sign_up(ClientId=client, Username=address, Password=PASSWORD)
        assert time.monotonic() - started < 1.0, "the answer does not wait for SMTP"
        time.sleep(1.5)  # the worker tries, fails and schedules a retry
        log = (tmp_path / "server.log").read_text()
        assert "will retry" in log and "message not delivered yet" in log, log
        assert "@e" in log and address not in log, "the log names the destination masked"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        controller, inbox = smtp_server(tmp_path, port)
        process, server = start_cognate(tmp_path, config=config)
        mail = inbox.wait_for(address, timeout=30)
        idp = idp_for(server)
        idp.confirm_sign_up(ClientId=client, Username=address, ConfirmationCode=code_in(mail))
        assert len([m for m in inbox.mails if address in m["to"]]) == 1, "sent once"
    finally:
        stop(process)
        if controller:
            controller.stop()


class WebhookReceiver(http.server.BaseHTTPRequestHandler):
    """Checks each call's signature over timestamp and body, as a provider bridge would."""
    texts = []
    refused = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        timestamp = self.headers["X-Cognate-Timestamp"]
        expected = "v1=" + hmac.new(WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + body,
                                    hashlib.sha256).hexdigest()
        fresh = abs(time.time() - int(timestamp)) < 300
        if hmac.compare_digest(expected, self.headers["X-Cognate-Signature"]) and fresh:
            WebhookReceiver.texts.append(json.loads(body))
            self.send_response(202)
        else:
            WebhookReceiver.refused.append(body)
            self.send_response(401)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    WebhookReceiver.texts, WebhookReceiver.refused = [], []
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WebhookReceiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{receiver.server_address[1]}/sms"
    receiver.shutdown()


def wait_for_text(phone, count=1, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        texts = [t for t in WebhookReceiver.texts if t["phone_number"] == phone]
        if len(texts) >= count:
            return texts
        time.sleep(0.1)
    raise AssertionError(f"no text reached {phone}")


def test_sms_mfa_codes_go_through_the_signed_webhook_under_the_spend_cap(tmp_path, webhook):
    process, server = start_cognate(tmp_path, "--sms-daily-limit", "2", config=write_config(tmp_path, webhook=webhook))
    try:
        idp = idp_for(server)
        pool, client = email_pool(idp)
        idp.set_user_pool_mfa_config(
            UserPoolId=pool, MfaConfiguration="OPTIONAL",
            SmsMfaConfiguration={"SmsAuthenticationMessage": "Cruddur code: {####}",
                                 "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::000000000000:role/sms"}})
        address, phone = f"sms-{uuid.uuid4().hex[:6]}@example.com", "+15555550142"
        idp.admin_create_user(UserPoolId=pool, Username=address, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": address},
                                              {"Name": "phone_number", "Value": phone},
                                              {"Name": "phone_number_verified", "Value": "true"}])
        idp.admin_set_user_password(UserPoolId=pool, Username=address, Password=PASSWORD, Permanent=True)
        idp.admin_set_user_mfa_preference(UserPoolId=pool, Username=address,
                                          SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
        sign_in = lambda: idp.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                            AuthParameters={"USERNAME": address, "PASSWORD": PASSWORD})
        challenge = sign_in()
        assert challenge["ChallengeName"] == "SMS_MFA"
        text = wait_for_text(phone)[0]
        assert text["pool_id"] == pool and text["purpose"] == "MFA" and text["id"]
        code = re.fullmatch(r"Cruddur code: (\d{6})", text["message"]).group(1)
        done = idp.respond_to_auth_challenge(ClientId=client, ChallengeName="SMS_MFA", Session=challenge["Session"],
                                             ChallengeResponses={"USERNAME": address, "SMS_MFA_CODE": code})
        assert done["AuthenticationResult"]["IdToken"]
        assert WebhookReceiver.refused == []
        # The cap: the second text goes, the third is refused with Cognito's error and never sent.
        sign_in()
        wait_for_text(phone, count=2)
        with pytest.raises(idp.exceptions.CodeDeliveryFailureException):
            sign_in()
        time.sleep(1.5)
        assert len([t for t in WebhookReceiver.texts if t["phone_number"] == phone]) == 2
    finally:
        stop(process)
