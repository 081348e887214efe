// OpenID Connect as a standard relying party does it: openid-client (panva) discovers the demo
// pool, sends Debian's Chromium through /oauth2/authorize and the hosted sign-in page with PKCE,
// state and nonce, exchanges the code, validates the id token (signature from the JWKS too),
// reads userInfo, refreshes, revokes and signs out — and is refused where it should be.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import * as oidc from 'openid-client';
import { startCognate, DEMO_POOL, DEMO_CLIENT } from './server.js';

const CALLBACK = 'http://localhost:3000/';
const PASSWORD = 'Hosted-Pass-1!';
const server = await startCognate();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
let config;
let email;
// The app at the callback URL (the demo client's, http://localhost:3000/): remembers each visit.
const callbacks = [];
const app = createServer((request, response) => {
  const url = new URL(request.url, CALLBACK);
  if (url.pathname !== '/') return response.writeHead(404).end();
  callbacks.push(url.href);
  response.writeHead(200, { 'content-type': 'text/html' }).end('<title>Cruddur</title><p id="app">signed in</p>');
});
await new Promise((ok, fail) => app.once('error', fail).listen(3000, 'localhost', ok));

before(async () => {
  config = await oidc.discovery(new URL(`${server.url}/${DEMO_POOL}`), DEMO_CLIENT, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
  oidc.enableNonRepudiationChecks(config);
  email = `ada-${Date.now()}@example.com`;
  const signUp = await server.call('SignUp', {
    ClientId: DEMO_CLIENT, Username: email, Password: PASSWORD,
    UserAttributes: [{ Name: 'email', Value: email }, { Name: 'name', Value: 'Ada Lovelace' }],
  });
  assert.equal(signUp.status, 200, JSON.stringify(signUp.body));
  const confirm = await server.call('ConfirmSignUp', { ClientId: DEMO_CLIENT, Username: email, ConfirmationCode: server.lastCode(email) });
  assert.equal(confirm.status, 200);
});

after(async () => {
  app.close();
  await browser.close();
  server.stop();
});

/** A fresh browser (no cookies) on a new page. */
async function appPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  callbacks.length = 0;
  return { page, context, callbacks };
}

function authorizationRequest(extra = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  return {
    verifier, state, nonce,
    async url() {
      const challenge = await oidc.calculatePKCECodeChallenge(verifier);
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: CALLBACK, scope: 'openid email profile', code_challenge: challenge,
        code_challenge_method: 'S256', state, nonce, ...extra,
      });
    },
  };
}

async function signInOnPage(page, password = PASSWORD) {
  await page.locator('input[name=username]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

test('discovery names the hosted endpoints and S256', () => {
  const metadata = config.serverMetadata();
  assert.equal(metadata.issuer, `${server.url}/${DEMO_POOL}`);
  assert.equal(metadata.authorization_endpoint, `${server.url}/oauth2/authorize`);
  assert.equal(metadata.userinfo_endpoint, `${server.url}/oauth2/userInfo`);
  assert.equal(metadata.end_session_endpoint, `${server.url}/logout`);
  assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
});

test('code + PKCE through the hosted page: tokens, userInfo, refresh, revocation, logout', async () => {
  const { page, context, callbacks } = await appPage();
  const request = authorizationRequest();
  await page.goto((await request.url()).href);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.title(), 'Sign in · cruddur-user-pool');
  await signInOnPage(page);
  await page.locator('#app').waitFor();
  const callback = new URL(callbacks.at(-1));
  assert.equal(callback.searchParams.get('state'), request.state);

  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce,
  });
  const claims = tokens.claims();
  assert.equal(claims.email, email);
  assert.equal(claims.name, 'Ada Lovelace');
  assert.equal(claims.nonce, request.nonce);
  assert.equal(claims['cognito:username'], claims.sub, 'an email pool names users by their sub');
  const access = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url'));
  assert.deepEqual(access.scope.split(' ').sort(), ['email', 'openid', 'profile']);

  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.email, email);
  assert.equal(info.email_verified, 'true');

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.equal(refreshed.claims().sub, claims.sub);
  await oidc.tokenRevocation(config, tokens.refresh_token);
  await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (e) => e.error === 'invalid_grant');

  // The session signs in again without the page, until /logout ends it.
  await page.goto((await authorizationRequest().url()).href);
  await page.locator('#app').waitFor();
  assert.ok(new URL(callbacks.at(-1)).searchParams.get('code'), 'single sign-on answered with a code');
  const logout = new URL(config.serverMetadata().end_session_endpoint);
  logout.searchParams.set('client_id', DEMO_CLIENT);
  logout.searchParams.set('logout_uri', CALLBACK);
  await page.goto(logout.href);
  await page.locator('#app').waitFor();
  await page.goto((await authorizationRequest().url()).href);
  assert.equal(new URL(page.url()).pathname, '/login', 'signed out: the page again');
  await context.close();
});

