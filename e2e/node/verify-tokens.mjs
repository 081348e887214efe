// Verifies tokens with AWS's aws-jwt-verify and prints each verdict, for the interop tests and the
// benchmark. Input (stdin, JSON): { kind: "rsa" | "cognito", issuer, jwksUri, userPoolId, jwks,
// clientId, tokenUse, tokens: { name: token } }. Output (stdout, JSON): { name: "ok" | error name }.
// "rsa" uses JwtRsaVerifier with its stock HTTPS fetcher (trust comes from NODE_EXTRA_CA_CERTS), or
// the given JWKS; with `bench: seconds` it verifies the first token repeatedly and prints the rate;
// "cognito" uses CognitoJwtVerifier, hard-wired to AWS's issuer, with the JWKS given by cacheJwks.
import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString());

function rsaVerifier() {
  return JwtRsaVerifier.create({
    issuer: input.issuer,
    jwksUri: input.jwksUri,
    audience: null,
    customJwtCheck: ({ payload }) => {
      const client = payload.token_use === 'id' ? payload.aud : payload.client_id;
      if (client !== input.clientId) throw new Error(`client ${client} is not accepted`);
      if (payload.token_use !== input.tokenUse) throw new Error(`token_use ${payload.token_use}`);
    },
  });
}

function cognitoVerifier() {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: input.userPoolId,
    tokenUse: input.tokenUse,
    clientId: input.clientId,
  });
  verifier.cacheJwks(input.jwks);
  return verifier;
}

const verifier = input.kind === 'cognito' ? cognitoVerifier() : rsaVerifier();
if (input.kind !== 'cognito') {
  if (input.jwks) {
    verifier.cacheJwks(input.jwks);
  } else {
    await verifier.hydrate();
  }
}

if (input.bench) {
  // Benchmark: verify one token repeatedly for the given number of seconds.
  const token = Object.values(input.tokens)[0];
  let count = 0;
  const started = process.hrtime.bigint();
  const budget = BigInt(Math.round(input.bench * 1e9));
  while (process.hrtime.bigint() - started < budget) {
    for (let i = 0; i < 100; i += 1) {
      await verifier.verify(token);
    }
    count += 100;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ per_second: count / seconds }));
} else {
  const verdicts = {};
  for (const [name, token] of Object.entries(input.tokens)) {
    try {
      await verifier.verify(token);
      verdicts[name] = 'ok';
    } catch (error) {
      verdicts[name] = error.constructor.name;
    }
  }
  process.stdout.write(JSON.stringify(verdicts));
}
