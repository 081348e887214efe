// Remembered devices with aws-amplify v6 and amazon-cognito-identity-js against the release
// binary: the device each library confirms after its first sign-in, rememberDevice and
// fetchDevices, a sign-in on the remembered device that skips the TOTP code (the libraries run
// DEVICE_SRP_AUTH themselves), forgetDevice, and a device an administrator forgot, which Amplify
// drops and signs in without.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn, confirmSignUp, fetchDevices, forgetDevice, rememberDevice, setUpTOTP, signIn, signOut, signUp,
  updateMFAPreference, verifyTOTPSetup,
} from 'aws-amplify/auth';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import {
  AdminForgetDeviceCommand, AdminListDevicesCommand, AdminSetUserMFAPreferenceCommand, AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand, SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startCognate } from './server.js';
import { totp } from './totp.js';

// Amplify names the device after navigator.userAgent, which Node has from version 21 on; on
// Node 20 it would fail (silently) to confirm the device, so give it what newer Node gives.
globalThis.navigator ??= { userAgent: `Node.js/${process.versions.node}` };

const cognate = await startCognate();
after(() => cognate.stop());
const sdk = new CognitoIdentityProviderClient({
  region: 'us-east-1', endpoint: cognate.url, maxAttempts: 1,
  credentials: { accessKeyId: 'AKIANODECOGNATE00001', secretAccessKey: 'node-secret' },
});
const PASSWORD = 'Correct-Horse-1';

/** A pool where a remembered device replaces the TOTP code; devices remembered on request. */
async function devicePool() {
  const { UserPool } = await sdk.send(new CreateUserPoolCommand({
    PoolName: 'devices', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'],
    DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
  }));
  const { UserPoolClient } = await sdk.send(new CreateUserPoolClientCommand({
    UserPoolId: UserPool.Id, ClientName: 'web',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  }));
  await sdk.send(new SetUserPoolMfaConfigCommand({
    UserPoolId: UserPool.Id, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true },
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

test('aws-amplify v6: rememberDevice, then a sign-in on that device without the TOTP code', async () => {
  const { poolId } = await devicePool();
  const email = await newUser('amplify-device');
  // The first sign-in names a new device, which Amplify confirms at once (ConfirmDevice).
  assert.equal((await signIn({ username: email, password: PASSWORD })).isSignedIn, true);
  const setup = await setUpTOTP();
  const first = totp(setup.sharedSecret);
  await verifyTOTPSetup({ code: first });
  await updateMFAPreference({ totp: 'PREFERRED' });
  const [tracked] = await fetchDevices();
  assert.ok(tracked.id.startsWith('us-east-1_'), tracked.id);
  assert.equal(tracked.attributes['dev:device_remembered_status'], 'not_remembered');

  await rememberDevice();
  const [remembered] = await fetchDevices();
  assert.equal(remembered.id, tracked.id);
  assert.equal(remembered.attributes['dev:device_remembered_status'], 'remembered');
  await signOut();

  // The remembered device proves itself (DEVICE_SRP_AUTH) in place of the code.
  const skipped = await signIn({ username: email, password: PASSWORD });
  assert.equal(skipped.isSignedIn, true);
  assert.equal(skipped.nextStep.signInStep, 'DONE');
  const { Devices } = await sdk.send(new AdminListDevicesCommand({ UserPoolId: poolId, Username: email }));
  assert.equal(Devices.length, 1, 'the sign-in reused the device instead of naming a new one');
  assert.equal(Devices[0].DeviceKey, tracked.id);

  // Forgotten: the code is asked for again (and a new device is named after it).
  await forgetDevice();
  assert.deepEqual(await fetchDevices(), []);
  await signOut();
  const asked = await signIn({ username: email, password: PASSWORD });
  assert.equal(asked.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  assert.equal((await confirmSignIn({ challengeResponse: totp(setup.sharedSecret, 1) })).isSignedIn, true);
  const [renewed] = await fetchDevices();
  assert.notEqual(renewed.id, tracked.id);
  await rememberDevice();
  await signOut();

  // An administrator forgets it behind Amplify's back: Amplify reads "Device does not exist.",
  // drops its device and signs in as on a new one, so the code is asked for.
  await sdk.send(new AdminForgetDeviceCommand({ UserPoolId: poolId, Username: email, DeviceKey: renewed.id }));
  const dropped = await signIn({ username: email, password: PASSWORD });
  assert.equal(dropped.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
});

/** amazon-cognito-identity-js's authenticateUser, resolving with the callback that fired. */
function authenticate(user) {
  return new Promise((ok, fail) => {
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: PASSWORD }), {
      onSuccess: (session, userConfirmationNecessary) => ok({ kind: 'success', session, userConfirmationNecessary }),
      onFailure: fail,
      totpRequired: () => ok({ kind: 'totpRequired' }),
      mfaRequired: () => ok({ kind: 'mfaRequired' }),
    });
  });
}

test('amazon-cognito-identity-js: a device confirmed, remembered, and then in place of the code', async () => {
  const { poolId, clientId } = await devicePool();
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: cognate.url });
  const email = await newUser('js-device');
  const user = new CognitoUser({ Username: email, Pool: pool });
  // The first sign-in confirms the device; the pool leaves remembering it to the user.
  const first = await authenticate(user);
  assert.equal(first.kind, 'success');
  assert.equal(first.userConfirmationNecessary, true);
  await new Promise((ok, fail) => user.setDeviceStatusRemembered({ onSuccess: ok, onFailure: fail }));
  // TOTP, set up through the SDK with the user's access token.
  const accessToken = first.session.getAccessToken().getJwtToken();
  const { SecretCode } = await sdk.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  await sdk.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(SecretCode) }));
  await sdk.send(new AdminSetUserMFAPreferenceCommand({
    UserPoolId: poolId, Username: email, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
  }));

  // Same CognitoUser (its device key and secret cached): DEVICE_SRP_AUTH, no totpRequired.
  const again = await authenticate(user);
  assert.equal(again.kind, 'success');
  assert.equal(again.session.getAccessToken().decodePayload().device_key, user.deviceKey);
  // A user object without the device is asked for the code.
  const empty = { setItem() {}, getItem() { return null; }, removeItem() {}, clear() {} };
  const elsewhere = await authenticate(new CognitoUser({ Username: email, Pool: pool, Storage: empty }));
  assert.equal(elsewhere.kind, 'totpRequired');
});
