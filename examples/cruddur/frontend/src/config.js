// Where the app finds Cognate and its API. Build-time variables with the tutorial's names; the
// defaults are the demo pool of Cognate's cognate.toml and the ports examples/cruddur/run.sh uses.
const env = import.meta.env;

export const config = {
  userPoolId: env.REACT_APP_AWS_USER_POOLS_ID || 'us-east-1_cruddur01',
  clientId: env.REACT_APP_CLIENT_ID || 'cruddurwebclient0000000001',
  // Cognate's endpoint, handed to Amplify as `userPoolEndpoint` (Cognito needs none).
  cognitoEndpoint: env.REACT_APP_COGNITO_ENDPOINT || 'http://127.0.0.1:9229',
  // Cognate's HTTPS address (its second port), as Amplify's `oauth.domain`: Amplify sends the
  // browser to https://<domain>/oauth2/authorize and exchanges the code there.
  hostedDomain: env.REACT_APP_COGNITO_DOMAIN || 'localhost:9443',
  // The API's origin; empty means this page's own origin (the API behind the same nginx).
  backendUrl: env.REACT_APP_BACKEND_URL ?? 'http://127.0.0.1:4567',
  // The pool's identity providers the sign-in page offers (comma-separated names, as the web
  // client's SupportedIdentityProviders lists them); run.sh --upstream sets "Upstream".
  identityProviders: (env.REACT_APP_IDENTITY_PROVIDERS || '').split(',').map((p) => p.trim()).filter(Boolean),
};
