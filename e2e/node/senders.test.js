// Custom sender triggers, end to end: the sample customEmailSender / customSMSSender handlers (Lambda
// code as Cognito's documentation writes it, unchanged) run in the Node adapter and decrypt each code
// with the AWS Encryption SDK for JavaScript (@aws-crypto/client-node) and its KMS keyring, whose KMS
// client (@aws-sdk/client-kms) reaches Cognate's Decrypt through AWS_ENDPOINT_URL_KMS. aws-amplify v6
// then confirms the sign-up, resets the password and signs in with what the handlers delivered.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Amplify } from 'aws-amplify';
import { confirmResetPassword, confirmSignUp, resetPassword, signIn, signOut, signUp } from 'aws-amplify/auth';
import {
  AdminCreateUserCommand, CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { serve } from '../../examples/triggers/node/server.mjs';
import { startCognate } from './server.js';

const SECRET = 'node-sender-secret-0123456789';
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ACCESS_KEY = { accessKeyId: 'AKIANODECOGNATE00001', secretAccessKey: 'node-secret' };
const outbox = join(mkdtempSync(join(tmpdir(), 'senders-')), 'sent.jsonl');

// The handlers load at their first call, when the environment below is set.
const functions = await serve({ secret: SECRET, handlers: join(import.meta.dirname, '../../examples/triggers/node/handlers') });
after(() => functions.close());
const cognate = await startCognate({
  env: { COGNATE_TRIGGER_URL: `http://127.0.0.1:${functions.address().port}/{function}`, COGNATE_TRIGGER_SECRET: SECRET },
});
after(() => cognate.stop());
// What a Lambda function's environment holds: its key; and, with Cognate, where KMS answers and
// the credentials its KMS client signs with (an admin access key of the server).
Object.assign(process.env, {
  KEY_ARN, SENDER_OUTBOX: outbox, AWS_ENDPOINT_URL_KMS: cognate.url, AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: ACCESS_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: ACCESS_KEY.secretAccessKey,
});

const sdk = new CognitoIdentityProviderClient({
  region: 'us-east-1', endpoint: cognate.url, maxAttempts: 1, credentials: ACCESS_KEY,
});
const arn = (name) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const PASSWORD = 'Correct-Horse-1';

const { UserPool } = await sdk.send(new CreateUserPoolCommand({
  PoolName: 'senders', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'],
  LambdaConfig: {
    KMSKeyID: KEY_ARN,
    CustomEmailSender: { LambdaVersion: 'V1_0', LambdaArn: arn('customEmailSender') },
    CustomSMSSender: { LambdaVersion: 'V1_0', LambdaArn: arn('customSMSSender') },
  },
}));
const { UserPoolClient } = await sdk.send(new CreateUserPoolClientCommand({
  UserPoolId: UserPool.Id, ClientName: 'web',
  ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
}));
Amplify.configure({
  Auth: { Cognito: { userPoolId: UserPool.Id, userPoolClientId: UserPoolClient.ClientId, userPoolEndpoint: cognate.url } },
});

/** The latest message a sender handler delivered to `to` with `triggerSource`, once it has (the
 *  call is asynchronous: Cognate's delivery worker makes it after the request answered). */
async function delivered(to, triggerSource) {
  for (let i = 0; i < 100; i++) {
    if (existsSync(outbox)) {
      const sent = readFileSync(outbox, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
        .filter((m) => m.to === to && m.triggerSource === triggerSource);
      if (sent.length) return sent.at(-1);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing delivered to ${to} for ${triggerSource}`);
}

test('aws-amplify confirms a sign-up with the code the email sender decrypted', async () => {
  const email = `ana-${Date.now()}@example.com`;
  const started = await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  assert.equal(started.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
  assert.equal(started.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
  const sent = await delivered(email, 'CustomEmailSender_SignUp');
  assert.match(sent.code, /^\d{6}$/, 'the AWS Encryption SDK and KMS keyring opened the code');
  assert.throws(() => cognate.lastMessage(email), 'Cognate itself sent nothing');
  const confirmed = await confirmSignUp({ username: email, confirmationCode: sent.code });
  assert.equal(confirmed.isSignUpComplete, true);
  const signedIn = await signIn({ username: email, password: PASSWORD });
  assert.equal(signedIn.isSignedIn, true);
  await signOut();
});

test('aws-amplify resets a password with the code the email sender decrypted', async () => {
  const email = `ben-${Date.now()}@example.com`;
  await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  await confirmSignUp({ username: email, confirmationCode: (await delivered(email, 'CustomEmailSender_SignUp')).code });
  const reset = await resetPassword({ username: email });
  assert.equal(reset.nextStep.resetPasswordStep, 'CONFIRM_RESET_PASSWORD_WITH_CODE');
  const sent = await delivered(email, 'CustomEmailSender_ForgotPassword');
  await confirmResetPassword({ username: email, confirmationCode: sent.code, newPassword: 'Another-Horse-2' });
  const signedIn = await signIn({ username: email, password: 'Another-Horse-2' });
  assert.equal(signedIn.isSignedIn, true);
  await signOut();
});

test('the SMS sender gets an invitation\'s temporary password, HTML-escaped as from Cognito', async () => {
  const email = `cy-${Date.now()}@example.com`;
  await sdk.send(new AdminCreateUserCommand({
    UserPoolId: UserPool.Id, Username: email, TemporaryPassword: 'Temp<&>Pass-1', DesiredDeliveryMediums: ['SMS'],
    UserAttributes: [{ Name: 'email', Value: email }, { Name: 'phone_number', Value: '+15555550123' }],
  }));
  const sent = await delivered('+15555550123', 'CustomSMSSender_AdminCreateUser');
  assert.equal(sent.code, 'Temp&lt;&amp;&gt;Pass-1');
  const started = await signIn({ username: email, password: 'Temp<&>Pass-1' });
  assert.equal(started.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');
});

test('KMS Decrypt answers signed callers only', async () => {
  const response = await fetch(cognate.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Decrypt' },
    body: JSON.stringify({ CiphertextBlob: 'Q0dLMQ==' }),
  });
  assert.equal(response.status, 400);
  assert.equal((await response.json()).__type, 'UnrecognizedClientException');
});
