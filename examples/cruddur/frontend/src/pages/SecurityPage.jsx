// The account's second factors: set up an authenticator app (Amplify's setUpTOTP, shown as a QR
// code of its setup URI, then verifyTOTPSetup with the first code), choose the preferred factor,
// and turn factors off (updateMFAPreference); what is on comes from fetchMFAPreference. Below,
// the devices the account signed in on (fetchDevices), which can be forgotten (forgetDevice):
// a remembered one stops standing in for the code. Then the account's passkeys: added with
// associateWebAuthnCredential (the browser creates the key), listed, and removed.
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  associateWebAuthnCredential, deleteWebAuthnCredential, fetchDevices, fetchMFAPreference, forgetDevice,
  listWebAuthnCredentials, setUpTOTP, updateMFAPreference, verifyTOTPSetup,
} from 'aws-amplify/auth';

import QrCode from '../components/QrCode.jsx';
import { Errors, Field, Notice, useFormAction } from '../components/Form.jsx';
import { useSession } from '../session.jsx';

const NAMES = { TOTP: 'Authenticator app', SMS: 'Text message', EMAIL: 'Email' };
const KEYS = { TOTP: 'totp', SMS: 'sms', EMAIL: 'email' };

export default function SecurityPage() {
  const { user } = useSession();
  const [preference, setPreference] = useState(null);
  const [devices, setDevices] = useState(null);
  const [passkeys, setPasskeys] = useState(null);
  const [setup, setSetup] = useState(null);
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState('');
  const { errors, busy, submit } = useFormAction();

  const load = useCallback(async () => {
    setPreference(await fetchMFAPreference());
    setDevices(await fetchDevices());
  }, []);
  const loadPasskeys = useCallback(async () => {
    setPasskeys((await listWebAuthnCredentials()).credentials);
  }, []);
  useEffect(() => {
    if (user) load().catch(() => setPreference({ enabled: [] }));
    if (user) loadPasskeys().catch(() => setPasskeys([]));
  }, [user, load, loadPasskeys]);

  if (!user) {
    return <p className="card">Please <Link to="/signin">sign in</Link> to manage your account&apos;s security.</p>;
  }

  const startSetup = submit(async () => {
    const details = await setUpTOTP();
    setSetup({ secret: details.sharedSecret, uri: details.getSetupUri('Cruddur', user.email).toString() });
    setNotice('');
  });

  const finishSetup = submit(async () => {
    await verifyTOTPSetup({ code: code.trim(), options: { friendlyDeviceName: 'Cruddur' } });
    await updateMFAPreference({ totp: 'PREFERRED' });
    setSetup(null);
    setCode('');
    setNotice('Your authenticator app is set up: sign-ins will ask for its code.');
    await load();
  });

  const prefer = (factor) => submit(async () => {
    await updateMFAPreference({ [KEYS[factor]]: 'PREFERRED' });
    setNotice(`${NAMES[factor]} is now your preferred sign-in method.`);
    await load();
  })();

  const turnOff = (factor) => submit(async () => {
    await updateMFAPreference({ [KEYS[factor]]: 'DISABLED' });
    setNotice(`${NAMES[factor]} is turned off.`);
    await load();
  })();

  const forget = (device) => submit(async () => {
    await forgetDevice({ device: { id: device.id } });
    setNotice(`${device.name ?? 'The device'} is forgotten: signing in on it asks for a code again.`);
    await load();
  })();

  const addPasskey = submit(async () => {
    await associateWebAuthnCredential();
    setNotice('Your passkey is added: next time, choose "Sign in with a passkey".');
    await loadPasskeys();
  });

  const removePasskey = (passkey) => submit(async () => {
    await deleteWebAuthnCredential({ credentialId: passkey.credentialId });
    setNotice(`${passkey.friendlyCredentialName ?? 'The passkey'} is removed: it no longer signs you in.`);
    await loadPasskeys();
  })();

  // The demo pool binds passkeys to `localhost` (cognate.toml): on 127.0.0.1 the browser refuses.
  const passkeysHere = window.location.hostname === 'localhost';
  const enabled = preference?.enabled ?? [];
  return (
    <section className="card form-card">
      <h1>Security</h1>
      <p className="subtitle">A second factor keeps your account safe even if your password leaks.</p>
      <Notice message={notice} />
      {preference && (
        enabled.length === 0 ? <p data-testid="mfa-status">No second factor is on.</p> : (
          <ul className="factors" data-testid="mfa-status">
            {enabled.map((factor) => (
              <li key={factor}>
                <label className="choice">
                  <input type="radio" name="preferred" checked={preference.preferred === factor}
                    onChange={() => prefer(factor)} disabled={busy} />
                  {NAMES[factor] ?? factor}{preference.preferred === factor ? ' (preferred)' : ''}
                </label>
                <button type="button" className="button secondary" onClick={() => turnOff(factor)} disabled={busy}>
                  Turn off
                </button>
              </li>
            ))}
          </ul>
        )
      )}
      {setup ? (
        <form onSubmit={finishSetup} aria-label="Set up an authenticator app">
          <p>Scan this code with your authenticator app, then enter the six digits it shows.</p>
          <QrCode text={setup.uri} label="QR code for your authenticator app" />
          <p className="hint">Or type this key: <code data-testid="totp-secret">{setup.secret}</code></p>
          <Field label="Code" value={code} onChange={setCode} autoComplete="one-time-code" inputMode="numeric"
            pattern="[0-9]{6}" maxLength={6} />
          <Errors message={errors} />
          <button type="submit" className="button wide" disabled={busy}>Verify</button>
        </form>
      ) : (
        <>
          <Errors message={errors} />
          <button type="button" className="button wide" onClick={startSetup} disabled={busy}>
            {enabled.includes('TOTP') ? 'Set up a new authenticator app' : 'Set up an authenticator app'}
          </button>
        </>
      )}
      <h2>Passkeys</h2>
      <p className="hint">A passkey signs you in with your fingerprint, face or device PIN instead of a password.</p>
      {passkeys && passkeys.length > 0 && (
        <ul className="factors" data-testid="passkeys">
          {passkeys.map((passkey) => (
            <li key={passkey.credentialId}>
              <span>
                {passkey.friendlyCredentialName ?? 'Passkey'}
                {passkey.createdAt ? `, added ${passkey.createdAt.toLocaleDateString()}` : ''}
              </span>
              <button type="button" className="button secondary" onClick={() => removePasskey(passkey)} disabled={busy}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {passkeysHere ? (
        <button type="button" className="button wide" onClick={addPasskey} disabled={busy}>Add a passkey</button>
      ) : (
        <p className="hint">Open Cruddur at http://localhost:3000 to add a passkey.</p>
      )}
      {devices && devices.length > 0 && (
        <>
          <h2>Devices</h2>
          <ul className="factors" data-testid="devices">
            {devices.map((device) => (
              <li key={device.id}>
                <span>
                  {device.name ?? 'Unnamed device'}
                  {device.attributes['dev:device_remembered_status'] === 'remembered' ? ' (remembered)' : ''}
                </span>
                <button type="button" className="button secondary" onClick={() => forget(device)} disabled={busy}>
                  Forget
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
