// Sign up: name, email, username (the handle) and password. The pool signs in by email, so the
// email is the Cognito username and the handle is `preferred_username`, as in the tutorial.
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { signUp } from 'aws-amplify/auth';

import { Errors, Field, FormCard, useFormAction } from '../components/Form.jsx';

export default function SignupPage() {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { errors, busy, submit } = useFormAction();

  const onSubmit = submit(async () => {
    await signUp({
      username: email,
      password,
      options: { userAttributes: { name, email, preferred_username: username } },
    });
    navigate(`/confirm?email=${encodeURIComponent(email)}`);
  });

  return (
    <FormCard
      title="Sign up to create a Cruddur account"
      onSubmit={onSubmit}
      footer={
        <p>
          Have an account? <Link to="/signin">Sign in!</Link>
        </p>
      }
    >
      <Field label="Name" value={name} onChange={setName} autoComplete="name" />
      <Field label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" />
      <Field
        label="Username"
        value={username}
        onChange={setUsername}
        autoComplete="username"
        hint="Your handle, shown as @username"
      />
      <Field
        label="Password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        hint="At least 8 characters with upper and lower case letters, a number and a symbol"
      />
      <Errors message={errors} />
      <button type="submit" className="button wide" disabled={busy}>
        {busy ? 'Signing up…' : 'Sign up'}
      </button>
    </FormCard>
  );
}
