// CustomSMSSender: as customEmailSender.js, for text messages (a real function calls Twilio, Vonage
// or SNS). The code is decrypted with the AWS Encryption SDK and the pool's KMS key.
const { appendFileSync } = require('node:fs');
const { buildClient, CommitmentPolicy, KmsKeyringNode } = require('@aws-crypto/client-node');

const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
const keyring = new KmsKeyringNode({ keyIds: [process.env.KEY_ARN] });

exports.handler = async (event) => {
  const { plaintext } = await decrypt(keyring, Buffer.from(event.request.code, 'base64'));
  const code = plaintext.toString('utf8');
  appendFileSync(process.env.SENDER_OUTBOX, `${JSON.stringify({
    channel: 'sms', to: event.request.userAttributes.phone_number, triggerSource: event.triggerSource, code,
    text: `Cruddur code: ${code}`,
  })}\n`);
};
