import { Link, NavLink, Route, Routes, useNavigate } from 'react-router-dom';

import { useSession } from './session.jsx';
import HomeFeedPage from './pages/HomeFeedPage.jsx';
import SignupPage from './pages/SignupPage.jsx';
import ConfirmationPage from './pages/ConfirmationPage.jsx';
import SigninPage from './pages/SigninPage.jsx';
import RecoverPage from './pages/RecoverPage.jsx';
import SecurityPage from './pages/SecurityPage.jsx';

function Header() {
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const onSignOut = async () => {
    await signOut();
    navigate('/');
  };
  return (
    <header className="site-header">
      <Link to="/" className="brand" aria-label="Cruddur home">
        <span className="brand-mark" aria-hidden="true">C</span> Cruddur
      </Link>
      <nav aria-label="Account">
        {user ? (
          <>
            <span className="whoami">{user.name}</span>
            <NavLink to="/security" className="nav-link">Security</NavLink>
            <button type="button" className="button secondary" onClick={onSignOut}>
              Sign out
            </button>
          </>
        ) : (
          <>
            <NavLink to="/signin" className="nav-link">Sign in</NavLink>
            <NavLink to="/signup" className="button">Sign up</NavLink>
          </>
        )}
      </nav>
    </header>
  );
}

export default function App() {
  return (
    <>
      <Header />
      <main className="content">
        <Routes>
          <Route path="/" element={<HomeFeedPage />} />
          <Route path="/signup" element={<SignupPage />} />
          <Route path="/confirm" element={<ConfirmationPage />} />
          <Route path="/signin" element={<SigninPage />} />
          <Route path="/forgot" element={<RecoverPage />} />
          <Route path="/security" element={<SecurityPage />} />
          <Route path="*" element={<p className="card">Nothing here. <Link to="/">Back home</Link></p>} />
        </Routes>
      </main>
    </>
  );
}
