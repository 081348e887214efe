// Starts examples/cruddur/run.sh on free ports with a fresh data directory and outbox, waits for
// "Cruddur is ready", and stops it with SIGINT as Ctrl-C would.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const root = resolve(here, '..', '..', '..');

export function freePort() {
  return new Promise((ok) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

/** Whether something accepts connections on a loopback port. */
export function listening(port) {
  return new Promise((ok) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); ok(true); });
    socket.once('error', () => ok(false));
  });
}

/** `frontendPort`: the hosted page's journey needs a registered callback (port 3000);
 * `upstream`: also the second Cognate as the pool's identity provider (run.sh --upstream). */
export async function startExample({ gateway = false, frontendPort, upstream = false } = {}) {
  const runDir = mkdtempSync(join(tmpdir(), 'cruddur-'));
  const ports = {
    FRONTEND_PORT: frontendPort ?? await freePort(),
    COGNATE_TLS_PORT: await freePort(),
    BACKEND_PORT: await freePort(),
    COGNATE_PORT: await freePort(),
    GATE_PORT: await freePort(),
    UPSTREAM_PORT: await freePort(),
    TRIGGERS_PORT: await freePort(),
  };
  const outbox = join(runDir, 'outbox.jsonl');
  const upstreamOutbox = join(runDir, 'upstream-outbox.jsonl');
  const env = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    COGNATE_OUTBOX: outbox,
    UPSTREAM_OUTBOX: upstreamOutbox,
    CRUDDUR_RUN_DIR: runDir,
    CRUDDUR_BIN_DIR: process.env.CRUDDUR_BIN_DIR ?? join(root, 'target', 'release'),
    COGNATE_PASSWORD_HASH: 'development',
  };
  const args = [...(gateway ? ['--gateway'] : []), ...(upstream ? ['--upstream'] : [])];
  const child = spawn(join(root, 'examples', 'cruddur', 'run.sh'), args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.on('exit', () => child.kill('SIGINT'));
  let output = '';
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`run.sh did not get ready:\n${output}`)), 180_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const ready = /Cruddur is ready at (\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        ok(ready[1]);
      }
    });
    exited.then(({ code }) => fail(new Error(`run.sh exited with ${code}:\n${output}`)));
  });
  return {
    url,
    ports,
    runDir,
    output: () => output,
    /** The code of the newest message to `email` in Cognate's outbox (or the upstream's). */
    lastCode(email, { fromUpstream = false } = {}) {
      const file = fromUpstream ? upstreamOutbox : outbox;
      if (!existsSync(file)) throw new Error('no outbox yet');
      const messages = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      const found = messages.reverse().find((m) => m.destination === email);
      if (!found) throw new Error(`no message to ${email}`);
      return found.code;
    },
    /** Ctrl-C: resolves with how run.sh exited. */
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
  };
}
