// Starts the release binary for a test file: fresh data directory, an outbox, the demo pool from
// cognate.toml, the development password-hash cost. Stops it when the test process ends.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
export const DEMO_POOL = 'us-east-1_cruddur01';
export const DEMO_CLIENT = 'cruddurwebclient0000000001';

function freePort() {
  return new Promise((ok) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

/** Starts the binary; `env` adds environment variables (the trigger settings, say). */
export async function startCognate({ env = {} } = {}) {
  const binary = process.env.COGNATE_BIN ?? join(root, 'target', 'release', 'cognate');
  const dataDir = mkdtempSync(join(tmpdir(), 'cognate-node-'));
  const outbox = join(dataDir, 'outbox.jsonl');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(binary, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir,
    '--outbox', outbox, '--config', join(root, 'cognate.toml')], {
    env: { ...process.env, COGNATE_PASSWORD_HASH: 'development', COGNATE_LOG: 'warn',
      COGNATE_ACCESS_KEY_ID: 'AKIANODECOGNATE00001', COGNATE_SECRET_ACCESS_KEY: 'node-secret', ...env },
    stdio: 'ignore',
  });
  process.on('exit', () => child.kill());
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () => child.kill(),
    /** The last message sent to (or about) `to`, as the outbox holds it. */
    lastMessage(to) {
      if (!existsSync(outbox)) throw new Error('no outbox yet');
      const messages = readFileSync(outbox, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const found = messages.reverse().find((m) => m.destination === to || m.username === to);
      if (!found) throw new Error(`no message to ${to}`);
      return found;
    },
    lastCode(to) {
      return this.lastMessage(to).code;
    },
    /** Calls a public Cognito action directly, as a check independent of the client library. */
    async call(action, body) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
  };
}
