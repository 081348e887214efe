// Lambda triggers served by examples/triggers/node (the sample handlers, unchanged Lambda code)
// to the release binary, driven by aws-amplify v6: PreSignUp confirming and refusing, CUSTOM_AUTH
// without and with SRP, UserMigration on a USER_PASSWORD_AUTH sign-in, CustomMessage, and a
// PreTokenGeneration V2_0 claim and scope checked by aws-jwt-verify.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, signIn, signOut, signUp } from 'aws-amplify/auth';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import {
  CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand, DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { serve } from '../../examples/triggers/node/server.mjs';
import { startCognate } from './server.js';

const SECRET = 'node-trigger-secret-0123456789';
const functions = await serve({ secret: SECRET, handlers: join(import.meta.dirname, '../../examples/triggers/node/handlers') });
const functionsUrl = `http://127.0.0.1:${functions.address().port}`;
after(() => functions.close());
const cognate = await startCognate({
  env: { COGNATE_TRIGGER_URL: `${functionsUrl}/{function}`, COGNATE_TRIGGER_SECRET: SECRET },
});
after(() => cognate.stop());
const sdk = new CognitoIdentityProviderClient({
  region: 'us-east-1', endpoint: cognate.url, maxAttempts: 1,
  credentials: { accessKeyId: 'AKIANODECOGNATE00001', secretAccessKey: 'node-secret' },
});
const PASSWORD = 'Correct-Horse-1';
const arn = (name) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

const { UserPool } = await sdk.send(new CreateUserPoolCommand({
  PoolName: 'triggers', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'],
  Schema: [{ Name: 'plan', AttributeDataType: 'String', Mutable: true }],
  LambdaConfig: {
    PreSignUp: arn('preSignUp'), PostConfirmation: arn('postConfirmation'),
    PreAuthentication: arn('preAuthentication'), PostAuthentication: arn('postAuthentication'),
    DefineAuthChallenge: arn('defineAuthChallenge'), CreateAuthChallenge: arn('createAuthChallenge'),
    VerifyAuthChallengeResponse: arn('verifyAuthChallengeResponse'), UserMigration: arn('userMigration'),
    CustomMessage: arn('customMessage'),
    PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: arn('preTokenGeneration') },
  },
}));
const { UserPoolClient } = await sdk.send(new CreateUserPoolClientCommand({
  UserPoolId: UserPool.Id, ClientName: 'web',
  ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
}));
Amplify.configure({
  Auth: { Cognito: { userPoolId: UserPool.Id, userPoolClientId: UserPoolClient.ClientId, userPoolEndpoint: cognate.url } },
});

/** The sum the createAuthChallenge handler asks for, worked out from its question. */
function solve(question) {
  const [, a, b] = question.match(/What is (\d+) \+ (\d+)\?/);
  return String(Number(a) + Number(b));
}

test('the pool keeps its LambdaConfig as Cognito shows it', async () => {
  const { UserPool: shown } = await sdk.send(new DescribeUserPoolCommand({ UserPoolId: UserPool.Id }));
  assert.equal(shown.LambdaConfig.PreSignUp, arn('preSignUp'));
  assert.deepEqual(shown.LambdaConfig.PreTokenGenerationConfig, { LambdaVersion: 'V2_0', LambdaArn: arn('preTokenGeneration') });
});

test('PreSignUp confirms example.com at once and refuses a blocked domain, in its words', async () => {
  const email = `ada-${Date.now()}@example.com`;
  const done = await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  assert.equal(done.isSignUpComplete, true, 'autoConfirmUser');
  assert.equal(done.nextStep.signUpStep, 'DONE');
  await assert.rejects(
    signUp({ username: 'eve@blocked.example', password: PASSWORD, options: { userAttributes: { email: 'eve@blocked.example' } } }),
    (e) => e.name === 'UserLambdaValidationException'
      && e.message === 'PreSignUp failed with error Registration from this domain is not allowed..',
  );
});

test('CustomMessage words the confirmation email', async () => {
  const email = `cy-${Date.now()}@elsewhere.example`;
  const done = await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  assert.equal(done.nextStep.signUpStep, 'CONFIRM_SIGN_UP', 'not example.com: a code goes out');
  const sent = cognate.lastMessage(email);
  assert.equal(sent.subject, 'Welcome to Cruddur');
  assert.equal(sent.message, `Welcome to Cruddur! Your confirmation code is ${sent.code}.`);
});

