import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError } from './api.js';
import { OPERATOR_PATTERN, OpsClient, explainOps, type Cluster } from './ops-api.js';
import { OpsDashboard } from './ops-dashboard.js';
import { formText } from './form.js';
import { ErrorLine } from './error-line.js';

/** Where the token is kept: this tab only, gone when it closes; never in a URL. */
const STORAGE_KEY = 'ensemble.ops';

interface Session {
  token: string;
  operator: string;
}

function saved(): Session | null {
  try {
    const s = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Session> | null;
    return typeof s?.token === 'string'
      ? { token: s.token, operator: typeof s.operator === 'string' ? s.operator : '' }
      : null;
  } catch {
    return null;
  }
}

/** `/ops`: sign in with the ops token, then the fleet dashboard. */
export function OpsPage() {
  const [session, setSession] = useState<Session | null>(saved);
  const [first, setFirst] = useState<Cluster | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const client = useMemo(() => (session ? new OpsClient(session.token, session.operator) : null), [session]);

  const signOut = (why = '') => {
    window.sessionStorage.removeItem(STORAGE_KEY);
    setSession(null);
    setFirst(null);
    setError(why);
  };

  // A token kept from earlier in this tab: check it still works.
  useEffect(() => {
    if (!client || first) return;
    client.cluster().then(setFirst, (e: unknown) => {
      if (e instanceof ApiError && e.code === 'unauthorized') signOut('The saved ops token is no longer accepted.');
      else setError(explainOps(e));
    });
  }, [client, first]);

  const signIn = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const next = { token: formText(f, 'token').trim(), operator: formText(f, 'operator').trim() };
    setBusy(true);
    setError('');
    try {
      const cluster = await new OpsClient(next.token, next.operator).cluster();
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      setFirst(cluster);
      setSession(next);
    } catch (err) {
      setError(
        err instanceof ApiError && err.code === 'unauthorized'
          ? 'Wrong ops token: it must be the OPS_TOKEN the gateway runs with, or a personal operator token not revoked.'
          : explainOps(err),
      );
    } finally {
      setBusy(false);
    }
  };

  if (client && first) {
    return (
      <OpsDashboard
        client={client}
        operator={session?.operator ?? ''}
        initial={first}
        onSignOut={() => signOut()}
        onUnauthorized={() => signOut('The ops token is no longer accepted. Sign in with the current one.')}
      />
    );
  }
  if (client && !error) return <p aria-busy="true">Loading the fleet…</p>;
  return (
    <section className="card narrow">
      <h1>Fleet operations</h1>
      <form onSubmit={(e) => void signIn(e)}>
        <label>
          Ops token
          <input name="token" type="password" autoComplete="off" required minLength={16} maxLength={512} />
          <small>The gateway's OPS_TOKEN or your personal operator token. It stays in this tab only.</small>
        </label>
        <label>
          Your name (optional)
          <input name="operator" autoComplete="username" pattern={OPERATOR_PATTERN} maxLength={64} />
          <small>
            Recorded with every change you make (a personal token records its own name). Letters, digits and . _ @ : -
          </small>
        </label>
        <ErrorLine error={error} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </section>
  );
}
