// Confirm: the code sent to the email address, and a way to have it sent again.
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { confirmSignUp, resendSignUpCode } from 'aws-amplify/auth';

import { Errors, Field, FormCard, Notice, useFormAction } from '../components/Form.jsx';

export default function ConfirmationPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState(params.get('email') || '');
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState('');
  const { errors, setErrors, busy, submit } = useFormAction();

  const resend = submit(async () => {
    setNotice('');
    if (!email) {
      setErrors('Enter your email to have a new code sent.');
      return;
    }
    await resendSignUpCode({ username: email });
    setNotice('A new code is on its way to your email.');
  });

  const onSubmit = submit(async () => {
    setNotice('');
    await confirmSignUp({ username: email, confirmationCode: code.trim() });
    navigate(`/signin?confirmed=1&email=${encodeURIComponent(email)}`);
  });

  return (
    <FormCard
      title="Confirm your email"
      subtitle="We sent a code to your email address. Enter it here to activate your account."
      onSubmit={onSubmit}
      footer={
        <p>
          Didn&apos;t get it?{' '}
          <button type="button" className="link-button" onClick={resend}>
            Resend code
          </button>
        </p>
      }
    >
      <Field label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" />
      <Field label="Code" value={code} onChange={setCode} inputMode="numeric" autoComplete="one-time-code" />
      <Notice message={notice} />
      <Errors message={errors} />
      <button type="submit" className="button wide" disabled={busy}>
        {busy ? 'Confirming…' : 'Confirm email'}
      </button>
    </FormCard>
  );
}
