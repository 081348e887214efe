import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { Amplify } from 'aws-amplify';
// Completes a sign-in on the hosted page when the browser comes back with ?code=...
import 'aws-amplify/auth/enable-oauth-listener';

import { config } from './config.js';
import { SessionProvider } from './session.jsx';
import App from './App.jsx';
import './styles.css';

// The hosted page sends the browser back here; the demo client registers
// http://localhost:3000/ and http://127.0.0.1:3000/ (cognate.toml).
const here = `${window.location.origin}/`;

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: config.userPoolId,
      userPoolClientId: config.clientId,
      userPoolEndpoint: config.cognitoEndpoint,
      loginWith: {
        email: true,
        oauth: {
          domain: config.hostedDomain,
          // The self-service scope lets the tokens read the user's attributes (GetUser).
          scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
          redirectSignIn: [here],
          redirectSignOut: [here],
          responseType: 'code',
        },
      },
    },
  },
});

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <App />
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
