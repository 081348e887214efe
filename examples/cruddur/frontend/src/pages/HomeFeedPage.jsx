// Home: the public feed for everyone; for a signed-in user also their profile (from their
// attributes), a box to post a crud, and their own cruds from the protected API call.
import { useCallback, useEffect, useId, useState } from 'react';
import { Link } from 'react-router-dom';

import { api } from '../api.js';
import { useSession } from '../session.jsx';
import { Errors, useFormAction } from '../components/Form.jsx';

function timeAgo(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

function Activity({ activity }) {
  return (
    <li className="activity">
      <div className="avatar" aria-hidden="true">
        {(activity.display_name || activity.handle || '?').slice(0, 1).toUpperCase()}
      </div>
      <div className="activity-body">
        <p className="activity-meta">
          <strong>{activity.display_name}</strong> <span className="handle">@{activity.handle}</span>{' '}
          <span className="muted">· {timeAgo(activity.created_at)}</span>
        </p>
        <p className="activity-message">{activity.message}</p>
      </div>
    </li>
  );
}

function Compose({ user, onPosted }) {
  const id = useId();
  const [message, setMessage] = useState('');
  const { errors, busy, submit } = useFormAction();
  const onSubmit = submit(async () => {
    await api('/api/activities', {
      method: 'POST',
      auth: true,
      body: { message, handle: user.handle, display_name: user.name },
    });
    setMessage('');
    onPosted();
  });
  return (
    <form className="compose" onSubmit={onSubmit}>
      <label htmlFor={id}>Crud</label>
      <textarea
        id={id}
        value={message}
        maxLength={280}
        placeholder="What would you like to say?"
        onChange={(event) => setMessage(event.target.value)}
        required
      />
      <div className="compose-actions">
        <span className="muted">{280 - message.length} characters left</span>
        <button type="submit" className="button" disabled={busy}>Crud</button>
      </div>
      <Errors message={errors} />
    </form>
  );
}

export default function HomeFeedPage() {
  const { loading, user } = useSession();
  const [feed, setFeed] = useState([]);
  const [feedError, setFeedError] = useState('');
  const [mine, setMine] = useState(null);
  const [mineError, setMineError] = useState('');

  const loadFeed = useCallback(async () => {
    try {
      setFeed((await api('/api/activities/home')).activities);
      setFeedError('');
    } catch (error) {
      setFeedError(error.message);
    }
  }, []);

  const loadMine = useCallback(async () => {
    try {
      setMine(await api('/api/activities/me', { auth: true }));
      setMineError('');
    } catch (error) {
      setMine(null);
      setMineError(error.message);
    }
  }, []);

  useEffect(() => {
    loadFeed();
  }, [loadFeed]);

  useEffect(() => {
    if (user) loadMine();
    else setMine(null);
  }, [user, loadMine]);

  const posted = () => {
    loadFeed();
    loadMine();
  };

  return (
    <div className="home">
      <aside className="sidebar">
        {loading ? null : user ? (
          <section className="card profile" aria-label="Your profile">
            <div className="avatar large" aria-hidden="true">{user.name.slice(0, 1).toUpperCase()}</div>
            <h2 className="display-name">{user.name}</h2>
            <p className="handle">@{user.handle}</p>
            <p className="muted small">{user.email || user.wallet}</p>
          </section>
        ) : (
          <section className="card join">
            <h2>Join the party!</h2>
            <p>Cruddur is micro-blogging for the ephemeral: say what you like, it is gone tomorrow.</p>
            <Link to="/signup" className="button wide">Sign up</Link>
            <p className="small">
              Have an account? <Link to="/signin">Sign in</Link>
            </p>
          </section>
        )}
      </aside>

      <div className="feed-column">
        {user && (
          <section className="card" aria-labelledby="yours">
            <h2 id="yours">Your cruds</h2>
            <Compose user={user} onPosted={posted} />
            <Errors message={mineError} />
            {mine && (
              <>
                <p className="verified" data-testid="verified">
                  The API verified your access token with {mine.verified_by} as user {mine.username}
                  {mine.groups.length ? ` (groups: ${mine.groups.join(', ')})` : ''}
                  {mine.handle ? `, whose handle claim (added by the pool's trigger) is @${mine.handle}` : ''}.
                </p>
                {mine.activities.length ? (
                  <ul className="activities">
                    {mine.activities.map((a) => (
                      <Activity key={a.uuid} activity={a} />
                    ))}
                  </ul>
                ) : (
                  <p className="muted">You have not crudded yet.</p>
                )}
              </>
            )}
          </section>
        )}

        <section className="card" aria-labelledby="home-feed">
          <h1 id="home-feed">Home</h1>
          <Errors message={feedError} />
          <ul className="activities">
            {feed.map((a) => (
              <Activity key={a.uuid} activity={a} />
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
