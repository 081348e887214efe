// The pieces every form page shares: a card with a title, labelled fields, and an error line
// that screen readers announce.
import { useId, useState } from 'react';

export function FormCard({ title, subtitle, onSubmit, children, footer }) {
  return (
    <section className="card form-card">
      <h1>{title}</h1>
      {subtitle && <p className="subtitle">{subtitle}</p>}
      <form onSubmit={onSubmit} noValidate={false}>
        {children}
      </form>
      {footer && <div className="form-footer">{footer}</div>}
    </section>
  );
}

export function Field({ label, value, onChange, type = 'text', autoComplete, hint, ...rest }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        autoComplete={autoComplete}
        onChange={(event) => onChange(event.target.value)}
        required
        {...rest}
      />
      {hint && <small className="hint">{hint}</small>}
    </div>
  );
}

export function Errors({ message }) {
  return (
    <div className="errors" role="alert" aria-live="assertive">
      {message}
    </div>
  );
}

export function Notice({ message }) {
  return message ? (
    <div className="notice" role="status">
      {message}
    </div>
  ) : null;
}

/**
 * A form's submit handler with the state every page needs: `busy` while the action runs, and the
 * error's message (as Cognito words it) when it fails.
 */
export function useFormAction() {
  const [errors, setErrors] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = (action) => async (event) => {
    event?.preventDefault();
    setErrors('');
    setBusy(true);
    try {
      await action();
    } catch (error) {
      setErrors(error.message);
    } finally {
      setBusy(false);
    }
  };
  return { errors, setErrors, busy, submit };
}
