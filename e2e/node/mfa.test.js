// Multi-factor sign-in with aws-amplify v6 and amazon-cognito-identity-js against the release
// binary: a software token set up with setUpTOTP / verifyTOTPSetup / updateMFAPreference and asked
// for at sign-in, SMS and email codes, the choice among factors, TOTP set up during sign-in in a
// pool that requires MFA; and identity-js's totpRequired, mfaRequired, selectMFAType and mfaSetup
// callbacks.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn, confirmSignUp, fetchMFAPreference, setUpTOTP, signIn, signOut, signUp, updateMFAPreference,
  verifyTOTPSetup,
} from 'aws-amplify/auth';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import {
  AdminSetUserMFAPreferenceCommand, AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient,
  CreateUserPoolClientCommand, CreateUserPoolCommand, SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startCognate } from './server.js';
import { totp } from './totp.js';

const cognate = await startCognate();
after(() => cognate.stop());
const sdk = new CognitoIdentityProviderClient({
  region: 'us-east-1', endpoint: cognate.url, maxAttempts: 1,
  credentials: { accessKeyId: 'AKIANODECOGNATE00001', secretAccessKey: 'node-secret' },
});
const PASSWORD = 'Correct-Horse-1';

/** A pool signing in by email, with `mode` MFA and the factors given, and a public web client. */
async function mfaPool(mode, { sms = false, email = false } = {}) {
  const { UserPool } = await sdk.send(new CreateUserPoolCommand({
    PoolName: `mfa-${mode}`, UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'],
  }));
  const { UserPoolClient } = await sdk.send(new CreateUserPoolClientCommand({
    UserPoolId: UserPool.Id, ClientName: 'web',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  }));
  await sdk.send(new SetUserPoolMfaConfigCommand({
    UserPoolId: UserPool.Id,
    MfaConfiguration: mode,
    SoftwareTokenMfaConfiguration: { Enabled: true },
    ...(sms ? { SmsMfaConfiguration: { SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/sms' } } } : {}),
    ...(email ? { EmailMfaConfiguration: { Subject: 'Your code', Message: 'Code: {####}' } } : {}),
  }));
  Amplify.configure({
    Auth: { Cognito: { userPoolId: UserPool.Id, userPoolClientId: UserPoolClient.ClientId, userPoolEndpoint: cognate.url } },
  });
  return { poolId: UserPool.Id, clientId: UserPoolClient.ClientId };
}

async function newUser(name) {
  const email = `${name}-${Date.now()}@example.com`;
  await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  await confirmSignUp({ username: email, confirmationCode: cognate.lastCode(email) });
  return email;
}

test('aws-amplify v6: a TOTP set up, asked for, SMS and email codes, and the choice among factors', async () => {
  const { poolId } = await mfaPool('OPTIONAL', { sms: true, email: true });
  const email = await newUser('amplify-mfa');
  assert.equal((await signIn({ username: email, password: PASSWORD })).isSignedIn, true);

  const setup = await setUpTOTP();
  const uri = setup.getSetupUri('Cruddur');
  assert.equal(uri.protocol, 'otpauth:');
  const secret = uri.searchParams.get('secret');
  assert.equal(secret, setup.sharedSecret);
  const first = totp(secret);
  await verifyTOTPSetup({ code: first });
  await updateMFAPreference({ totp: 'PREFERRED' });
  assert.deepEqual(await fetchMFAPreference(), { enabled: ['TOTP'], preferred: 'TOTP' });
  await signOut();

  const challenged = await signIn({ username: email, password: PASSWORD });
  assert.equal(challenged.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  // The code that verified the token is spent; Amplify keeps the session for the retry.
  await assert.rejects(confirmSignIn({ challengeResponse: first }), (e) => e.name === 'CodeMismatchException');
  const done = await confirmSignIn({ challengeResponse: totp(secret, 1) });
  assert.equal(done.isSignedIn, true);
  assert.equal(done.nextStep.signInStep, 'DONE');

  // SMS, preferred once the user has a phone number.
  await sdk.send(new AdminUpdateUserAttributesCommand({
    UserPoolId: poolId, Username: email, UserAttributes: [{ Name: 'phone_number', Value: '+15555550144' }],
  }));
  await updateMFAPreference({ sms: 'PREFERRED' });
  await signOut();
  const bySms = await signIn({ username: email, password: PASSWORD });
  assert.equal(bySms.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE');
  assert.equal(bySms.nextStep.codeDeliveryDetails.destination, '+*******0144');
  assert.equal((await confirmSignIn({ challengeResponse: cognate.lastCode('+15555550144') })).isSignedIn, true);

  // Email.
  await updateMFAPreference({ email: 'PREFERRED' });
  await signOut();
  const byEmail = await signIn({ username: email, password: PASSWORD });
  assert.equal(byEmail.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
  assert.equal(byEmail.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
  assert.equal((await confirmSignIn({ challengeResponse: cognate.lastCode(email) })).isSignedIn, true);

  // Two factors on, none preferred: the user chooses.
  await updateMFAPreference({ sms: 'NOT_PREFERRED', totp: 'NOT_PREFERRED', email: 'DISABLED' });
  const prefs = await fetchMFAPreference();
  assert.deepEqual(prefs.enabled.sort(), ['SMS', 'TOTP']);
  assert.equal(prefs.preferred, undefined);
  await signOut();
  const choose = await signIn({ username: email, password: PASSWORD });
  assert.equal(choose.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION');
  assert.deepEqual([...choose.nextStep.allowedMFATypes].sort(), ['SMS', 'TOTP']);
  // (TOTP's codes up to the next step are spent: this one is chosen by text message.)
  const chosen = await confirmSignIn({ challengeResponse: 'SMS' });
  assert.equal(chosen.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE');
  assert.equal((await confirmSignIn({ challengeResponse: cognate.lastCode('+15555550144') })).isSignedIn, true);
  await signOut();
});

test('aws-amplify v6: a pool that requires MFA sets up TOTP during sign-in', async () => {
  await mfaPool('ON');
  const email = await newUser('amplify-setup');
  const step = await signIn({ username: email, password: PASSWORD });
  assert.equal(step.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
  const secret = step.nextStep.totpSetupDetails.sharedSecret;
  assert.match(step.nextStep.totpSetupDetails.getSetupUri('Cruddur', email).toString(), /^otpauth:\/\/totp\/Cruddur:/);
  const done = await confirmSignIn({ challengeResponse: totp(secret), options: { friendlyDeviceName: 'node' } });
  assert.equal(done.isSignedIn, true);
  assert.deepEqual(await fetchMFAPreference(), { enabled: ['TOTP'], preferred: 'TOTP' });
  await signOut();
  const next = await signIn({ username: email, password: PASSWORD });
  assert.equal(next.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  assert.equal((await confirmSignIn({ challengeResponse: totp(secret, 1) })).isSignedIn, true);
  await signOut();
});

/** amazon-cognito-identity-js's authenticateUser, resolving with the callback that fired. */
function authenticate(user, handlers = {}) {
  return new Promise((ok, fail) => {
    const callbacks = {
      onSuccess: (session) => ok({ kind: 'success', session }),
      onFailure: fail,
      newPasswordRequired: () => fail(new Error('unexpected NEW_PASSWORD_REQUIRED')),
    };
    for (const kind of ['totpRequired', 'mfaRequired', 'selectMFAType', 'mfaSetup']) {
      callbacks[kind] = (name, params) => ok({ kind, name, params, callbacks });
    }
    Object.assign(callbacks, handlers);
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: PASSWORD }), callbacks);
  });
}

/** Sends an MFA code with identity-js; resolves with the session. */
function sendCode(user, code, type) {
  return new Promise((ok, fail) => user.sendMFACode(code, { onSuccess: ok, onFailure: fail }, type));
}

test('amazon-cognito-identity-js: totpRequired, mfaRequired, selectMFAType and mfaSetup', async () => {
  const { poolId, clientId } = await mfaPool('ON', { sms: true });
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: cognate.url });
  const email = await newUser('js-mfa');
  const user = new CognitoUser({ Username: email, Pool: pool });

  // Required and nothing set up: mfaSetup, answered by associating and verifying a token.
  const setup = await authenticate(user);
  assert.equal(setup.kind, 'mfaSetup');
  const secret = await new Promise((ok, fail) => user.associateSoftwareToken({ associateSecretCode: ok, onFailure: fail }));
  const session = await new Promise((ok, fail) => user.verifySoftwareToken(totp(secret), 'js', { onSuccess: ok, onFailure: fail }));
  assert.ok(session.isValid());

  const totpStep = await authenticate(new CognitoUser({ Username: email, Pool: pool }));
  assert.equal(totpStep.kind, 'totpRequired');
  const again = new CognitoUser({ Username: email, Pool: pool });
  const step = await authenticate(again);
  assert.equal(step.kind, 'totpRequired');
  await assert.rejects(sendCode(again, '000000', 'SOFTWARE_TOKEN_MFA'), (e) => e.code === 'CodeMismatchException');
  const signedIn = await sendCode(again, totp(secret, 1), 'SOFTWARE_TOKEN_MFA');
  assert.equal(signedIn.getIdToken().decodePayload().email, email);

  // SMS as well, with no preference: selectMFAType, then mfaRequired.
  await sdk.send(new AdminUpdateUserAttributesCommand({
    UserPoolId: poolId, Username: email, UserAttributes: [{ Name: 'phone_number', Value: '+15555550155' }],
  }));
  await sdk.send(new AdminSetUserMFAPreferenceCommand({
    UserPoolId: poolId, Username: email, SMSMfaSettings: { Enabled: true }, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
  }));
  const chooser = new CognitoUser({ Username: email, Pool: pool });
  const select = await authenticate(chooser);
  assert.equal(select.kind, 'selectMFAType');
  assert.deepEqual(JSON.parse(select.params.MFAS_CAN_CHOOSE), ['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
  const sms = await new Promise((ok, fail) => chooser.sendMFASelectionAnswer('SMS_MFA', {
    mfaRequired: (name, params) => ok({ name, params }), totpRequired: () => fail(new Error('TOTP asked')), onFailure: fail,
  }));
  assert.equal(sms.params.CODE_DELIVERY_DESTINATION, '+*******0155');
  const bySms = await sendCode(chooser, cognate.lastCode('+15555550155'), 'SMS_MFA');
  assert.ok(bySms.isValid());

  await sdk.send(new AdminSetUserMFAPreferenceCommand({
    UserPoolId: poolId, Username: email, SMSMfaSettings: { Enabled: true, PreferredMfa: true },
  }));
  const texted = new CognitoUser({ Username: email, Pool: pool });
  const required = await authenticate(texted);
  assert.equal(required.kind, 'mfaRequired');
  assert.ok((await sendCode(texted, cognate.lastCode('+15555550155'), 'SMS_MFA')).isValid());
});
