// Sign in with email and password (Amplify's default SRP flow: the password never leaves the
// browser), without a password (choice-based USER_AUTH: a passkey, or a code by email), on
// Cognate's hosted page (OAuth code flow with PKCE through signInWithRedirect), through one of
// the pool's identity providers (the same redirect, naming the provider), or with the browser's
// Ethereum wallet (Sign-In with Ethereum through CUSTOM_AUTH).
// Errors are shown as Cognito words them; an unconfirmed account goes to Confirm; an account with a
// second factor goes on to its step (SecondFactor), then home.
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { confirmSignIn, signIn, signInWithRedirect } from 'aws-amplify/auth';

import { config } from '../config.js';
import { useSession } from '../session.jsx';
import { Errors, Field, FormCard, Notice, useFormAction } from '../components/Form.jsx';
import SecondFactor, { SECOND_FACTOR_STEPS } from '../components/SecondFactor.jsx';

export default function SigninPage() {
  const navigate = useNavigate();
  const { refresh } = useSession();
  const [params] = useSearchParams();
  const [email, setEmail] = useState(params.get('email') || '');
  const [password, setPassword] = useState('');
  const { errors, setErrors, busy, submit } = useFormAction();
  const [step, setStep] = useState(null);
  const done = async () => {
    await refresh();
    navigate('/');
  };
  const notice = params.get('confirmed')
    ? 'Your email is confirmed. Sign in to continue.'
    : params.get('reset')
      ? 'Your password was changed. Sign in with the new one.'
      : '';

  const onSubmit = submit(async () => {
    try {
      const { isSignedIn, nextStep } = await signIn({ username: email, password });
      if (nextStep.signInStep === 'CONFIRM_SIGN_UP') {
        navigate(`/confirm?email=${encodeURIComponent(email)}`);
        return;
      }
      if (!isSignedIn && SECOND_FACTOR_STEPS.includes(nextStep.signInStep)) {
        setStep(nextStep);
        return;
      }
      if (!isSignedIn) {
        setErrors(`This account needs a step this app does not support yet (${nextStep.signInStep}).`);
        return;
      }
    } catch (error) {
      // Already signed in (another tab): just go home.
      if (error.name !== 'UserAlreadyAuthenticatedException') throw error;
    }
    await done();
  });

  // Without a password: USER_AUTH preferring a passkey (Amplify runs the browser's WebAuthn
  // ceremony itself) or an emailed code (the code step follows). A factor this account cannot use
  // comes back as the choice of factors, which this page explains instead.
  const onPasswordless = (preferredChallenge) => submit(async () => {
    if (!email) {
      setErrors('Enter your email first.');
      return;
    }
    const { isSignedIn, nextStep } = await signIn({
      username: email,
      options: { authFlowType: 'USER_AUTH', preferredChallenge },
    });
    if (isSignedIn) {
      await done();
      return;
    }
    if (SECOND_FACTOR_STEPS.includes(nextStep.signInStep)) {
      setStep(nextStep);
      return;
    }
    if (nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION') {
      setErrors(preferredChallenge === 'WEB_AUTHN'
        ? 'This account has no passkey yet: sign in with your password, then add one on the Security page.'
        : 'This account cannot get a code by email: sign in with your password.');
      return;
    }
    setErrors(`This account needs a step this app does not support yet (${nextStep.signInStep}).`);
  })();

  // Sign-In with Ethereum: the browser's wallet (EIP-1193's window.ethereum) names its address,
  // Cognate answers with an EIP-4361 message for this site (Amplify's CUSTOM_WITHOUT_SRP), the
  // wallet signs it (personal_sign) and the signature is the answer. A wallet's first sign-in
  // makes its account.
  const onWallet = submit(async () => {
    const wallet = window.ethereum;
    if (!wallet) {
      setErrors('No Ethereum wallet in this browser: add one (such as MetaMask) to sign in with it.');
      return;
    }
    const [address] = await wallet.request({ method: 'eth_requestAccounts' });
    const { isSignedIn, nextStep } = await signIn({
      username: address,
      options: { authFlowType: 'CUSTOM_WITHOUT_SRP' },
    });
    if (!isSignedIn) {
      if (nextStep.signInStep !== 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE' || !nextStep.additionalInfo?.MESSAGE) {
        setErrors(`This account needs a step this app does not support yet (${nextStep.signInStep}).`);
        return;
      }
      const text = new TextEncoder().encode(nextStep.additionalInfo.MESSAGE);
      const hex = `0x${Array.from(text, (b) => b.toString(16).padStart(2, '0')).join('')}`;
      const signature = await wallet.request({ method: 'personal_sign', params: [hex, address] });
      const answered = await confirmSignIn({ challengeResponse: signature });
      if (!answered.isSignedIn) {
        setErrors(`This account needs a step this app does not support yet (${answered.nextStep.signInStep}).`);
        return;
      }
    }
    await done();
  });

  // `provider`: a pool's identity provider by name; none is the hosted page itself.
  const onHostedPage = async (provider) => {
    try {
      await signInWithRedirect(provider ? { provider: { custom: provider } } : undefined);
    } catch (error) {
      if (error.name === 'UserAlreadyAuthenticatedException') navigate('/');
      else setErrors(error.message);
    }
  };

  if (step) {
    return (
      <section className="card form-card">
        <h1>Confirm it is you</h1>
        <SecondFactor email={email} step={step} onStep={setStep} onDone={done} />
      </section>
    );
  }

  return (
    <FormCard
      title="Sign into your Cruddur account"
      onSubmit={onSubmit}
      footer={
        <>
          <p>
            <Link to="/forgot">Forgot password?</Link>
          </p>
          <p>
            Don&apos;t have an account? <Link to="/signup">Sign up!</Link>
          </p>
        </>
      }
    >
      <Notice message={notice} />
      <Field label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" />
      <Field label="Password" type="password" value={password} onChange={setPassword} autoComplete="current-password" />
      <Errors message={errors} />
      <button type="submit" className="button wide" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      <button type="button" className="button wide outline" onClick={() => onPasswordless('WEB_AUTHN')} disabled={busy}>
        Sign in with a passkey
      </button>
      <button type="button" className="button wide outline" onClick={() => onPasswordless('EMAIL_OTP')} disabled={busy}>
        Email me a code
      </button>
      <button type="button" className="button wide outline" onClick={onWallet} disabled={busy}>
        Sign in with a wallet
      </button>
      <button type="button" className="button wide outline" onClick={() => onHostedPage()}>
        Continue with the hosted page
      </button>
      {config.identityProviders.map((provider) => (
        <button key={provider} type="button" className="button wide outline" onClick={() => onHostedPage(provider)}>
          Sign in with {provider}
        </button>
      ))}
    </FormCard>
  );
}
