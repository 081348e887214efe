// VerifyAuthChallengeResponse: right when the answer is the sum.
exports.handler = async (event) => {
  event.response.answerCorrect = event.request.challengeAnswer.trim() === event.request.privateChallengeParameters.answer;
  return event;
};
