import { useEffect, useState, type ReactNode } from 'react';
import type { Permissions, UserView } from '@ensemble/contracts';
import { AdminPage } from './admin-page.js';
import { api } from './api.js';
import { Link } from './link.js';
import { navigate, usePath } from './router.js';
import { AuthPage } from './auth-page.js';
import { JoinPage } from './join-page.js';
import { OpsPage } from './ops-page.js';
import { RoomsPage } from './rooms-page.js';

export function App() {
  const path = usePath();
  const [user, setUser] = useState<UserView | null | undefined>(undefined);
  const [permissions, setPermissions] = useState<Permissions | null>(null);

  // Who is signed in, and what their role allows (the admin area's link and page).
  useEffect(() => {
    if (user === null) return setPermissions(null);
    api.me().then(
      (me) => {
        setPermissions(me.permissions);
        if (user === undefined) setUser(me.user);
      },
      () => {
        if (user === undefined) setUser(null);
      },
    );
  }, [user]);
  const admin = !!permissions && (permissions.manageUsers || permissions.manageRooms || permissions.manageSiteSettings);

  const signOut = async () => {
    await api.logout().catch(() => undefined);
    setUser(null);
    navigate('/login');
  };

  const join = /^\/j\/([^/]+)$/.exec(path);
  // Operators sign in with the ops token, not an account.
  const ops = path === '/ops' || path === '/ops/';
  let page: ReactNode;
  if (join) page = <JoinPage token={join[1]!} />;
  else if (ops) page = <OpsPage />;
  else if (user === undefined) page = <p aria-busy="true">Loading…</p>;
  else if (path === '/login' || path === '/register' || !user) {
    if (user && (path === '/login' || path === '/register')) {
      navigate('/rooms');
      return null;
    }
    page = (
      <AuthPage
        mode={path === '/register' ? 'register' : 'login'}
        onSignedIn={(u) => {
          setUser(u);
          navigate('/rooms');
        }}
      />
    );
  } else if ((path === '/admin' || path === '/admin/') && permissions) page = <AdminPage permissions={permissions} />;
  else page = <RoomsPage user={user} />;

  return (
    <>
      <header className="bar">
        <Link to={user ? '/rooms' : '/'}>
          <strong>Ensemble</strong>
        </Link>
        <nav aria-label="Account">
          {user ? (
            <>
              <Link to="/rooms">My rooms</Link>
              {admin && <Link to="/admin">Administration</Link>}
              <button type="button" className="link" onClick={() => void signOut()}>
                Sign out
              </button>
            </>
          ) : join || ops ? null : (
            <>
              <Link to="/login">Sign in</Link>
              <Link to="/register">Sign up</Link>
            </>
          )}
        </nav>
      </header>
      <main className={ops ? 'wide' : undefined}>{page}</main>
    </>
  );
}
