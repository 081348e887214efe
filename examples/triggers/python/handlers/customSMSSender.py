"""CustomSMSSender: as customEmailSender.py, for text messages (a real function calls Twilio,
Vonage or SNS). The code is decrypted with the AWS Encryption SDK and the pool's KMS key."""

import base64
import json
import os

import aws_encryption_sdk
from aws_encryption_sdk.identifiers import CommitmentPolicy

client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
key_provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[os.environ["KEY_ARN"]])


def handler(event, context):
    plaintext, _ = client.decrypt(source=base64.b64decode(event["request"]["code"]), key_provider=key_provider)
    code = plaintext.decode()
    message = {"channel": "sms", "to": event["request"]["userAttributes"].get("phone_number"),
               "triggerSource": event["triggerSource"], "code": code, "text": f"Cruddur code: {code}"}
    with open(os.environ["SENDER_OUTBOX"], "a", encoding="utf-8") as outbox:
        outbox.write(json.dumps(message) + "\n")
    return event