test('aws-amplify CUSTOM_WITHOUT_SRP: define, create and verify decide the sign-in', async () => {
  const email = `quiz-${Date.now()}@example.com`;
  await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  const asked = await signIn({ username: email, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  assert.equal(asked.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  const question = asked.nextStep.additionalInfo.question;
  assert.match(question, /What is \d+ \+ \d+\?/);
  const again = await confirmSignIn({ challengeResponse: '1000' });
  assert.equal(again.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE', 'a wrong answer: another question');
  const done = await confirmSignIn({ challengeResponse: solve(again.nextStep.additionalInfo.question) });
  assert.equal(done.isSignedIn, true);
  const { tokens } = await fetchAuthSession();
  assert.equal(tokens.idToken.payload.email, email);
  await signOut();
});

test('aws-amplify CUSTOM_WITH_SRP: the password by SRP, then the question', async () => {
  const email = `srp-${Date.now()}@example.com`;
  await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  await assert.rejects(
    signIn({ username: email, password: 'Wrong-Horse-1', options: { authFlowType: 'CUSTOM_WITH_SRP' } }),
    (e) => e.name === 'NotAuthorizedException',
  );
  const asked = await signIn({ username: email, password: PASSWORD, options: { authFlowType: 'CUSTOM_WITH_SRP' } });
  assert.equal(asked.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  const done = await confirmSignIn({ challengeResponse: solve(asked.nextStep.additionalInfo.question) });
  assert.equal(done.isSignedIn, true);
  await signOut();
});

test('UserMigration moves a legacy user on a USER_PASSWORD_AUTH sign-in', async () => {
  await assert.rejects(
    signIn({ username: 'legacy@example.com', password: 'Wrong-Password-1', options: { authFlowType: 'USER_PASSWORD_AUTH' } }),
    (e) => e.name === 'UserNotFoundException',
  );
  const done = await signIn({
    username: 'legacy@example.com', password: 'Legacy-Password-1', options: { authFlowType: 'USER_PASSWORD_AUTH' },
  });
  assert.equal(done.isSignedIn, true);
  const { tokens } = await fetchAuthSession();
  assert.equal(tokens.idToken.payload.name, 'Lee Gacy');
  await signOut();
  const srp = await signIn({ username: 'legacy@example.com', password: 'Legacy-Password-1' });
  assert.equal(srp.isSignedIn, true, 'once moved, the password works by SRP too');
  await signOut();
});

test('PreTokenGeneration V2_0: the claims and the scope it adds pass aws-jwt-verify', async () => {
  const email = `tok-${Date.now()}@example.com`;
  await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  await signIn({ username: email, password: PASSWORD });
  const { tokens } = await fetchAuthSession();
  const jwksUri = `${cognate.url}/${UserPool.Id}/.well-known/jwks.json`;
  const verifier = JwtRsaVerifier.create({ issuer: `${cognate.url}/${UserPool.Id}`, audience: null, jwksUri });
  // aws-jwt-verify fetches over https only: the keys are handed to it from the plain-http server.
  verifier.cacheJwks(await (await fetch(jwksUri)).json());
  const access = await verifier.verify(tokens.accessToken.toString());
  assert.equal(access.tenant, 'cruddur');
  assert.equal(access.plan, 'free');
  assert.ok(access.scope.split(' ').includes('cruddur/activities.write'));
  const id = await verifier.verify(tokens.idToken.toString());
  assert.equal(id.tenant, 'cruddur');
  assert.equal(id.plan, undefined, 'the plan was added to the access token only');
  await signOut();
  await assert.rejects(
    signIn({ username: email, password: PASSWORD, options: { clientMetadata: { maintenance: 'true' } } }),
    (e) => e.name === 'UserLambdaValidationException' && e.message.startsWith('PreAuthentication failed with error Sign-in is paused'),
  );
});

test('the adapter refuses calls not signed with the secret', async () => {
  const body = JSON.stringify({ version: '1', triggerSource: 'PreSignUp_SignUp', request: { userAttributes: {} }, response: {} });
  const now = Math.floor(Date.now() / 1000);
  const sign = (secret, at) => `v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;
  const call = (signature, at) => fetch(`${functionsUrl}/preSignUp`, {
    method: 'POST', body, headers: { 'x-cognate-timestamp': String(at), 'x-cognate-signature': signature },
  });
  assert.equal((await call(sign('another-secret', now), now)).status, 401);
  assert.equal((await call(sign(SECRET, now - 3600), now - 3600)).status, 401, 'a stale call is refused');
  const ok = await call(sign(SECRET, now), now);
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).triggerSource, 'PreSignUp_SignUp');
});
