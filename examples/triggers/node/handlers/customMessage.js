// CustomMessage: Cruddur's own words around the code ({####} must stay in).
exports.handler = async (event) => {
  const code = event.request.codeParameter;
  if (event.triggerSource === 'CustomMessage_SignUp') {
    event.response.emailSubject = 'Welcome to Cruddur';
    event.response.emailMessage = `Welcome to Cruddur! Your confirmation code is ${code}.`;
    event.response.smsMessage = `Cruddur code: ${code}`;
  }
  return event;
};
