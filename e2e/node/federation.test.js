// Federated sign-in with real software on both sides: `oidc-provider` (panva's certified OpenID
// provider) is the upstream identity provider, Cognate's demo pool trusts it (made with the AWS
// SDK for JavaScript), Debian's Chromium clicks through Cognate's hosted page and the upstream's
// own login, and openid-client is the app on top, which sees only Cognate's tokens.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import * as oidc from 'openid-client';
import Provider from 'oidc-provider';
import {
  CognitoIdentityProviderClient, CreateIdentityProviderCommand, CreateUserPoolClientCommand,
  AdminGetUserCommand, AdminCreateUserCommand, AdminSetUserPasswordCommand, AdminLinkProviderForUserCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startCognate, DEMO_POOL } from './server.js';

const APP = 'http://localhost:3002/';
const server = await startCognate();
const sdk = new CognitoIdentityProviderClient({
  region: 'us-east-1', endpoint: server.url, maxAttempts: 1,
  credentials: { accessKeyId: 'AKIANODECOGNATE00001', secretAccessKey: 'node-secret' },
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

// The upstream's people: the login name is the subject; names change between sign-ins.
const names = new Map();
const upstream = await new Promise((ok) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => ok(`http://127.0.0.1:${port}`));
  });
});
const provider = new Provider(upstream, {
  clients: [{
    client_id: 'cognate-demo', client_secret: 'upstream-secret-0123456789',
    redirect_uris: [`${server.url}/oauth2/idpresponse`],
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code'], response_types: ['code'],
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: (ctx, sub) => ({
    accountId: sub,
    claims: () => ({ sub, email: `${sub}@upstream.example`, email_verified: true, name: names.get(sub) ?? 'Upstream Person' }),
  }),
  cookies: { keys: ['federation-test-cookie-key'] },
});
const upstreamServer = provider.listen(Number(new URL(upstream).port), '127.0.0.1');

// The app at the callback URL: remembers each visit.
const callbacks = [];
const app = createServer((request, response) => {
  const url = new URL(request.url, APP);
  if (url.pathname !== '/') return response.writeHead(404).end();
  callbacks.push(url.href);
  response.writeHead(200, { 'content-type': 'text/html' }).end('<title>App</title><p id="app">back</p>');
});
await new Promise((ok, fail) => app.once('error', fail).listen(3002, 'localhost', ok));

let clientId;
let config;

before(async () => {
  await sdk.send(new CreateIdentityProviderCommand({
    UserPoolId: DEMO_POOL, ProviderName: 'Upstream', ProviderType: 'OIDC',
    ProviderDetails: {
      client_id: 'cognate-demo', client_secret: 'upstream-secret-0123456789',
      authorize_scopes: 'openid email profile', attributes_request_method: 'GET', oidc_issuer: upstream,
    },
    AttributeMapping: { email: 'email', email_verified: 'email_verified', name: 'name', username: 'sub' },
  }));
  const made = await sdk.send(new CreateUserPoolClientCommand({
    UserPoolId: DEMO_POOL, ClientName: 'federated-app', AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email', 'profile'],
    CallbackURLs: [APP], SupportedIdentityProviders: ['COGNITO', 'Upstream'],
  }));
  clientId = made.UserPoolClient.ClientId;
  config = await oidc.discovery(new URL(`${server.url}/${DEMO_POOL}`), clientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
});

after(async () => {
  app.close();
  upstreamServer.close();
  await browser.close();
  server.stop();
});

/** Signs in through Cognate's page and the upstream's as `login`: the app's tokens. */
async function federatedSignIn(login, { viaButton = true } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  callbacks.length = 0;
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const params = {
    redirect_uri: APP, scope: 'openid email profile', state, nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  };
  if (!viaButton) params.identity_provider = 'Upstream';
  await page.goto(oidc.buildAuthorizationUrl(config, params).href);
  if (viaButton) {
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.getByRole('link', { name: 'Sign in with Upstream' }).click();
  }
  // oidc-provider's own pages: its login, then its consent.
  assert.equal(new URL(page.url()).origin, upstream, 'the browser is at the upstream');
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any');
  await page.locator('button[type=submit]').click();
  const consent = page.getByRole('button', { name: 'Continue' });
  await Promise.race([consent.waitFor().then(() => consent.click()).catch(() => {}), page.locator('#app').waitFor()]);
  await page.locator('#app').waitFor();
  const callback = new URL(callbacks.at(-1));
  await context.close();
  assert.equal(callback.searchParams.get('error'), null, callback.href);
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce,
  });
}

test('a user signs in through oidc-provider and the app gets only this pool\'s tokens', async () => {
  const tokens = await federatedSignIn('ulla');
  const claims = tokens.claims();
  assert.equal(claims.iss, `${server.url}/${DEMO_POOL}`, 'issued by Cognate, verified by openid-client');
  assert.equal(claims['cognito:username'], 'upstream_ulla', 'a case-insensitive pool lower-cases the name');
  assert.equal(claims.email, 'ulla@upstream.example');
  assert.equal(claims.email_verified, true);
  assert.equal(claims.name, 'Upstream Person');
  assert.notEqual(claims.sub, 'ulla', 'the pool issues its own sub');
  assert.deepEqual(claims['cognito:groups'], [`${DEMO_POOL}_Upstream`]);
  assert.equal(claims.identities[0].providerName, 'Upstream');
  assert.equal(claims.identities[0].userId, 'ulla');
  assert.equal(claims.identities[0].issuer, upstream);
  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.email, 'ulla@upstream.example');

  // The second sign-in (by identity_provider, the upstream's name changed) is the same user,
  // brought up to date.
  names.set('ulla', 'Ulla Renamed');
  const again = (await federatedSignIn('ulla', { viaButton: false })).claims();
  assert.equal(again.sub, claims.sub);
  assert.equal(again.name, 'Ulla Renamed');
  const user = await sdk.send(new AdminGetUserCommand({ UserPoolId: DEMO_POOL, Username: 'Upstream_ulla' }));
  assert.equal(user.UserStatus, 'EXTERNAL_PROVIDER');
  const listed = await sdk.send(new ListUsersCommand({ UserPoolId: DEMO_POOL, Filter: 'cognito:user_status = "EXTERNAL_PROVIDER"' }));
  assert.ok(listed.Users.some((u) => u.Username === 'upstream_ulla'), JSON.stringify(listed.Users));
});

test('an upstream identity linked to a native user signs in as that user', async () => {
  const email = `nina-${Date.now()}@example.com`;
  await sdk.send(new AdminCreateUserCommand({
    UserPoolId: DEMO_POOL, Username: email, MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }, { Name: 'name', Value: 'Nina Native' }],
  }));
  await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: DEMO_POOL, Username: email, Password: 'Native-Pass-1!', Permanent: true }));
  const native = await sdk.send(new AdminGetUserCommand({ UserPoolId: DEMO_POOL, Username: email }));
  await sdk.send(new AdminLinkProviderForUserCommand({
    UserPoolId: DEMO_POOL,
    DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: email },
    SourceUser: { ProviderName: 'Upstream', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: 'nina' },
  }));
  const claims = (await federatedSignIn('nina')).claims();
  assert.equal(claims['cognito:username'], native.Username, 'the native user, not Upstream_nina');
  assert.equal(claims.sub, native.UserAttributes.find((a) => a.Name === 'sub').Value);
  const listed = await sdk.send(new ListUsersCommand({ UserPoolId: DEMO_POOL, Filter: 'username = "upstream_nina"' }));
  assert.deepEqual(listed.Users, [], 'no federated user was made');
});
