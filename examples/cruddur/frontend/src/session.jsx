// Who is signed in, read from Amplify's stored session: the display name and handle come from
// the user's attributes (the tutorial's `name` and `preferred_username`), or for a wallet's
// account from its address.
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { Hub } from 'aws-amplify/utils';
import { fetchUserAttributes, getCurrentUser, signOut } from 'aws-amplify/auth';

const SessionContext = createContext(null);

/** A wallet's account is named by its address and has no attributes: its short form stands in. */
function walletName(username) {
  return /^0x[0-9a-f]{40}$/.test(username) ? `${username.slice(0, 6)}…${username.slice(-4)}` : null;
}

async function loadUser() {
  try {
    const { username } = await getCurrentUser();
    const attributes = await fetchUserAttributes();
    const wallet = walletName(username);
    return {
      name: attributes.name || attributes.email || wallet || username,
      handle: attributes.preferred_username || attributes.email?.split('@')[0] || wallet || 'someone',
      email: attributes.email,
      wallet: wallet ? username : null,
    };
  } catch {
    return null;
  }
}

export function SessionProvider({ children }) {
  const [state, setState] = useState({ loading: true, user: null });

  const refresh = useCallback(async () => {
    const user = await loadUser();
    setState({ loading: false, user });
    return user;
  }, []);

  const signOutEverywhere = useCallback(async () => {
    // Global: Cognate revokes every refresh token of the user and the access tokens minted from them.
    // After a hosted sign-in Amplify then sends the browser through /logout, which ends the
    // hosted page's session too, and back here.
    await signOut({ global: true });
    setState({ loading: false, user: null });
  }, []);

  useEffect(() => {
    refresh();
    // Back from the hosted page: Amplify has exchanged the code for tokens.
    return Hub.listen('auth', ({ payload }) => {
      if (payload.event === 'signInWithRedirect') refresh();
    });
  }, [refresh]);

  return (
    <SessionContext.Provider value={{ ...state, refresh, signOut: signOutEverywhere }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession() {
  return useContext(SessionContext);
}
