import { useCallback, useEffect, useState } from 'react';
import type { CallbacksPage } from '@ensemble/contracts';
import { ApiError } from './api.js';
import { explainOps, type OpsClient } from './ops-api.js';

/** Callbacks change without events on the stream: read now and then. */
const REFRESH_MS = 30_000;

/**
 * Callbacks to integrations not delivered yet (pending, retrying) or given up (dead, dropped:
 * the tenant is gone), newest first, with why the last attempt failed (decision 113). Only
 * the host of a callback's URL is shown: its path or query may hold the integration's token.
 */
export function CallbacksPanel(props: { client: OpsClient; onUnauthorized: () => void }) {
  const { client, onUnauthorized } = props;
  const [page, setPage] = useState<CallbacksPage | null>(null);
  const [error, setError] = useState('');

  const load = useCallback(
    () =>
      client.callbacks().then(
        (p) => {
          setPage(p);
          setError('');
        },
        (e: unknown) => {
          if (e instanceof ApiError && e.code === 'unauthorized') onUnauthorized();
          else setError(explainOps(e));
        },
      ),
    [client, onUnauthorized],
  );
  useEffect(() => {
    void load();
    const t = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(t);
  }, [load]);

  const counts = page?.counts;
  return (
    <section className="card" aria-labelledby="callbacks-h">
      <h2 id="callbacks-h">Callbacks to integrations</h2>
      {error ? (
        <p role="status" className="error">
          {error}
        </p>
      ) : !page || !counts ? (
        <p aria-busy="true">Loading callbacks…</p>
      ) : (
        <>
          <p>
            {counts.pending} pending, {counts.retrying} retrying, {counts.dead} given up, {counts.dropped} dropped
            (tenant gone).
          </p>
          {page.callbacks.length > 0 && (
            <ul className="runs" aria-label="Callbacks">
              {page.callbacks.map((c) => (
                <li key={c.id}>
                  <strong>{c.kind}</strong>{' '}
                  <span
                    className={`badge ${c.state === 'retrying' || c.state === 'pending' ? 'state-cordoned' : 'phase-failed'}`}
                  >
                    {c.state}
                  </span>{' '}
                  to {c.host}
                  {c.meetingId ? ` for ${c.meetingId}` : ''}
                  {c.tenant && c.tenant !== 'default' ? ` (${c.tenant})` : ''}
                  <br />
                  <small>
                    {c.attempts} attempt{c.attempts === 1 ? '' : 's'}
                    {c.lastError ? ` · last: ${c.lastError}` : ''}
                    {c.nextAttemptAt ? ` · next ${new Date(c.nextAttemptAt).toLocaleTimeString()}` : ''}
                    {` · since ${new Date(c.enqueuedAt).toLocaleString()}`}
                  </small>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
