import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { JoinInfo } from '@ensemble/contracts';
import { ApiError, api, explain } from './api.js';
import { formText } from './form.js';
import { ErrorLine } from './error-line.js';
import { duration } from './room-recordings.js';

/** `/j/:token`: the room's name and your role, a display name, Join -> the meeting server. */
export function JoinPage(props: { token: string }) {
  const [info, setInfo] = useState<JoinInfo | null>(null);
  const [error, setError] = useState('');
  const [waiting, setWaiting] = useState(false);
  const [busy, setBusy] = useState(false);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    api
      .joinInfo(props.token)
      .then(setInfo, (e: unknown) =>
        setError(
          e instanceof ApiError && e.status === 404
            ? 'This link does not work any more: it may have been replaced, or the room deleted. Ask the room’s owner for a new one.'
            : explain(e),
        ),
      );
    return () => window.clearTimeout(timer.current);
  }, [props.token]);

  const attempt = async (name: string, code: string) => {
    setBusy(true);
    setError('');
    try {
      const r = await api.join(props.token, name, code);
      if (r.status === 'ready') {
        window.location.assign(r.url);
        return;
      }
      setWaiting(true);
      timer.current = window.setTimeout(() => void attempt(name, code), r.retryAfterMs);
    } catch (e) {
      setWaiting(false);
      setError(
        e instanceof ApiError && e.code === 'forbidden' && e.message === 'wrong access code'
          ? 'Wrong access code. Check it with the room’s owner.'
          : explain(e),
      );
      setBusy(false);
    }
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    void attempt(formText(f, 'displayName').trim(), formText(f, 'code').trim());
  };

  if (!info) {
    return (
      <section className="card narrow">
        {error ? <ErrorLine error={error} /> : <p aria-busy="true">Opening the link…</p>}
      </section>
    );
  }
  return (
    <section className="card narrow">
      <h1>{info.roomName}</h1>
      <p>
        You are joining as <strong>{info.role === 'moderator' ? 'a moderator' : 'a participant'}</strong>
        {info.code === 'optional' ? ' (a moderator with the moderator code)' : ''}.
      </p>
      {info.requireSignIn && (
        <p className="note">
          This room is for signed-in people: <a href="/login">sign in</a>, then open this link again.
        </p>
      )}
      <form onSubmit={submit}>
        <label>
          Your name (shown to others)
          <input name="displayName" autoComplete="name" required maxLength={100} autoFocus />
        </label>
        {info.code !== 'none' && (
          <label>
            Access code{info.code === 'optional' ? ' (moderators only)' : ''}
            <input
              name="code"
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
              required={info.code === 'required'}
              maxLength={64}
            />
          </label>
        )}
        <ErrorLine error={error} />
        {waiting && (
          <p role="status" className="note">
            Waiting for a moderator to start the meeting… you will join automatically.
          </p>
        )}
        <button type="submit" disabled={busy}>
          Join
        </button>
      </form>
      {info.recordings.length > 0 && (
        <>
          <h2>Recordings</h2>
          <ul className="join-recordings">
            {info.recordings.map((r) => (
              <li key={r.recordId}>
                {r.name} ·{' '}
                <time dateTime={new Date(r.startTime).toISOString()}>{new Date(r.startTime).toLocaleString()}</time> ·{' '}
                {duration(r.lengthMs)}
                {r.formats.map((f) => (
                  <a
                    key={f.format}
                    href={new URL(f.playbackPath, window.location.origin).href}
                    target="_blank"
                    rel="noopener"
                  >
                    {' '}
                    Play {f.format}
                  </a>
                ))}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