test('a wrong verifier or a reused code is invalid_grant, and the reuse revokes the tokens', async () => {
  const { page, context, callbacks } = await appPage();
  const request = authorizationRequest();
  await page.goto((await request.url()).href);
  await signInOnPage(page);
  await page.locator('#app').waitFor();
  const callback = new URL(callbacks.at(-1));
  await assert.rejects(
    oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: request.state, expectedNonce: request.nonce }),
    (e) => e.error === 'invalid_grant',
  );

  const second = authorizationRequest();
  await page.goto((await second.url()).href);
  await page.locator('#app').waitFor();
  const again = new URL(callbacks.at(-1));
  const checks = { pkceCodeVerifier: second.verifier, expectedState: second.state, expectedNonce: second.nonce };
  const first = await oidc.authorizationCodeGrant(config, again, checks);
  await oidc.fetchUserInfo(config, first.access_token, first.claims().sub);
  await assert.rejects(oidc.authorizationCodeGrant(config, again, checks), (e) => e.error === 'invalid_grant');
  // The replay revoked what the code was exchanged for: the refresh token and the access token.
  await assert.rejects(oidc.refreshTokenGrant(config, first.refresh_token), (e) => e.error === 'invalid_grant');
  await assert.rejects(oidc.fetchUserInfo(config, first.access_token, first.claims().sub), (e) => e.status === 401);
  await context.close();
});

test('an unregistered redirect is never followed, and a wrong password stays on the page', async () => {
  const { page, context, callbacks } = await appPage();
  const evil = new URL(await authorizationRequest().url());
  evil.searchParams.set('redirect_uri', 'http://localhost:3000.evil.test/');
  const response = await page.goto(evil.href);
  assert.equal(response.status(), 400);
  assert.match(await page.locator('#error').innerText(), /redirect_mismatch/);

  await page.goto((await authorizationRequest().url()).href);
  await signInOnPage(page, 'Not-The-Password-1!');
  assert.equal(await page.locator('#error').innerText(), 'Incorrect username or password.');
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(callbacks.length, 0);
  await context.close();
});

test('signing up on the hosted page: the code confirms, signs in and the tokens verify', async () => {
  const { page, context, callbacks } = await appPage();
  const request = authorizationRequest();
  await page.goto((await request.url()).href);
  await page.getByRole('link', { name: 'Sign up' }).click();
  assert.equal(new URL(page.url()).pathname, '/signup');
  const grace = `grace-${Date.now()}@example.com`;
  await page.locator('input[name=username]').fill(grace);
  await page.locator('input[name="requiredAttributes[name]"]').fill('Grace Hopper');
  await page.locator('input[name=password]').fill('weak');
  await page.getByRole('button', { name: 'Sign up' }).click();
  assert.match(await page.locator('#error').innerText(), /Password did not conform with policy/);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  assert.match(await page.locator('#sentTo').innerText(), /by email to g\*\*\*@e\*\*\*/);

  await page.locator('input[name=code]').fill('000000');
  await page.getByRole('button', { name: 'Confirm account' }).click();
  assert.equal(await page.locator('#error').innerText(), 'Invalid verification code provided, please try again.');
  await page.locator('input[name=code]').fill(server.lastCode(grace));
  await page.getByRole('button', { name: 'Confirm account' }).click();
  await page.locator('#app').waitFor();
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callbacks.at(-1)), {
    pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce,
  });
  assert.equal(tokens.claims().email, grace);
  assert.equal(tokens.claims().email_verified, true);
  assert.equal(tokens.claims().name, 'Grace Hopper');
  await context.close();
});

test('a forgotten password is reset on the hosted pages, and only the new one signs in', async () => {
  const katherine = `katherine-${Date.now()}@example.com`;
  await server.call('SignUp', {
    ClientId: DEMO_CLIENT, Username: katherine, Password: PASSWORD,
    UserAttributes: [{ Name: 'email', Value: katherine }, { Name: 'name', Value: 'Katherine Johnson' }],
  });
  await server.call('ConfirmSignUp', { ClientId: DEMO_CLIENT, Username: katherine, ConfirmationCode: server.lastCode(katherine) });
  const { page, context, callbacks } = await appPage();
  const request = authorizationRequest();
  await page.goto((await request.url()).href);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.locator('input[name=username]').fill(katherine);
  await page.getByRole('button', { name: 'Reset my password' }).click();
  assert.match(await page.locator('#sentTo').innerText(), /password reset code by email to k\*\*\*@e\*\*\*/);
  const renewed = 'Renewed-Pass-2!';
  await page.locator('input[name=code]').fill(server.lastCode(katherine));
  await page.locator('input[name=password]').fill(renewed);
  await page.locator('input[name=confirm_password]').fill(renewed);
  await page.getByRole('button', { name: 'Change password' }).click();
  assert.match(await page.locator('#notice').innerText(), /Your password has been reset/);

  await page.locator('input[name=username]').fill(katherine);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  assert.equal(await page.locator('#error').innerText(), 'Incorrect username or password.');
  await page.locator('input[name=password]').fill(renewed);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('#app').waitFor();
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callbacks.at(-1)), {
    pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce,
  });
  assert.equal(tokens.claims().email, katherine);
  await context.close();
});
