import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { RoomLive, RoomSettings, RoomView, UserView } from '@ensemble/contracts';
import { api, attempt, explain } from './api.js';
import { formText } from './form.js';
import { ErrorLine } from './error-line.js';
import { RoomAccess, RoomSharing } from './room-access.js';
import { RecordingVisibilitySelect } from './room-recording-visibility.js';
import { RoomRecordings } from './room-recordings.js';

const OPTIONS: Array<[keyof RoomSettings, string]> = [
  ['muteOnJoin', 'Mute people when they join'],
  ['requireApproval', 'A moderator must approve each participant'],
  ['allJoinAsModerator', 'Everyone joins as moderator'],
  ['anyoneCanStart', 'Anyone can start the meeting (otherwise participants wait for a moderator)'],
  ['record', 'Allow recording'],
];

/**
 * "My rooms": create with settings, copy each link, rotate, delete, live participants;
 * rooms shared with you are marked, and only their owner deletes or shares them.
 */
export function RoomsPage(props: { user: UserView }) {
  const [rooms, setRooms] = useState<RoomView[] | null>(null);
  const [error, setError] = useState('');

  const load = useCallback(() => api.rooms().then(setRooms, (e: unknown) => setError(explain(e))), []);
  useEffect(() => void load(), [load]);

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const settings = {
      muteOnJoin: f.has('muteOnJoin'),
      requireApproval: f.has('requireApproval'),
      allJoinAsModerator: f.has('allJoinAsModerator'),
      anyoneCanStart: f.has('anyoneCanStart'),
      record: f.has('record'),
      welcome: formText(f, 'welcome'),
      maxParticipants: Number(formText(f, 'maxParticipants') || 0),
    };
    setError('');
    try {
      const engine = f.get('engine') === 'jitsi' ? 'jitsi' : 'bbb';
      const room = await api.createRoom(formText(f, 'name'), settings, engine);
      setRooms((r) => [room, ...(r ?? [])]);
      form.reset();
    } catch (err) {
      setError(explain(err));
    }
  };

  const replace = (room: RoomView) => setRooms((rs) => rs?.map((r) => (r.id === room.id ? room : r)) ?? null);
  const remove = (id: string) => setRooms((rs) => rs?.filter((r) => r.id !== id) ?? null);

  return (
    <>
      <h1>My rooms</h1>
      <p>Signed in as {props.user.name}.</p>
      <section className="card">
        <h2>New room</h2>
        <form onSubmit={(e) => void create(e)}>
          <label>
            Room name
            <input name="name" required maxLength={120} />
          </label>
          <label>
            Conferencing
            <select name="engine" defaultValue="bbb">
              <option value="bbb">BigBlueButton (classes, whiteboard)</option>
              <option value="jitsi">Jitsi (quick calls)</option>
            </select>
          </label>
          <fieldset>
            <legend>Settings</legend>
            {OPTIONS.map(([key, label]) => (
              <label key={key} className="check">
                <input type="checkbox" name={key} /> {label}
              </label>
            ))}
            <label>
              Welcome message
              <textarea name="welcome" maxLength={2000} rows={2} />
            </label>
            <label>
              Maximum participants (0 = no limit)
              <input name="maxParticipants" type="number" min={0} max={10000} defaultValue={0} />
            </label>
          </fieldset>
          <ErrorLine error={error} />
          <button type="submit">Create room</button>
        </form>
      </section>
      {rooms === null ? (
        <p aria-busy="true">Loading rooms…</p>
      ) : rooms.length === 0 ? (
        <p>No rooms yet: create one above.</p>
      ) : (
        <ul className="rooms" aria-label="Rooms">
          {rooms.map((r) => (
            <RoomItem key={r.id} room={r} onChange={replace} onDeleted={remove} />
          ))}
        </ul>
      )}
    </>
  );
}

function RoomItem(props: { room: RoomView; onChange: (r: RoomView) => void; onDeleted: (id: string) => void }) {
  const { room } = props;
  const [live, setLive] = useState<RoomLive | null>(null);
  const [message, setMessage] = useState('');

  useEffect(() => {
    const poll = () => api.live(room.id).then(setLive, () => setLive(null));
    void poll();
    const t = window.setInterval(() => void poll(), 10_000);
    return () => window.clearInterval(t);
  }, [room.id]);

  const act = (what: () => Promise<void>) => attempt(setMessage, what);
  const rotate = () =>
    act(async () => {
      if (!window.confirm('Replace both links? The current links will stop working.')) return;
      props.onChange(await api.rotate(room.id));
      setMessage('New links made; the old ones no longer work.');
    });
  const remove = () =>
    act(async () => {
      if (!window.confirm(`Delete “${room.name}”? A meeting in progress ends.`)) return;
      await api.deleteRoom(room.id);
      props.onDeleted(room.id);
    });

  return (
    <li className="card room">
      <h2>
        {room.name}
        {room.access === 'co-owner' && <span className="badge"> Shared with you</span>}
      </h2>
      <p className="live" aria-live="polite">
        {live?.running
          ? `Live now: ${live.participants} participant${live.participants === 1 ? '' : 's'}`
          : 'Not running'}
      </p>
      <CopyLink label="Moderator link" room={room.name} value={room.moderatorLink} onCopied={setMessage} />
      <CopyLink label="Participant link" room={room.name} value={room.participantLink} onCopied={setMessage} />
      <div className="actions">
        <a className="button" href={room.moderatorLink}>
          Start as moderator
        </a>
        <button type="button" onClick={() => void rotate()}>
          New links
        </button>
        {room.access === 'owner' && (
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete
          </button>
        )}
      </div>
      {message && (
        <p role="status" className="note">
          {message}
        </p>
      )}
      <RoomAccess room={room} onChange={props.onChange} />
      {room.access === 'owner' && <RoomSharing room={room} />}
      {room.engine === 'bbb' && <RecordingVisibilitySelect room={room} onChange={props.onChange} />}
      {/* Remounted on a change of visibility: its links are issued for the state they were listed in. */}
      {room.engine === 'bbb' && <RoomRecordings key={room.recordingVisibility} room={room} />}
    </li>
  );
}

function CopyLink(props: { label: string; room: string; value: string; onCopied: (m: string) => void }) {
  const id = `${props.label}-${props.value.slice(-8)}`.replace(/\W/g, '');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      props.onCopied(`${props.label} copied.`);
    } catch {
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      props.onCopied('Select the link and copy it (Ctrl+C).');
    }
  };
  return (
    <div className="copy">
      <label htmlFor={id}>{props.label}</label>
      <div className="row">
        <input id={id} readOnly value={props.value} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          onClick={() => void copy()}
          aria-label={`Copy ${props.label.toLowerCase()} of ${props.room}`}
        >
          Copy
        </button>
      </div>
    </div>
  );
}
