// PreTokenGeneration V2_0: a tenant claim in both tokens, the user's plan in the access token, and
// an API scope for the access token.
exports.handler = async (event) => {
  const plan = event.request.userAttributes['custom:plan'] ?? 'free';
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: { tenant: 'cruddur' } },
      accessTokenGeneration: {
        claimsToAddOrOverride: { tenant: 'cruddur', plan },
        scopesToAdd: ['cruddur/activities.write'],
      },
    },
  };
  return event;
};
