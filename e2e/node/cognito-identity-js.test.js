// amazon-cognito-identity-js against the release binary: sign-up and confirmation, SRP sign-in
// (its default), attributes, refresh, password change and global sign-out.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool,
} from 'amazon-cognito-identity-js';
import { startCognate, DEMO_POOL, DEMO_CLIENT } from './server.js';

const cognate = await startCognate();
after(() => cognate.stop());
const pool = new CognitoUserPool({ UserPoolId: DEMO_POOL, ClientId: DEMO_CLIENT, endpoint: cognate.url });
const PASSWORD = 'Correct-Horse-1';

const promisify = (fn) => new Promise((ok, fail) => fn((err, value) => (err ? fail(err) : ok(value))));
const signIn = (user, password) => new Promise((ok, fail) => {
  user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: password }), {
    onSuccess: ok,
    onFailure: fail,
    newPasswordRequired: () => fail(new Error('unexpected NEW_PASSWORD_REQUIRED')),
  });
});

test('the whole journey with amazon-cognito-identity-js', async () => {
  const email = `js-${Date.now()}@example.com`;
  const attributes = [new CognitoUserAttribute({ Name: 'name', Value: 'Ada Lovelace' }),
    new CognitoUserAttribute({ Name: 'preferred_username', Value: 'ada' })];
  const signedUp = await promisify((cb) => pool.signUp(email, PASSWORD, attributes, null, cb));
  assert.equal(signedUp.userConfirmed, false);
  const user = new CognitoUser({ Username: email, Pool: pool });

  await assert.rejects(signIn(user, PASSWORD), (err) => err.code === 'UserNotConfirmedException');
  await promisify((cb) => user.confirmRegistration(cognate.lastCode(email), true, cb));

  await assert.rejects(signIn(user, 'Wrong-Horse-1'), (err) => err.code === 'NotAuthorizedException');
  const session = await signIn(user, PASSWORD);
  assert.ok(session.isValid());
  assert.equal(session.getIdToken().decodePayload().email, email);

  const attrs = await promisify((cb) => user.getUserAttributes(cb));
  assert.equal(attrs.find((a) => a.getName() === 'preferred_username').getValue(), 'ada');

  const refreshed = await promisify((cb) => user.refreshSession(session.getRefreshToken(), cb));
  assert.equal(refreshed.getAccessToken().decodePayload().origin_jti, session.getAccessToken().decodePayload().origin_jti);

  await promisify((cb) => user.changePassword(PASSWORD, 'Changed-Horse-2', cb));
  const again = await signIn(user, 'Changed-Horse-2');

  const oldAccess = again.getAccessToken().getJwtToken();
  await new Promise((ok, fail) => user.globalSignOut({ onSuccess: ok, onFailure: fail }));
  const refused = await cognate.call('GetUser', { AccessToken: oldAccess });
  assert.equal(refused.body.__type, 'NotAuthorizedException');
  assert.equal(refused.body.message, 'Access Token has been revoked');
});
