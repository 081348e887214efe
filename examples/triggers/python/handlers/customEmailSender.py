"""CustomEmailSender: the code arrives encrypted (an AWS Encryption SDK message under the pool's
KMSKeyID); decrypt it as Cognito's documentation does, then deliver it. This one appends the
message to the file $SENDER_OUTBOX where a real function calls SES or another provider.

With Cognate, point the function's KMS client at the server (AWS_ENDPOINT_URL_KMS=<Cognate's URL>,
an admin access key as its credentials). Needs `pip install aws-encryption-sdk`, as on Lambda."""

import base64
import json
import os

import aws_encryption_sdk
from aws_encryption_sdk.identifiers import CommitmentPolicy

client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
key_provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[os.environ["KEY_ARN"]])


def handler(event, context):
    plaintext, header = client.decrypt(source=base64.b64decode(event["request"]["code"]), key_provider=key_provider)
    if header.encryption_context.get("userpool-id") != event["userPoolId"]:
        raise ValueError("the code was encrypted for another user pool")
    code = plaintext.decode()
    message = {"channel": "email", "to": event["request"]["userAttributes"].get("email"),
               "triggerSource": event["triggerSource"], "code": code, "text": f"Your Cruddur code is {code}"}
    with open(os.environ["SENDER_OUTBOX"], "a", encoding="utf-8") as outbox:
        outbox.write(json.dumps(message) + "\n")
    return event
