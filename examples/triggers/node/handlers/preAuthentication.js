// PreAuthentication: a sign-in whose ClientMetadata (validationData) says "maintenance" is turned away.
exports.handler = async (event) => {
  if (event.request.validationData?.maintenance === 'true') {
    throw new Error('Sign-in is paused for maintenance.');
  }
  return event;
};
