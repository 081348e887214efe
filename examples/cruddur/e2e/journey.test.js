// The Cruddur example in Debian's Chromium (playwright-core), started by run.sh as a user would:
// sign up, confirm with the code from Cognate's outbox, sign in (a wrong password first), the
// home feed with the user's name and the API's protected answer, reload, post, sign out (the old
// token is then refused by the API), recovery, and an unconfirmed user sent to Confirm. Once with
// the API verifying tokens itself (cognate-verify), once behind nginx + cognate-gate. Screenshots
// of every page go to e2e/output/<mode>/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { chromium } from 'playwright-core';
import { Wallet, getBytes, toUtf8String } from 'ethers';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

import { totp } from '../../../e2e/node/totp.js';

import { listening, startExample } from './example.js';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
after(() => browser.close());

const PASSWORD = 'Crud-Dur-2026!';
const NEW_PASSWORD = 'Second-Crud-7?';

function shooter(page, mode) {
  const folder = join(import.meta.dirname, 'output', mode);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  let n = 0;
  return (name) => page.screenshot({ path: join(folder, `${String(++n).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** A journey's failure, with a screenshot taken and run.sh's output added to its message. */
async function reported(error, example, shot) {
  await shot('failure').catch(() => {});
  error.message += `\n--- run.sh output ---\n${example.output()}`;
  return error;
}

/** The token (`accessToken` or `idToken`) Amplify keeps in localStorage for the signed-in user. */
async function storedToken(page, kind) {
  return page.evaluate((suffix) => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('CognitoIdentityServiceProvider.') && k.endsWith(suffix));
    return key ? localStorage.getItem(key) : null;
  }, `.${kind}`);
}

const storedAccessToken = (page) => storedToken(page, 'accessToken');

async function eventually(check, what, seconds = 10) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`not within ${seconds}s: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The text of the QR code in a screenshot of `image`, decoded as a phone's camera would. */
async function qrText(image) {
  const png = PNG.sync.read(await image.screenshot());
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

/** The security page sets up an authenticator app from its QR code; the next sign-in asks for a
 * code, and remembers the browser when asked to; the sign-in after skips the code; the security
 * page lists the device and forgets it. */
async function secondFactor(page, shot, email, profile) {
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Security' }).click();
  await page.getByTestId('mfa-status').filter({ hasText: 'No second factor is on.' }).waitFor();
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
  await qr.waitFor();
  await shot('security-qr');
  const uri = new URL(await qrText(qr));
  const secret = await page.getByTestId('totp-secret').textContent();
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(decodeURIComponent(uri.pathname), `/Cruddur:${email}`);
  assert.equal(uri.searchParams.get('secret'), secret, 'the picture carries the key shown beside it');
  assert.equal(uri.searchParams.get('issuer'), 'Cruddur');
  await page.getByLabel('Code', { exact: true }).fill(String((Number(totp(secret)) + 1) % 1000000).padStart(6, '0'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('alert').filter({ hasText: 'Code mismatch' }).waitFor();
  await page.getByLabel('Code', { exact: true }).fill(totp(secret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('status').filter({ hasText: 'Your authenticator app is set up' }).waitFor();
  await page.getByTestId('mfa-status').filter({ hasText: 'Authenticator app (preferred)' }).waitFor();
  await shot('security-on');

  // Signing in again asks for the app's code; a wrong one is refused on the page.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
  await page.getByText('Enter the six-digit code from your authenticator app.').waitFor();
  await page.getByLabel('Code', { exact: true }).fill('000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('alert').filter({ hasText: 'Invalid code or auth state for the user.' }).waitFor();
  await shot('signin-totp-wrong');
  await page.getByLabel('Code', { exact: true }).fill(totp(secret, 1));
  await page.getByLabel('Remember this device').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/$/);
  await profile.getByText('Andrew Brown').waitFor();
  await shot('signed-in-with-totp');

  // This browser is remembered: the next sign-in proves the device instead of asking for a code.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/$/);
  await profile.getByText('Andrew Brown').waitFor();
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Security' }).click();
  const devices = page.getByTestId('devices');
  await devices.filter({ hasText: '(remembered)' }).waitFor();
  await shot('security-devices');
  await devices.getByRole('button', { name: 'Forget' }).click();
  await page.getByRole('status').filter({ hasText: 'is forgotten' }).waitFor();
  await devices.waitFor({ state: 'detached' });
}

async function journey(mode) {
  const example = await startExample({ gateway: mode === 'gateway' });
  const verifiedBy = mode === 'gateway' ? 'cognate-gate' : 'cognate-verify';
  const apiBase = mode === 'gateway' ? example.url : `http://127.0.0.1:${example.ports.BACKEND_PORT}`;
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  const shot = shooter(page, mode);
  const email = `andrew.${mode}.${Date.now()}@example.com`;
  const handle = `andrew_${mode}`;
  try {
    // Signed out: the public feed, and a way in.
    await page.goto(`${example.url}/`);
    await page.getByText('Cloud is very fun!').waitFor();
    await page.getByRole('heading', { name: 'Join the party!' }).waitFor();
    await shot('home-signed-out');

    // Sign up.
    await page.getByRole('link', { name: 'Sign up' }).first().click();
    await page.waitForURL('**/signup');
    await page.getByLabel('Name', { exact: true }).fill('Andrew Brown');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Username', { exact: true }).fill(handle);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    // The browser refuses nothing here; Cognate's password policy does, on the page.
    await page.getByRole('alert').filter({ hasText: 'Password' }).waitFor();
    await shot('signup-error');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await shot('signup');
    await page.getByRole('button', { name: 'Sign up' }).click();

    // Confirm with the code from the outbox (a wrong one first).
    await page.waitForURL('**/confirm?email=*');
    assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), email);
    await page.getByLabel('Code', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Confirm email' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid verification code provided' }).waitFor();
    await page.getByRole('button', { name: 'Resend code' }).click();
    await page.getByRole('status').filter({ hasText: 'A new code is on its way' }).waitFor();
    await page.getByLabel('Code', { exact: true }).fill(example.lastCode(email));
    await shot('confirm');
    await page.getByRole('button', { name: 'Confirm email' }).click();

    // Sign in: a wrong password shows Cognito's message, then the right one.
    await page.waitForURL('**/signin?*');
    await page.getByRole('status').filter({ hasText: 'Your email is confirmed' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('Wrong-Password-1!');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Incorrect username or password.' }).waitFor();
    await shot('signin-wrong-password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    // Home: the name and handle from the attributes, the API's protected answer.
    await page.waitForURL(`${example.url}/`);
    const profile = page.getByRole('region', { name: 'Your profile' });
    await profile.getByText('Andrew Brown').waitFor();
    await profile.getByText(`@${handle}`).waitFor();
    const verified = page.getByTestId('verified');
    await verified.filter({ hasText: `verified your access token with ${verifiedBy}` }).waitFor();
    // The handle claim that the pool's PreTokenGeneration trigger (the Node adapter) added to the
    // access token, as the API read it (in gateway mode from the gate's X-Cognate-Handle).
    await verified.filter({ hasText: `whose handle claim (added by the pool's trigger) is @${handle}` }).waitFor();
    await page.getByLabel('Crud', { exact: true }).fill(`Hello from ${mode}!`);
    await page.getByRole('button', { name: 'Crud', exact: true }).click();
    await page.getByRole('region', { name: 'Your cruds' }).getByText(`Hello from ${mode}!`).waitFor();
    await page.getByRole('region', { name: 'Home' }).getByText(`Hello from ${mode}!`).waitFor();
    await shot('home-signed-in');

    // A reload keeps the session.
    await page.reload();
    await profile.getByText('Andrew Brown').waitFor();
    await verified.filter({ hasText: verifiedBy }).waitFor();
    const accessToken = await storedAccessToken(page);
    assert.ok(accessToken, 'Amplify keeps the access token');
    const protectedCall = (token) =>
      fetch(`${apiBase}/api/activities/me`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    assert.equal((await protectedCall(accessToken)).status, 200);

    // Sign out (global): the page forgets the user, and the API refuses the old token.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).waitFor();
    await page.getByRole('heading', { name: 'Join the party!' }).waitFor();
    assert.equal(await page.getByText('Your cruds').count(), 0);
    assert.equal(await storedAccessToken(page), null, 'the token left the browser');
    await shot('signed-out');
    assert.equal((await protectedCall(null)).status, 401);
    await eventually(async () => (await protectedCall(accessToken)).status === 401,
      'the API refuses the signed-out token (revocation feed)');
    if (mode === 'gateway') {
      // Headers a client forges never reach the API: nginx asks the gate first.
      const forged = await fetch(`${apiBase}/api/activities/me`, { headers: { 'X-Cognate-Sub': 'someone-else' } });
      assert.equal(forged.status, 401);
    }

    // Recovery: a code from the outbox, the new password twice, then sign in with it.
    await page.goto(`${example.url}/forgot`);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await shot('forgot');
    await page.getByRole('button', { name: 'Send recovery code' }).click();
    await page.getByLabel('Code', { exact: true }).waitFor();
    await page.getByLabel('Code', { exact: true }).fill(example.lastCode(email));
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm password', { exact: true }).fill('Not-The-Same-1!');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByRole('alert').filter({ hasText: 'Passwords do not match' }).waitFor();
    await page.getByLabel('Confirm password', { exact: true }).fill(NEW_PASSWORD);
    await shot('forgot-new-password');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.waitForURL('**/signin?*');
    await page.getByRole('status').filter({ hasText: 'Your password was changed' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Incorrect username or password.' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${example.url}/`);
    await profile.getByText('Andrew Brown').waitFor();
    await verified.filter({ hasText: verifiedBy }).waitFor();
    if (mode === 'direct') await secondFactor(page, shot, email, profile);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).waitFor();

    // Someone who never confirmed is sent to Confirm when signing in.
    const lateEmail = `late.${mode}.${Date.now()}@example.com`;
    await page.goto(`${example.url}/signup`);
    await page.getByLabel('Name', { exact: true }).fill('Worf');
    await page.getByLabel('Email', { exact: true }).fill(lateEmail);
    await page.getByLabel('Username', { exact: true }).fill(`worf_${mode}`);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL('**/confirm?email=*');
    await page.goto(`${example.url}/signin`);
    await page.getByLabel('Email', { exact: true }).fill(lateEmail);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL('**/confirm?email=*');
    assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), lateEmail);
  } catch (error) {
    throw await reported(error, example, shot);
  } finally {
    await context.close();
    const { code } = await example.stop();
    assert.equal(code, 130, 'Ctrl-C stops run.sh');
    for (const [name, port] of Object.entries(example.ports)) {
      assert.equal(await listening(port), false, `${name} ${port} is closed after Ctrl-C`);
    }
  }
}

// Amplify's signInWithRedirect against Cognate's HTTPS port (its local CA's certificate, which
// this browser context is told to accept): the hosted sign-in page, the code exchanged by
// Amplify, the user's attributes read with the OAuth tokens, the API's answer, then sign-out
// through /logout, which ends the hosted page's session too.
async function hostedJourney() {
  const example = await startExample({ frontendPort: 3000 });
  const app = 'http://localhost:3000';
  const hosted = `https://localhost:${example.ports.COGNATE_TLS_PORT}`;
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const shot = shooter(page, 'hosted');
  const email = `grace.${Date.now()}@example.com`;
  try {
    const cognito = (action, body) => fetch(`http://127.0.0.1:${example.ports.COGNATE_PORT}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
      body: JSON.stringify(body),
    });
    const clientId = 'cruddurwebclient0000000001';
    const signUp = await cognito('SignUp', {
      ClientId: clientId, Username: email, Password: PASSWORD,
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'name', Value: 'Grace Hopper' }, { Name: 'preferred_username', Value: 'grace' }],
    });
    assert.equal(signUp.status, 200, await signUp.text());
    const confirmed = await cognito('ConfirmSignUp', { ClientId: clientId, Username: email, ConfirmationCode: example.lastCode(email) });
    assert.equal(confirmed.status, 200);

    await page.goto(`${app}/signin`);
    await page.getByRole('button', { name: 'Continue with the hosted page' }).click();
    await page.waitForURL(`${hosted}/login?**`);
    assert.equal(await page.title(), 'Sign in · cruddur-user-pool');
    await page.locator('input[name=username]').fill(email);
    await page.locator('input[name=password]').fill('Wrong-Password-1!');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    assert.equal(await page.locator('#error').innerText(), 'Incorrect username or password.');
    await page.locator('input[name=password]').fill(PASSWORD);
    await shot('hosted-login');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    // Back in the app: Amplify exchanged the code; the attributes come through GetUser.
    const profile = page.getByRole('region', { name: 'Your profile' });
    await profile.getByText('Grace Hopper').waitFor();
    await profile.getByText('@grace').waitFor();
    await page.getByTestId('verified').filter({ hasText: 'verified your access token with cognate-verify' }).waitFor();
    await shot('hosted-home');
    const accessToken = await storedAccessToken(page);
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url'));
    assert.deepEqual(claims.scope.split(' ').sort(), ['aws.cognito.signin.user.admin', 'email', 'openid', 'profile']);
    assert.equal(claims.version, 2, 'a token from the OAuth endpoints');

    // The access token runs out (its stored copy says so): Amplify refreshes it through the JSON
    // API with the refresh token that /oauth2/token gave, and the API accepts the new one.
    const targets = [];
    page.on('request', (request) => {
      const target = request.headers()['x-amz-target'];
      if (target) targets.push(target.split('.').pop());
    });
    const expired = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('CognitoIdentityServiceProvider.') && k.endsWith('.accessToken'));
      const [header, payload, signature] = localStorage.getItem(key).split('.');
      const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
      claims.exp = Math.floor(Date.now() / 1000) - 60;
      const rewritten = btoa(JSON.stringify(claims)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      localStorage.setItem(key, [header, rewritten, signature].join('.'));
      return localStorage.getItem(key);
    });
    await page.reload();
    await page.getByTestId('verified').filter({ hasText: 'verified your access token with cognate-verify' }).waitFor();
    const renewed = await storedAccessToken(page);
    assert.notEqual(renewed, expired, 'Amplify stored a new access token');
    assert.notEqual(renewed, accessToken);
    const renewedClaims = JSON.parse(Buffer.from(renewed.split('.')[1], 'base64url'));
    assert.ok(renewedClaims.exp > Date.now() / 1000, 'the new token is current');
    assert.equal(renewedClaims.origin_jti, claims.origin_jti, 'the same sign-in');
    assert.deepEqual(renewedClaims.scope.split(' ').sort(), ['aws.cognito.signin.user.admin', 'email', 'openid', 'profile'],
      'the refresh keeps the granted scopes');
    assert.ok(targets.some((t) => t === 'InitiateAuth' || t === 'GetTokensFromRefreshToken'), `Amplify refreshed: ${targets}`);

    // Sign out: through /logout and back; the hosted page asks for the password again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).waitFor();
    assert.equal(await storedAccessToken(page), null);
    assert.equal((await context.cookies(hosted)).filter((c) => c.name.startsWith('cognito-')).length, 0,
      'the hosted session cookie is gone');
    await page.goto(`${app}/signin`);
    await page.getByRole('button', { name: 'Continue with the hosted page' }).click();
    await page.waitForURL(`${hosted}/login?**`);
  } catch (error) {
    throw await reported(error, example, shot);
  } finally {
    await context.close();
    await example.stop();
  }
}

// The tutorial's IdP homework: run.sh --upstream starts a second Cognate as the pool's OpenID
// provider "Upstream". The user signs up on the upstream's own pages, comes back signed in to
// Cruddur as a federated user, and the next sign-in through the upstream is the same user.
async function federatedJourney() {
  const example = await startExample({ frontendPort: 3000, upstream: true });
  const app = 'http://localhost:3000';
  const upstream = `http://127.0.0.1:${example.ports.UPSTREAM_PORT}`;
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const shot = shooter(page, 'federated');
  const email = `hedy.${Date.now()}@example.com`;
  try {
    await page.goto(`${app}/signin`);
    await shot('signin-with-upstream');
    await page.getByRole('button', { name: 'Sign in with Upstream' }).click();
    await page.waitForURL(`${upstream}/login?**`);
    assert.equal(await page.title(), 'Sign in · upstream-corp', 'the upstream provider\'s own page');
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.locator('input[name=username]').fill(email);
    await page.locator('input[name="requiredAttributes[name]"]').fill('Hedy Lamarr');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.locator('input[name=code]').fill(example.lastCode(email, { fromUpstream: true }));
    await shot('upstream-confirm');
    await page.getByRole('button', { name: 'Confirm account' }).click();

    // Back in Cruddur, signed in through the upstream: its name came through AttributeMapping.
    const profile = page.getByRole('region', { name: 'Your profile' });
    await profile.getByText('Hedy Lamarr').waitFor();
    await page.getByTestId('verified').filter({ hasText: 'verified your access token with cognate-verify' }).waitFor();
    await shot('federated-home');
    const idToken = await storedToken(page, 'idToken');
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url'));
    assert.match(claims['cognito:username'], /^upstream_[0-9a-f-]{36}$/, 'Upstream_<the upstream\'s sub>, lower-cased by the pool');
    assert.equal(claims.email, email);
    assert.equal(claims.identities[0].providerName, 'Upstream');
    assert.deepEqual(claims['cognito:groups'], ['us-east-1_cruddur01_Upstream']);

    // Signed out of Cruddur, in again through the upstream (still signed in there): the same user.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).waitFor();
    await page.goto(`${app}/signin`);
    await page.getByRole('button', { name: 'Sign in with Upstream' }).click();
    await profile.getByText('Hedy Lamarr').waitFor();
    const again = await storedToken(page, 'idToken');
    assert.equal(JSON.parse(Buffer.from(again.split('.')[1], 'base64url')).sub, claims.sub);
  } catch (error) {
    throw await reported(error, example, shot);
  } finally {
    await context.close();
    await example.stop();
  }
}

// Passkeys with Amplify in Chromium, a virtual authenticator standing in for the platform's
// (the DevTools protocol's WebAuthn domain; the app on http://localhost, the demo pool's RP ID):
// the security page adds one (associateWebAuthnCredential) and lists it; the sign-in page signs in
// with it and no password (USER_AUTH + WEB_AUTHN), or with a code by email, and so does Cognate's
// hosted page (its passkey step's script, reached through signInWithRedirect), whose /passkeys/add
// page adds a second one; an authenticator
// claiming the passkey's id with another key is refused; once removed
// (deleteWebAuthnCredential), the passkey is no longer offered.
async function passkeyJourney() {
  const example = await startExample({ frontendPort: 3000 });
  const app = 'http://localhost:3000';
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const platform = {
    protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: 'internal', hasResidentKey: true,
    hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
  };
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: platform });
  const wallet = await injectWallet(context);
  const shot = shooter(page, 'passkey');
  const email = `ada.${Date.now()}@example.com`;
  const profile = page.getByRole('region', { name: 'Your profile' });
  const errors = page.getByRole('alert');
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).waitFor();
  };
  const startSignIn = async () => {
    await page.goto(`${app}/signin`);
    await page.getByLabel('Email').fill(email);
  };
  try {
    const cognito = (action, body) => fetch(`http://127.0.0.1:${example.ports.COGNATE_PORT}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
      body: JSON.stringify(body),
    });
    const clientId = 'cruddurwebclient0000000001';
    const signUp = await cognito('SignUp', {
      ClientId: clientId, Username: email, Password: PASSWORD,
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'name', Value: 'Ada Lovelace' }],
    });
    const signedUp = await signUp.text();
    assert.equal(signUp.status, 200, signedUp);
    const sub = JSON.parse(signedUp).UserSub;
    const confirmation = example.lastCode(email);
    assert.equal((await cognito('ConfirmSignUp', { ClientId: clientId, Username: email, ConfirmationCode: confirmation })).status, 200);

    // Signed in with the password, the security page adds a passkey.
    await startSignIn();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await profile.getByText('Ada Lovelace').waitFor();
    await page.goto(`${app}/security`);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByTestId('passkeys').getByText('Platform passkey').waitFor();
    await shot('passkey-added');
    const [created] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    assert.equal(created.rpId, 'localhost');
    assert.equal(Buffer.from(created.userHandle, 'base64').toString(), sub, 'the passkey names the user by sub');
    assert.equal(created.isResidentCredential, true);

    // Signed out, in again with the passkey alone.
    await signOut();
    await startSignIn();
    await shot('signin-choices');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await profile.getByText('Ada Lovelace').waitFor();
    await page.getByTestId('verified').filter({ hasText: 'verified your access token with cognate-verify' }).waitFor();
    await shot('passkey-home');
    const claims = JSON.parse(Buffer.from((await storedToken(page, 'idToken')).split('.')[1], 'base64url'));
    assert.equal(claims.sub, sub);
    const [used] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    assert.ok(used.signCount > created.signCount, 'the authenticator signed');

    // A code by email instead.
    await signOut();
    await startSignIn();
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await page.getByText(/We emailed a code to/).waitFor();
    let code;
    await eventually(() => (code = example.lastCode(email)) !== confirmation, 'the sign-in code arrives');
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await profile.getByText('Ada Lovelace').waitFor();

    // On the hosted page (Amplify's signInWithRedirect): the passkey step's own script.
    await signOut();
    await page.goto(`${app}/signin`);
    await page.getByRole('button', { name: 'Continue with the hosted page' }).click();
    await page.waitForURL(`https://localhost:${example.ports.COGNATE_TLS_PORT}/login?**`);
    await page.locator('input[name=username]').fill(email);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('button', { name: 'Use my passkey' }).click();
    await profile.getByText('Ada Lovelace').waitFor();
    await shot('hosted-passkey-home');
    const [afterHosted] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    assert.ok(afterHosted.signCount > used.signCount, 'the hosted page asked the authenticator');

    // Signed in there, the hosted /passkeys/add page creates a second passkey and comes back.
    const hostedOrigin = `https://localhost:${example.ports.COGNATE_TLS_PORT}`;
    await page.goto(`${hostedOrigin}/passkeys/add?client_id=cruddurwebclient0000000001&redirect_uri=${encodeURIComponent(`${app}/`)}`);
    await shot('hosted-passkey-add');
    // This authenticator has the first one, which the options exclude: the browser refuses.
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.getByText('This authenticator already has a passkey for this account.').waitFor();
    await shot('hosted-passkey-add-excluded');
    // Another one (its credentials cleared; the first passkey's key is kept in `afterHosted`).
    await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.waitForURL(`${app}/`);
    const [second] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    assert.notEqual(second.credentialId, afterHosted.credentialId);

    // Another authenticator claiming the passkey's id, with a key of its own: refused.
    await signOut();
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    const impostor = (await cdp.send('WebAuthn.addVirtualAuthenticator', { options: platform })).authenticatorId;
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId: impostor,
      credential: {
        credentialId: created.credentialId, isResidentCredential: true, rpId: 'localhost',
        privateKey: otherKey.toString('base64'), userHandle: created.userHandle, signCount: 100,
      },
    });
    await startSignIn();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await errors.filter({ hasText: 'The passkey could not be verified.' }).waitFor();
    await shot('impostor-refused');

    // The real one back; removed on the security page, it is no longer offered.
    await cdp.send('WebAuthn.clearCredentials', { authenticatorId: impostor });
    await cdp.send('WebAuthn.addCredential', { authenticatorId: impostor, credential: afterHosted });
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await profile.getByText('Ada Lovelace').waitFor();
    await page.goto(`${app}/security`);
    const listed = page.getByTestId('passkeys');
    await listed.getByRole('listitem').nth(1).waitFor();
    for (let left = 2; left > 0; left -= 1) {
      await listed.getByRole('button', { name: 'Remove' }).first().click();
      await page.getByText('is removed: it no longer signs you in.').waitFor();
      if (left > 1) await eventually(async () => (await listed.getByRole('listitem').count()) === left - 1, 'one fewer');
    }
    await listed.waitFor({ state: 'detached' });
    await page.getByText('is removed: it no longer signs you in.').waitFor();
    await signOut();
    await startSignIn();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await errors.filter({ hasText: 'This account has no passkey yet' }).waitFor();
    await shot('passkey-removed');
    assert.equal(await storedAccessToken(page), null, 'not signed in');
    await walletSignIn(page, app, wallet, shot, signOut);
  } catch (error) {
    throw await reported(error, example, shot);
  } finally {
    await context.close();
    await example.stop();
  }
}

/** An Ethereum wallet in the page, as a browser extension injects one (EIP-1193's
 * window.ethereum): its key is an ethers wallet in the test, which records each message it is
 * asked to sign; `wallet.signer` may be swapped for a key that does not match the address. */
async function injectWallet(context) {
  const wallet = { account: Wallet.createRandom(), signed: [] };
  wallet.signer = wallet.account;
  await context.exposeFunction('cruddurTestWallet', async (method, params) => {
    const address = wallet.account.address.toLowerCase();
    if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [address];
    if (method === 'personal_sign' && params[1] === address) {
      wallet.signed.push(toUtf8String(params[0]));
      return wallet.signer.signMessage(getBytes(params[0]));
    }
    throw new Error(`the test wallet does not do ${method}`);
  });
  await context.addInitScript(() => {
    window.ethereum = { request: ({ method, params }) => window.cruddurTestWallet(method, params ?? []) };
  });
  return wallet;
}

/** "Sign in with a wallet": the account made on the first sign-in, its handle claim from the
 * trigger, the message as the wallet saw it, the same account the second time, and a signature
 * by the wrong key refused on the page. */
async function walletSignIn(page, app, wallet, shot, signOut) {
  const address = wallet.account.address.toLowerCase();
  const short = `${address.slice(0, 6)}…${address.slice(-4)}`;
  const profile = page.getByRole('region', { name: 'Your profile' });
  const verified = page.getByTestId('verified');
  await page.goto(`${app}/signin`);
  await page.getByRole('button', { name: 'Sign in with a wallet', exact: true }).click();
  await profile.getByText(address).waitFor();
  await verified.filter({ hasText: `as user ${address}, whose handle claim (added by the pool's trigger) is @${short}` }).waitFor();
  await shot('wallet-signed-in');
  const [message] = wallet.signed;
  assert.match(message, /^localhost:3000 wants you to sign in with your Ethereum account:\n0x[0-9a-fA-F]{40}\n/);
  assert.equal(message.split('\n')[1], wallet.account.address, 'the EIP-55 form');
  assert.match(message, /\nURI: http:\/\/localhost:3000\/\nVersion: 1\nChain ID: 1\nNonce: [0-9a-f]+\n/);
  const sub = JSON.parse(Buffer.from((await storedAccessToken(page)).split('.')[1], 'base64url')).sub;
  await signOut();

  await page.goto(`${app}/signin`);
  await page.getByRole('button', { name: 'Sign in with a wallet', exact: true }).click();
  await profile.getByText(address).waitFor();
  const again = JSON.parse(Buffer.from((await storedAccessToken(page)).split('.')[1], 'base64url')).sub;
  assert.equal(again, sub, 'the same account');
  assert.equal(wallet.signed.length, 2);
  assert.notEqual(wallet.signed[0], wallet.signed[1], 'a new nonce each time');
  await signOut();

  wallet.signer = Wallet.createRandom();
  await page.goto(`${app}/signin`);
  await page.getByRole('button', { name: 'Sign in with a wallet', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: "The signature is not the wallet's" }).waitFor();
  await shot('wallet-refused');
  assert.equal(await storedAccessToken(page), null, 'not signed in');
}

test('the tutorial journey, the API verifying tokens with cognate-verify', () => journey('direct'));
test('the tutorial journey through nginx + cognate-gate', () => journey('gateway'));
test('signing in on the hosted page with Amplify\'s signInWithRedirect, over HTTPS', () => hostedJourney());
test('signing in through an upstream identity provider (run.sh --upstream)', () => federatedJourney());
test('passkeys, email codes and a wallet: Amplify\'s WebAuthn APIs with a virtual authenticator, CUSTOM_WITHOUT_SRP with an injected wallet', () => passkeyJourney());
