// The page a browser sees at the server's address, in Debian's Chromium: the demo pool with its
// issuer, JWKS and discovery links and its clients, the CLI lines, and the README's sections.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startCognate, DEMO_POOL, DEMO_CLIENT } from './server.js';

const server = await startCognate();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
after(async () => {
  await browser.close();
  server.stop();
});

test('the landing page lists the demo pool, its links and clients, and links into the README', async () => {
  const page = await browser.newPage();
  const response = await page.goto(`${server.url}/`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /default-src 'none'/);
  assert.match(await page.title(), /^Cognate \d+\.\d+\.\d+/);

  const pool = page.locator(`#pool-${DEMO_POOL}`);
  assert.match(await pool.locator('h3').innerText(), /cruddur-user-pool/);
  const clients = await pool.locator('table.clients').innerText();
  assert.match(clients, new RegExp(`${DEMO_CLIENT}\\s+cruddur-web\\s+public`));
  assert.match(clients, /cruddurbackend000000000001\s+cruddur-backend\s+confidential/);
  assert.doesNotMatch(await page.content(), /cruddur_demo_feed_secret_change_me/, 'a client secret on the page');
  const tryLines = await page.locator('#try').innerText();
  assert.match(tryLines, new RegExp(`list-user-pools --max-results 10 --endpoint-url ${server.url}`));
  assert.match(tryLines, new RegExp(`sign-up --client-id ${DEMO_CLIENT} .*Name=name,Value=Ada`));
  await page.screenshot({ path: process.env.LANDING_SCREENSHOT ?? '/tmp/cognate-landing.png', fullPage: true });

  // The JWKS link opens the pool's keys; the discovery link its OpenID configuration.
  await pool.locator('a.jwks').click();
  const jwks = JSON.parse(await page.locator('body').innerText());
  assert.ok(jwks.keys.length >= 2 && jwks.keys.every((k) => k.kty === 'RSA' && k.kid));
  await page.goBack();
  await pool.locator('a.discovery').click();
  const discovery = JSON.parse(await page.locator('body').innerText());
  assert.equal(discovery.issuer, `${server.url}/${DEMO_POOL}`);

  // "Configuration" lands on the README's section of that name.
  await page.goBack();
  await page.getByRole('link', { name: 'Configuration', exact: true }).click();
  assert.equal(new URL(page.url()).pathname, '/readme');
  assert.equal(await page.locator('#configuration').innerText(), 'Configuration');
  assert.ok(await page.locator('#configuration').isVisible());
  await page.close();
});

test('POST / is still the API', async () => {
  const { status, body } = await server.call('GetUser', { AccessToken: 'not-a-token' });
  assert.equal(status, 400);
  assert.equal(body.__type, 'NotAuthorizedException');
});
