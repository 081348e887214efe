// PostConfirmation: welcomes the user (here, a log line; a real one writes a profile row).
exports.handler = async (event) => {
  console.log(`confirmed ${event.userName} (${event.triggerSource})`);
  return event;
};
