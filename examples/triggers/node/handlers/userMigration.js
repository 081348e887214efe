// UserMigration: users of the old system (a table here) move over on their first sign-in, or when
// they ask for a new password.
const legacy = { 'legacy@example.com': { password: 'Legacy-Password-1', name: 'Lee Gacy' } };

exports.handler = async (event) => {
  const user = legacy[event.userName];
  if (!user) throw new Error('User not found');
  if (event.triggerSource === 'UserMigration_Authentication' && event.request.password !== user.password) {
    throw new Error('Bad password');
  }
  event.response.userAttributes = { email: event.userName, email_verified: 'true', name: user.name };
  event.response.finalUserStatus = event.triggerSource === 'UserMigration_Authentication' ? 'CONFIRMED' : 'RESET_REQUIRED';
  event.response.messageAction = 'SUPPRESS';
  return event;
};
