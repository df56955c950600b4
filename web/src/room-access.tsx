import { useState, type FormEvent } from 'react';
import type { RoomMember, RoomView } from '@ensemble/contracts';
import { api, attempt, explain } from './api.js';
import { formText } from './form.js';
import { ErrorLine } from './error-line.js';

/**
 * Who may join and how (decision 123): access codes (a viewer code, a moderator code: only
 * their being set is known, the codes are kept as hashes) and "require sign-in". For the
 * owner and co-owners. A `<details>`, so it opens with the keyboard.
 */
export function RoomAccess(props: { room: RoomView; onChange: (r: RoomView) => void }) {
  const { room } = props;
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const change = (what: Parameters<typeof api.updateRoom>[1], done: string) =>
    attempt(setError, async () => {
      setMessage('');
      props.onChange(await api.updateRoom(room.id, what));
      setMessage(done);
    });

  const setCode = (kind: 'viewerCode' | 'moderatorCode') => (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const code = formText(new FormData(form), 'code').trim();
    void change({ [kind]: code }, 'Code set. Tell it to those who may join.').then(() => form.reset());
  };

  const codeForm = (kind: 'viewerCode' | 'moderatorCode', label: string, isSet: boolean, help: string) => (
    <form onSubmit={setCode(kind)}>
      <label>
        {label} ({isSet ? 'set' : 'none'})
        <input
          name="code"
          required
          minLength={6}
          maxLength={10}
          pattern="[A-Za-z0-9]{6,10}"
          autoComplete="off"
          aria-describedby={`${kind}-${room.id}-help`}
        />
      </label>
      <p className="note" id={`${kind}-${room.id}-help`}>
        {help} 6 to 10 letters or digits.
      </p>
      <div className="actions">
        <button type="submit">
          {isSet ? 'Replace' : 'Set'} {label.toLowerCase()}
        </button>
        {isSet && (
          <button type="button" onClick={() => void change({ [kind]: null }, 'Code removed.')}>
            Remove {label.toLowerCase()}
          </button>
        )}
      </div>
    </form>
  );

  return (
    <details className="access">
      <summary>Access</summary>
      <label className="check">
        <input
          type="checkbox"
          checked={room.requireSignIn}
          onChange={(e) =>
            void change(
              { requireSignIn: e.currentTarget.checked },
              e.currentTarget.checked ? 'Only signed-in people can join now.' : 'Anyone with a link can join now.',
            )
          }
        />{' '}
        Require sign-in to join
      </label>
      {codeForm(
        'viewerCode',
        'Viewer code',
        room.hasViewerCode,
        'With a viewer code, the participant link asks for a code.',
      )}
      {codeForm(
        'moderatorCode',
        'Moderator code',
        room.hasModeratorCode,
        'Whoever enters the moderator code on the participant link joins as a moderator.',
      )}
      <ErrorLine error={error} />
      {message && (
        <p role="status" className="note">
          {message}
        </p>
      )}
    </details>
  );
}

/** Sharing with other users of this site (owner only): co-owners start, edit it and see its recordings. */
export function RoomSharing(props: { room: RoomView }) {
  const { room } = props;
  const [members, setMembers] = useState<RoomMember[] | null>(null);
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');

  const load = () =>
    api.members(room.id).then(
      (m) => {
        setError('');
        setMembers(m);
      },
      (e: unknown) => setError(explain(e)),
    );

  const add = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const email = formText(new FormData(form), 'email').trim();
    void attempt(setError, async () => {
      setMessage('');
      const m = await api.addMember(room.id, email);
      setMembers((ms) => [...(ms ?? []).filter((x) => x.userId !== m.userId), m]);
      setMessage(`Shared with ${m.name}.`);
      form.reset();
    });
  };
  const remove = (m: RoomMember) =>
    attempt(setError, async () => {
      setMessage('');
      await api.removeMember(room.id, m.userId);
      setMembers((ms) => ms?.filter((x) => x.userId !== m.userId) ?? null);
      setMessage(`${m.name} no longer shares this room.`);
    });

  return (
    <details className="sharing" onToggle={(e) => e.currentTarget.open && void load()}>
      <summary>Sharing{members ? ` (${members.length})` : ''}</summary>
      <form onSubmit={add} aria-label={`Share ${room.name}`}>
        <label>
          Share with (e-mail of an account here)
          <input name="email" type="email" required maxLength={254} autoComplete="off" />
        </label>
        <button type="submit">Share</button>
      </form>
      <ErrorLine error={error} />
      {message && (
        <p role="status" className="note">
          {message}
        </p>
      )}
      {members && members.length > 0 && (
        <ul aria-label={`People ${room.name} is shared with`}>
          {members.map((m) => (
            <li key={m.userId}>
              {m.name} ({m.email}), co-owner{' '}
              <button type="button" onClick={() => void remove(m)} aria-label={`Stop sharing with ${m.name}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
