// The demo pool's PreTokenGeneration trigger (V2_0), Lambda code as it would run on AWS, served
// to Cognate by examples/triggers/node/server.mjs: both tokens carry `cruddur_handle`, the user's
// handle — the preferred_username attribute, else the email's name, else (a wallet's account,
// which has no attributes) the short form of the wallet's address.
const WALLET = /^0x[0-9a-f]{40}$/;

function handleOf(event) {
  const attributes = event.request.userAttributes;
  if (attributes.preferred_username) return attributes.preferred_username;
  if (attributes.email) return attributes.email.split('@')[0];
  const name = event.userName;
  return WALLET.test(name) ? `${name.slice(0, 6)}…${name.slice(-4)}` : name;
}

exports.handler = async (event) => {
  const claims = { cruddur_handle: handleOf(event) };
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: claims },
      accessTokenGeneration: { claimsToAddOrOverride: claims },
    },
  };
  return event;
};
