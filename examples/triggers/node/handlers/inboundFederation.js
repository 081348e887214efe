// InboundFederation: every sign-in through an identity provider, before the user is made or
// updated. Keeps the provider's claims but lower-cases the email and drops oversized claims, so
// that the provider's AttributeMapping reads tidy values. Returning {} would keep them all.
exports.handler = async (event) => {
  const { idToken = {}, userInfo = {} } = event.request.attributes;
  const claims = { ...idToken, ...userInfo };
  const kept = {};
  for (const [name, value] of Object.entries(claims)) {
    if (typeof value === 'string' && value.length <= 2048) kept[name] = value;
  }
  if (kept.email) kept.email = kept.email.toLowerCase();
  event.response.userAttributesToMap = kept;
  return event;
};
