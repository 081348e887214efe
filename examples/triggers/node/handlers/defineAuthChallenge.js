// DefineAuthChallenge: a password first when the client starts with SRP (CUSTOM_WITH_SRP), then
// one question; a right answer signs the user in, three wrong ones end the sign-in.
exports.handler = async (event) => {
  const session = event.request.session;
  const last = session[session.length - 1];
  const wrong = session.filter((s) => s.challengeName === 'CUSTOM_CHALLENGE' && !s.challengeResult).length;
  const answer = event.response;
  if (last?.challengeName === 'SRP_A') {
    answer.challengeName = 'PASSWORD_VERIFIER';
  } else if (last?.challengeName === 'PASSWORD_VERIFIER' && !last.challengeResult) {
    answer.failAuthentication = true;
  } else if (last?.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult) {
    answer.issueTokens = true;
    answer.failAuthentication = false;
  } else if (wrong >= 3) {
    answer.issueTokens = false;
    answer.failAuthentication = true;
  } else {
    answer.challengeName = 'CUSTOM_CHALLENGE';
  }
  return event;
};
