import { useEffect, useState, type FormEvent } from 'react';
import { OIDC_ERROR_MESSAGES, type AuthMethods, type UserView } from '@ensemble/contracts';
import { api, explain } from './api.js';
import { Link } from './link.js';
import { formText } from './form.js';
import { ErrorLine } from './error-line.js';

/** Why the identity provider's sign-in came back refused (`/login?error=oidc-…`), in words. */
function providerError(): string {
  const code = new URLSearchParams(window.location.search).get('error');
  return code && code in OIDC_ERROR_MESSAGES ? OIDC_ERROR_MESSAGES[code as keyof typeof OIDC_ERROR_MESSAGES] : '';
}

/**
 * Sign in, or sign up (email, password, name); with the site's identity provider when it
 * has one (decision 120), and only with it when local accounts are switched off.
 */
export function AuthPage(props: { mode: 'login' | 'register'; onSignedIn: (u: UserView) => void }) {
  const register = props.mode === 'register';
  const [error, setError] = useState(providerError);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [methods, setMethods] = useState<AuthMethods | null>(null);

  useEffect(() => {
    api.methods().then(setMethods, () => setMethods(null));
  }, []);
  const local = methods?.local ?? true;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const email = formText(f, 'email');
    const password = formText(f, 'password');
    setBusy(true);
    setError('');
    try {
      const user = register
        ? await api.register(email, password, formText(f, 'name'))
        : await api.login(email, password);
      if (user === 'pending') {
        setNotice('Your account is made. An administrator must approve it before you can sign in.');
        return;
      }
      props.onSignedIn(user);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card narrow">
      <h1>{register ? 'Create your account' : 'Sign in'}</h1>
      {methods?.oidc && (
        <p>
          {/* A link: a full navigation to the provider, reachable and followed with the keyboard. */}
          <a className="button" href={methods.oidc.startUrl}>
            Sign in with {methods.oidc.displayName}
          </a>
        </p>
      )}
      {!local && <ErrorLine error={error} />}
      {local && (
        <form onSubmit={(e) => void submit(e)}>
          {register && (
            <label>
              Your name
              <input name="name" autoComplete="name" required maxLength={100} />
            </label>
          )}
          <label>
            Email
            <input name="email" type="email" autoComplete="email" required maxLength={254} />
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              autoComplete={register ? 'new-password' : 'current-password'}
              required
              minLength={register ? 8 : 1}
              maxLength={200}
            />
            {register && <small>At least 8 characters.</small>}
          </label>
          <ErrorLine error={error} />
          {notice && <p role="status">{notice}</p>}
          <button type="submit" disabled={busy}>
            {register ? 'Sign up' : 'Sign in'}
          </button>
        </form>
      )}
      {local && (
        <p>
          {register ? (
            <>
              Already have an account? <Link to="/login">Sign in</Link>
            </>
          ) : (
            <>
              New here? <Link to="/register">Create an account</Link>
            </>
          )}
        </p>
      )}
    </section>
  );
}
