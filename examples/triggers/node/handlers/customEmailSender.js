// CustomEmailSender: the code arrives encrypted (an AWS Encryption SDK message under the pool's
// KMSKeyID); decrypt it as Cognito's documentation does, then deliver it. This one appends the
// message to the file $SENDER_OUTBOX where a real function calls SES, SendGrid or Postmark.
// With Cognate, point the function's KMS client at the server: AWS_ENDPOINT_URL_KMS=<Cognate's URL>,
// with an admin access key as its credentials. Needs `npm install` in examples/triggers/node.
const { appendFileSync } = require('node:fs');
const { buildClient, CommitmentPolicy, KmsKeyringNode } = require('@aws-crypto/client-node');

const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
const keyring = new KmsKeyringNode({ keyIds: [process.env.KEY_ARN] });

exports.handler = async (event) => {
  const { plaintext, messageHeader } = await decrypt(keyring, Buffer.from(event.request.code, 'base64'));
  if (messageHeader.encryptionContext['userpool-id'] !== event.userPoolId) {
    throw new Error('the code was encrypted for another user pool');
  }
  const code = plaintext.toString('utf8');
  const text = event.triggerSource === 'CustomEmailSender_AdminCreateUser'
    ? `Welcome to Cruddur. Your username is ${event.userName} and your temporary password is ${code}`
    : `Your Cruddur code is ${code}`;
  appendFileSync(process.env.SENDER_OUTBOX, `${JSON.stringify({
    channel: 'email', to: event.request.userAttributes.email, triggerSource: event.triggerSource, code, text,
  })}\n`);
};
