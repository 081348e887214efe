// aws-amplify v6, configured with `userPoolEndpoint` as the tutorial's front end would be: sign-up
// with email as username, confirmation from the outbox, sign-in with its default SRP flow,
// session and attributes, password recovery, global sign-out; and the errors the tutorial's pages
// show.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import {
  confirmResetPassword, confirmSignUp, fetchAuthSession, fetchUserAttributes, resetPassword, signIn, signOut, signUp,
} from 'aws-amplify/auth';
import { startCognate, DEMO_POOL, DEMO_CLIENT } from './server.js';

const cognate = await startCognate();
after(() => cognate.stop());
Amplify.configure({
  Auth: { Cognito: { userPoolId: DEMO_POOL, userPoolClientId: DEMO_CLIENT, userPoolEndpoint: cognate.url } },
});
const PASSWORD = 'Correct-Horse-1';

test('the tutorial journey with aws-amplify v6', async () => {
  const email = `amplify-${Date.now()}@example.com`;
  const up = await signUp({
    username: email,
    password: PASSWORD,
    options: { userAttributes: { email, name: 'Andrew Brown', preferred_username: 'andrewbrown' } },
  });
  assert.equal(up.isSignUpComplete, false);
  assert.equal(up.nextStep.signUpStep, 'CONFIRM_SIGN_UP');

  // Amplify v6 turns UserNotConfirmedException into a next step, as the tutorial's page expects.
  const unconfirmed = await signIn({ username: email, password: PASSWORD });
  assert.equal(unconfirmed.isSignedIn, false);
  assert.equal(unconfirmed.nextStep.signInStep, 'CONFIRM_SIGN_UP');
  await confirmSignUp({ username: email, confirmationCode: cognate.lastCode(email) });

  await assert.rejects(signIn({ username: email, password: 'Wrong-Horse-1' }), (e) => e.name === 'NotAuthorizedException');
  const signedIn = await signIn({ username: email, password: PASSWORD });
  assert.equal(signedIn.isSignedIn, true);

  const session = await fetchAuthSession();
  const accessToken = session.tokens.accessToken.toString();
  assert.equal(session.tokens.idToken.payload.email, email);
  const attributes = await fetchUserAttributes();
  assert.equal(attributes.name, 'Andrew Brown');
  assert.equal(attributes.preferred_username, 'andrewbrown');

  await signOut({ global: true });
  const refused = await cognate.call('GetUser', { AccessToken: accessToken });
  assert.equal(refused.body.message, 'Access Token has been revoked');

  const reset = await resetPassword({ username: email });
  assert.equal(reset.nextStep.resetPasswordStep, 'CONFIRM_RESET_PASSWORD_WITH_CODE');
  await confirmResetPassword({ username: email, confirmationCode: cognate.lastCode(email), newPassword: 'Second-Horse-2' });
  const again = await signIn({ username: email, password: 'Second-Horse-2' });
  assert.equal(again.isSignedIn, true);
  await signOut();
});
