// PreSignUp: people from example.com are confirmed and verified at once; a blocked domain is refused.
exports.handler = async (event) => {
  const email = event.request.userAttributes.email ?? '';
  if (email.endsWith('@blocked.example')) {
    throw new Error('Registration from this domain is not allowed.');
  }
  if (email.endsWith('@example.com') && event.triggerSource === 'PreSignUp_SignUp') {
    event.response.autoConfirmUser = true;
    event.response.autoVerifyEmail = true;
  }
  return event;
};
