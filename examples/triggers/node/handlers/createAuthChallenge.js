// CreateAuthChallenge: a sum to work out; the answer stays private, for the verifier.
const crypto = require('node:crypto');

exports.handler = async (event) => {
  const a = crypto.randomInt(2, 10);
  const b = crypto.randomInt(2, 10);
  event.response.publicChallengeParameters = { question: `What is ${a} + ${b}?` };
  event.response.privateChallengeParameters = { answer: String(a + b) };
  event.response.challengeMetadata = `SUM-${a}-${b}`;
  return event;
};
