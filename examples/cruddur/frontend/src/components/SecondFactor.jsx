// Every step Amplify's signIn can stop at after the password, and the next one until it is done:
// a code (authenticator app, text message, email), the choice among factors, and the set-up of
// an authenticator app (with its QR code) or of email codes in a pool that requires MFA. At a code
// step the user may ask to remember this browser (Amplify's rememberDevice), so that the next
// sign-in here skips the code.
import { useState } from 'react';
import { confirmSignIn, rememberDevice } from 'aws-amplify/auth';

import QrCode from './QrCode.jsx';
import { Errors, Field, useFormAction } from './Form.jsx';

const FACTOR_NAMES = { TOTP: 'Authenticator app', SMS: 'Text message', EMAIL: 'Email' };

/** The steps this component answers (Amplify's `nextStep.signInStep`). */
export const SECOND_FACTOR_STEPS = [
  'CONFIRM_SIGN_IN_WITH_TOTP_CODE', 'CONFIRM_SIGN_IN_WITH_SMS_CODE', 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE',
  'CONTINUE_SIGN_IN_WITH_MFA_SELECTION', 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP', 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP',
  'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION',
];

function prompt(step) {
  const sentTo = step.codeDeliveryDetails?.destination;
  switch (step.signInStep) {
    case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
      return 'Enter the six-digit code from your authenticator app.';
    case 'CONFIRM_SIGN_IN_WITH_SMS_CODE':
      return `We texted a code to ${sentTo}.`;
    case 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE':
      return `We emailed a code to ${sentTo}.`;
    case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP':
      return 'This account needs an authenticator app. Scan the code, then enter the six digits it shows.';
    case 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP':
      return 'This account needs sign-in codes by email. Where should they go?';
    default:
      return 'How do you want to confirm that it is you?';
  }
}

/** The code steps a remembered device can stand in for (Cognito: authenticator app and SMS). */
const REMEMBERABLE = ['CONFIRM_SIGN_IN_WITH_TOTP_CODE', 'CONFIRM_SIGN_IN_WITH_SMS_CODE'];

export default function SecondFactor({ email, step, onStep, onDone }) {
  const [answer, setAnswer] = useState('');
  const [remember, setRemember] = useState(false);
  const { errors, busy, submit } = useFormAction();
  const choosing = ['CONTINUE_SIGN_IN_WITH_MFA_SELECTION', 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION'];
  const choices = choosing.includes(step.signInStep) ? step.allowedMFATypes : null;
  const setupUri = step.totpSetupDetails?.getSetupUri('Cruddur', email).toString();

  const onSubmit = submit(async () => {
    const { isSignedIn, nextStep } = await confirmSignIn({ challengeResponse: answer.trim() });
    setAnswer('');
    if (!isSignedIn) {
      onStep(nextStep);
      return;
    }
    if (remember && REMEMBERABLE.includes(step.signInStep)) await rememberDevice();
    await onDone();
  });

  return (
    <form onSubmit={onSubmit} aria-label="Second factor">
      <p className="subtitle">{prompt(step)}</p>
      {setupUri && (
        <div className="totp-setup">
          <QrCode text={setupUri} label="QR code for your authenticator app" />
          <p className="hint">Key: <code data-testid="totp-secret">{step.totpSetupDetails.sharedSecret}</code></p>
        </div>
      )}
      {choices ? (
        <fieldset className="field">
          <legend>Sign-in method</legend>
          {choices.map((factor) => (
            <label key={factor} className="choice">
              <input type="radio" name="factor" value={factor} checked={answer === factor}
                onChange={() => setAnswer(factor)} required />
              {FACTOR_NAMES[factor] ?? factor}
            </label>
          ))}
        </fieldset>
      ) : step.signInStep === 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP' ? (
        <Field label="Email for codes" type="email" value={answer} onChange={setAnswer} autoComplete="email" />
      ) : (
        <Field label="Code" value={answer} onChange={setAnswer} autoComplete="one-time-code" inputMode="numeric"
          pattern="[0-9]{6}" maxLength={6} />
      )}
      {REMEMBERABLE.includes(step.signInStep) && (
        <label className="choice">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          Remember this device: don&apos;t ask for a code here again
        </label>
      )}
      <Errors message={errors} />
      <button type="submit" className="button wide" disabled={busy}>{busy ? 'Checking…' : 'Continue'}</button>
    </form>
  );
}
