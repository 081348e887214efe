// Wallet sign-in (Sign-In with Ethereum) on the demo pool, whose cognate.toml turns it on:
// ethers wallets sign the EIP-4361 message Cognate issues, the `siwe` package parses and checks
// it, aws-amplify v6 (CUSTOM_WITHOUT_SRP + confirmSignIn) and amazon-cognito-identity-js
// (sendCustomChallengeAnswer) sign in with it, aws-jwt-verify checks the tokens, and the AWS SDK
// for JavaScript sends the forgeries and replays that must be refused.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import {
  CognitoIdentityProviderClient, InitiateAuthCommand, RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Wallet } from 'ethers';
import { SiweMessage } from 'siwe';
import { startCognate, DEMO_POOL, DEMO_CLIENT } from './server.js';

const cognate = await startCognate();
after(() => cognate.stop());
Amplify.configure({
  Auth: { Cognito: { userPoolId: DEMO_POOL, userPoolClientId: DEMO_CLIENT, userPoolEndpoint: cognate.url } },
});
const sdk = new CognitoIdentityProviderClient({
  region: 'us-east-1', endpoint: cognate.url, maxAttempts: 1,
  credentials: { accessKeyId: 'AKIANODECOGNATE00001', secretAccessKey: 'node-secret' },
});

/** InitiateAuth CUSTOM_AUTH through the SDK: the session and the message to sign. */
async function challenge(address) {
  const started = await sdk.send(new InitiateAuthCommand({
    ClientId: DEMO_CLIENT, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: address },
  }));
  assert.equal(started.ChallengeName, 'CUSTOM_CHALLENGE');
  return { session: started.Session, message: started.ChallengeParameters.MESSAGE };
}

const answer = (address, session, signature) => sdk.send(new RespondToAuthChallengeCommand({
  ClientId: DEMO_CLIENT, ChallengeName: 'CUSTOM_CHALLENGE', Session: session,
  ChallengeResponses: { USERNAME: address, ANSWER: signature },
}));

test('an ethers wallet signs in with Amplify, the siwe package reading and checking the message', async () => {
  const wallet = Wallet.createRandom();
  const started = await signIn({ username: wallet.address, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  assert.equal(started.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  const info = started.nextStep.additionalInfo;

  const message = new SiweMessage(info.MESSAGE);
  assert.equal(message.domain, 'localhost:3000');
  assert.equal(message.address, wallet.address, 'the EIP-55 form');
  assert.equal(message.uri, 'http://localhost:3000/');
  assert.equal(message.version, '1');
  assert.equal(message.chainId, 1);
  assert.equal(message.statement, 'Sign in to Cruddur with your Ethereum account.');
  assert.equal(message.nonce, info.NONCE);
  const issued = Date.parse(message.issuedAt);
  assert.ok(Math.abs(issued - Date.now()) < 60_000, message.issuedAt);
  assert.ok(Date.parse(message.expirationTime) > issued);
  assert.equal(message.prepareMessage(), info.MESSAGE, 'siwe writes the same text back');

  const signature = await wallet.signMessage(info.MESSAGE);
  // siwe's own verification agrees with Cognate's before Cognate sees the answer.
  const checked = await message.verify({ signature, domain: 'localhost:3000', nonce: info.NONCE });
  assert.equal(checked.success, true);

  const done = await confirmSignIn({ challengeResponse: signature });
  assert.equal(done.isSignedIn, true);
  const { tokens } = await fetchAuthSession();
  const jwksUri = `${cognate.url}/${DEMO_POOL}/.well-known/jwks.json`;
  const verifier = JwtRsaVerifier.create({ issuer: `${cognate.url}/${DEMO_POOL}`, audience: DEMO_CLIENT, jwksUri });
  verifier.cacheJwks(await (await fetch(jwksUri)).json());
  const id = await verifier.verify(tokens.idToken.toString());
  assert.equal(id['cognito:username'], wallet.address.toLowerCase());
  await signOut();
});

test('amazon-cognito-identity-js signs the same wallet in as the same user', async () => {
  const wallet = Wallet.createRandom();
  const first = await challenge(wallet.address);
  const made = await answer(wallet.address, first.session, await wallet.signMessage(first.message));
  const sub = JSON.parse(Buffer.from(made.AuthenticationResult.IdToken.split('.')[1], 'base64url')).sub;

  const pool = new CognitoUserPool({ UserPoolId: DEMO_POOL, ClientId: DEMO_CLIENT, endpoint: cognate.url });
  const user = new CognitoUser({ Username: wallet.address, Pool: pool });
  user.setAuthenticationFlowType('CUSTOM_AUTH');
  const session = await new Promise((ok, fail) => {
    const callbacks = {
      onSuccess: ok,
      onFailure: fail,
      customChallenge: async (parameters) => {
        user.sendCustomChallengeAnswer(await wallet.signMessage(parameters.MESSAGE), callbacks);
      },
    };
    user.initiateAuth(new AuthenticationDetails({ Username: wallet.address }), callbacks);
  });
  assert.equal(session.getIdToken().decodePayload().sub, sub);
});

test('another wallet, another domain or chain, and a replayed signature are refused', async () => {
  const wallet = Wallet.createRandom();
  const stranger = Wallet.createRandom();
  const notTheWallets = (e) => e.name === 'NotAuthorizedException' && /not the wallet's/.test(e.message);

  let step = await challenge(wallet.address);
  await assert.rejects(answer(wallet.address, step.session, await stranger.signMessage(step.message)), notTheWallets);

  // The same nonce in a message for a phishing site's domain, or for another chain, signed by
  // the right wallet: siwe writes the changed messages, and Cognate refuses their signatures.
  for (const change of [{ domain: 'evil.example' }, { chainId: 5 }]) {
    step = await challenge(wallet.address);
    const altered = Object.assign(new SiweMessage(step.message), change).prepareMessage();
    assert.notEqual(altered, step.message);
    await assert.rejects(answer(wallet.address, step.session, await wallet.signMessage(altered)), notTheWallets);
  }

  step = await challenge(wallet.address);
  const signature = await wallet.signMessage(step.message);
  const signedIn = await answer(wallet.address, step.session, signature);
  assert.ok(signedIn.AuthenticationResult.AccessToken);
  await assert.rejects(answer(wallet.address, step.session, signature),
    (e) => e.name === 'NotAuthorizedException' && e.message === 'Invalid session for the user, session can only be used once.');
  const fresh = await challenge(wallet.address);
  await assert.rejects(answer(wallet.address, fresh.session, signature), notTheWallets);
});
