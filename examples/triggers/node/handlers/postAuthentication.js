// PostAuthentication: records the sign-in (callback style, as older Lambda code is written).
exports.handler = (event, context, callback) => {
  console.log(`signed in ${event.userName}, new device: ${event.request.newDeviceUsed}`);
  callback(null, event);
};
