import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { RunEvent } from '@ensemble/contracts';
import { ApiError } from './api.js';
import { explainOps, type OpsClient, type RunSummary } from './ops-api.js';
import { formText } from './form.js';

const FINISHED = new Set(['succeeded', 'failed']);

/** Provisioning runs (newest first), kept current by `run` events, and the scale-out form. */
export function RunsPanel(props: { client: OpsClient; lastEvent: RunEvent | null; onUnauthorized: () => void }) {
  const { client, lastEvent, onUnauthorized } = props;
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [listError, setListError] = useState('');
  const [formMessage, setFormMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [messages, setMessages] = useState<Record<string, string>>({});

  const fail = useCallback(
    (e: unknown, show: (m: string) => void) => {
      if (e instanceof ApiError && e.code === 'unauthorized') onUnauthorized();
      else show(explainOps(e, 'runs'));
    },
    [onUnauthorized],
  );

  const load = useCallback(
    () =>
      client.runs().then(
        (r) => {
          setRuns(r);
          setListError('');
        },
        (e: unknown) => fail(e, setListError),
      ),
    [client, fail],
  );
  useEffect(() => void load(), [load]);

  // A run event: its phase and latest message in place; a run we do not list yet: read the list.
  useEffect(() => {
    if (!lastEvent) return;
    setMessages((m) => ({ ...m, [lastEvent.runId]: lastEvent.message }));
    let known = false;
    setRuns(
      (rs) =>
        rs?.map((r) => {
          if (r.id !== lastEvent.runId) return r;
          known = true;
          return { ...r, phase: lastEvent.phase };
        }) ?? rs,
    );
    if (!known || FINISHED.has(lastEvent.phase)) void load();
  }, [lastEvent, load]);

  const scaleOut = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    setBusy(true);
    setFormMessage(null);
    try {
      const { runId } = await client.scaleOut(Number(formText(f, 'count')), formText(f, 'reason').trim());
      setFormMessage({ text: `Run ${runId} started.`, error: false });
      form.reset();
      void load();
    } catch (err) {
      fail(err, (text) => setFormMessage({ text, error: true }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="runs-h">
      <h2 id="runs-h">Provisioning runs</h2>
      <form className="scale-out" onSubmit={(e) => void scaleOut(e)}>
        <label>
          Nodes to add
          <input name="count" type="number" min={1} max={20} defaultValue={1} required />
        </label>
        <label>
          Reason
          <input name="reason" required maxLength={200} placeholder="e.g. Monday lectures" />
        </label>
        <button type="submit" disabled={busy}>
          Scale out
        </button>
      </form>
      {formMessage && (
        <p role={formMessage.error ? 'alert' : 'status'} className={formMessage.error ? 'error' : 'note'}>
          {formMessage.text}
        </p>
      )}
      {listError ? (
        // The same words just said by the form need not be said twice.
        listError === formMessage?.text ? null : (
          <p role="status" className="error">
            {listError}
          </p>
        )
      ) : runs === null ? (
        <p aria-busy="true">Loading runs…</p>
      ) : runs.length === 0 ? (
        <p>No runs yet.</p>
      ) : (
        <ul className="runs" aria-label="Runs">
          {runs.map((r) => (
            <li key={r.id}>
              <strong>{r.id}</strong> <span className={`badge phase-${r.phase}`}>{r.phase}</span> {r.kind}
              {r.nodes.length ? ` of ${r.nodes.join(', ')}` : ''}: {r.reason}
              <br />
              <small>
                {new Date(r.createdAt).toLocaleString()}
                {r.changes ? ` · +${r.changes.add} ~${r.changes.change} -${r.changes.remove}` : ''}
                {r.failure ? ` · ${r.failure.code}: ${r.failure.message}` : ''}
                {messages[r.id] ? ` · ${messages[r.id]}` : ''}
              </small>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
