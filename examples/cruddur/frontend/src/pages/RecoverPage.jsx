// Recover: a code is sent to the verified email; then the code and the new password, twice.
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { confirmResetPassword, resetPassword } from 'aws-amplify/auth';

import { Errors, Field, FormCard, Notice, useFormAction } from '../components/Form.jsx';

export default function RecoverPage() {
  const navigate = useNavigate();
  const [step, setStep] = useState('send');
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [passwordAgain, setPasswordAgain] = useState('');
  const { errors, setErrors, busy, submit } = useFormAction();

  const sendCode = submit(async () => {
    await resetPassword({ username: email });
    setStep('confirm');
  });

  const confirm = submit(async () => {
    if (password !== passwordAgain) {
      setErrors('Passwords do not match');
      return;
    }
    await confirmResetPassword({ username: email, confirmationCode: code.trim(), newPassword: password });
    navigate(`/signin?reset=1&email=${encodeURIComponent(email)}`);
  });

  const footer = (
    <p>
      Remembered it? <Link to="/signin">Sign in</Link>
    </p>
  );

  if (step === 'send') {
    return (
      <FormCard
        title="Recover your password"
        subtitle="Enter your email and we will send you a code to choose a new password."
        onSubmit={sendCode}
        footer={footer}
      >
        <Field label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" />
        <Errors message={errors} />
        <button type="submit" className="button wide" disabled={busy}>
          {busy ? 'Sending…' : 'Send recovery code'}
        </button>
      </FormCard>
    );
  }
  return (
    <FormCard
      title="Choose a new password"
      subtitle={`We sent a code to ${email}.`}
      onSubmit={confirm}
      footer={footer}
    >
      <Notice message="Check your email for the recovery code." />
      <Field label="Code" value={code} onChange={setCode} inputMode="numeric" autoComplete="one-time-code" />
      <Field label="New password" type="password" value={password} onChange={setPassword} autoComplete="new-password" />
      <Field
        label="Confirm password"
        type="password"
        value={passwordAgain}
        onChange={setPasswordAgain}
        autoComplete="new-password"
      />
      <Errors message={errors} />
      <button type="submit" className="button wide" disabled={busy}>
        {busy ? 'Saving…' : 'Reset password'}
      </button>
    </FormCard>
  );
}
