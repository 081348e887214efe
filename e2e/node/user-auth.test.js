// Choice-based sign-in (USER_AUTH) with aws-amplify v6 against the release binary: a code by
// email and by text message as the only factor (codes read from the outbox), the first-factor
// selection step, the password by SRP chosen there, and autoSignIn after sign-up (the Session of
// ConfirmSignUp handed to USER_AUTH).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import { autoSignIn, confirmSignIn, confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from 'aws-amplify/auth';
import {
  AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startCognate } from './server.js';

const cognate = await startCognate();
after(() => cognate.stop());
const sdk = new CognitoIdentityProviderClient({
  region: 'us-east-1', endpoint: cognate.url, maxAttempts: 1,
  credentials: { accessKeyId: 'AKIANODECOGNATE00001', secretAccessKey: 'node-secret' },
});
const PASSWORD = 'Correct-Horse-1';
const PHONE = '+15555550188';

const { UserPool } = await sdk.send(new CreateUserPoolCommand({
  PoolName: 'choice', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'],
  Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP'] } },
  SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/sms' },
}));
const { UserPoolClient } = await sdk.send(new CreateUserPoolClientCommand({
  UserPoolId: UserPool.Id, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
}));
Amplify.configure({
  Auth: { Cognito: { userPoolId: UserPool.Id, userPoolClientId: UserPoolClient.ClientId, userPoolEndpoint: cognate.url } },
});

const email = `choice-${Date.now()}@example.com`;
await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
await confirmSignUp({ username: email, confirmationCode: cognate.lastCode(email) });
await sdk.send(new AdminUpdateUserAttributesCommand({
  UserPoolId: UserPool.Id, Username: email,
  UserAttributes: [{ Name: 'phone_number', Value: PHONE }, { Name: 'phone_number_verified', Value: 'true' }],
}));

async function signedInAs() {
  const { tokens } = await fetchAuthSession();
  return tokens.idToken.payload.email;
}

test('aws-amplify v6: USER_AUTH with an email code and with a text code, no password', async () => {
  const emailed = await signIn({ username: email, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' } });
  assert.equal(emailed.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
  assert.equal(emailed.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
  await assert.rejects(confirmSignIn({ challengeResponse: '000000' }), (e) => e.name === 'CodeMismatchException');
  const done = await confirmSignIn({ challengeResponse: cognate.lastCode(email) });
  assert.equal(done.isSignedIn, true);
  assert.equal(await signedInAs(), email);
  await signOut();

  const texted = await signIn({ username: email, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'SMS_OTP' } });
  assert.equal(texted.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE');
  assert.equal(texted.nextStep.codeDeliveryDetails.destination, '+*******0188');
  assert.equal((await confirmSignIn({ challengeResponse: cognate.lastCode(PHONE) })).isSignedIn, true);
  await signOut();
});

test('aws-amplify v6: the first-factor selection, then the password by SRP or an email code', async () => {
  const select = await signIn({ username: email, options: { authFlowType: 'USER_AUTH' } });
  assert.equal(select.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
  assert.deepEqual(select.nextStep.availableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'SMS_OTP']);
  const password = await confirmSignIn({ challengeResponse: 'PASSWORD_SRP' });
  assert.equal(password.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_PASSWORD');
  const done = await confirmSignIn({ challengeResponse: PASSWORD });
  assert.equal(done.isSignedIn, true);
  assert.equal(await signedInAs(), email);
  await signOut();

  const again = await signIn({ username: email, options: { authFlowType: 'USER_AUTH' } });
  assert.equal(again.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
  const byEmail = await confirmSignIn({ challengeResponse: 'EMAIL_OTP' });
  assert.equal(byEmail.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
  assert.equal((await confirmSignIn({ challengeResponse: cognate.lastCode(email) })).isSignedIn, true);
  await signOut();
});

test('aws-amplify v6: autoSignIn with USER_AUTH signs the new user in after confirmSignUp, no password asked', async () => {
  const newcomer = `auto-${Date.now()}@example.com`;
  const signedUp = await signUp({
    username: newcomer, password: PASSWORD,
    options: { userAttributes: { email: newcomer }, autoSignIn: { authFlowType: 'USER_AUTH' } },
  });
  assert.equal(signedUp.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
  const confirmed = await confirmSignUp({ username: newcomer, confirmationCode: cognate.lastCode(newcomer) });
  assert.equal(confirmed.nextStep.signUpStep, 'COMPLETE_AUTO_SIGN_IN');
  const done = await autoSignIn();
  assert.equal(done.isSignedIn, true);
  assert.equal(await signedInAs(), newcomer);
  await signOut();
});
