// Serves Lambda trigger handlers to Cognate, unchanged: POST /<function> runs the `handler`
// exported by <handlers>/<function>.js (or .mjs, .cjs) with the event Cognate sent, and answers
// with the event the handler returns. Calls are checked first: X-Cognate-Signature must be
// v1=HMAC-SHA256(secret, "<X-Cognate-Timestamp>.<body>") and the timestamp within 5 minutes.
//
//   COGNATE_TRIGGER_SECRET=... node server.mjs [--port 3001] [--handlers ./handlers]
//
// A handler may be async (return the event), or take a callback (event, context, callback).
// A thrown error or callback(error) is answered as Lambda's error body, {"errorMessage", "errorType"},
// which Cognate reports as UserLambdaValidationException ("<Trigger> failed with error <message>.").
import { createHmac, timingSafeEqual, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const MAX_SKEW_SECONDS = 300;
const MAX_BODY_BYTES = 1024 * 1024;

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

/** Whether the call carries this server's signature over its timestamp and body, and is fresh. */
export function signedBy(secret, headers, body, now = Math.floor(Date.now() / 1000)) {
  const timestamp = headers['x-cognate-timestamp'] ?? '';
  const presented = Buffer.from(headers['x-cognate-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > MAX_SKEW_SECONDS) return false;
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  const expected = Buffer.from(`v1=${mac}`);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** The handler of `name` in `dir`, loaded once. */
const loaded = new Map();
async function handlerOf(dir, name) {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return null;
  if (!loaded.has(name)) {
    const file = ['.js', '.mjs', '.cjs'].map((ext) => join(dir, name + ext)).find(existsSync);
    if (!file) return null;
    const module = await import(pathToFileURL(file).href);
    loaded.set(name, module.handler ?? module.default?.handler ?? null);
  }
  return loaded.get(name);
}

/** Runs a handler as Lambda does: a promise, or a callback, whichever comes first. */
function invoke(handler, event, name) {
  const started = Date.now();
  const context = {
    functionName: name,
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => Math.max(0, 5000 - (Date.now() - started)),
    callbackWaitsForEmptyEventLoop: true,
  };
  return new Promise((ok, fail) => {
    const callback = (error, result) => (error ? fail(error) : ok(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then(ok, fail);
    } catch (error) {
      fail(error);
    }
  });
}

export function serve({ secret, handlers, port = 0, host = '127.0.0.1' }) {
  const server = createServer((request, response) => {
    const answer = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (request.method !== 'POST') return answer(405, { message: 'POST only' });
      if (!signedBy(secret, request.headers, body)) return answer(401, { message: 'not signed by Cognate' });
      const name = decodeURIComponent(new URL(request.url, 'http://x').pathname.slice(1));
      const handler = await handlerOf(handlers, name).catch(() => null);
      if (!handler) return answer(404, { message: `no handler ${name}` });
      try {
        const event = JSON.parse(body.toString('utf8'));
        // Returning nothing is an error on Cognito too ("Invalid JSON"): send what came back.
        answer(200, await invoke(handler, event, name));
      } catch (error) {
        answer(400, { errorMessage: String(error?.message ?? error), errorType: error?.name ?? 'Error' });
      }
    });
  });
  return new Promise((ok) => server.listen(port, host, () => ok(server)));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const secret = process.env.COGNATE_TRIGGER_SECRET;
  if (!secret) {
    console.error('set COGNATE_TRIGGER_SECRET (the [triggers] secret of cognate.toml)');
    process.exit(2);
  }
  const handlers = resolve(option('handlers', join(import.meta.dirname, 'handlers')));
  const server = await serve({ secret, handlers, port: Number(option('port', 3001)) });
  console.log(`serving the handlers in ${handlers} on http://127.0.0.1:${server.address().port}/<function>`);
}
