import { useState } from 'react';
import type { RecordingVisibility, RoomView } from '@ensemble/contracts';
import { api, attempt } from './api.js';
import { ErrorLine } from './error-line.js';

/** The four states in plain words (decision 125), in the order of how widely they open. */
export const VISIBILITY: Record<RecordingVisibility, { label: string; help: string }> = {
  public: {
    label: 'Public',
    help: 'Listed on the room’s join page: anyone with a room link sees them and can watch them.',
  },
  unlisted: {
    label: 'Unlisted',
    help: 'Not listed anywhere but here; anyone who is given a recording’s link can watch it.',
  },
  protected: {
    label: 'Protected',
    help: 'Only through the links shown here, which work for a few minutes; a copied or old link stops working.',
  },
  private: {
    label: 'Private',
    help: 'Only you and the people this room is shared with, signed in; a link passed on opens nothing.',
  },
};

/** Who may watch the room's recordings: a select for the owner and co-owners. */
export function RecordingVisibilitySelect(props: { room: RoomView; onChange: (r: RoomView) => void }) {
  const { room } = props;
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const id = `recording-visibility-${room.id}`;
  const choose = (v: RecordingVisibility) =>
    attempt(setError, async () => {
      setMessage('');
      props.onChange(await api.updateRoom(room.id, { recordingVisibility: v }));
      setMessage(`Recordings are ${VISIBILITY[v].label.toLowerCase()} now.`);
    });
  return (
    <div className="recording-visibility">
      <label htmlFor={id}>Who can watch the recordings</label>
      <select
        id={id}
        value={room.recordingVisibility}
        aria-describedby={`${id}-help`}
        onChange={(e) => void choose(e.currentTarget.value as RecordingVisibility)}
      >
        {(Object.keys(VISIBILITY) as RecordingVisibility[]).map((v) => (
          <option key={v} value={v}>
            {VISIBILITY[v].label}
          </option>
        ))}
      </select>
      <p className="note" id={`${id}-help`}>
        {VISIBILITY[room.recordingVisibility].help}
      </p>
      <ErrorLine error={error} />
      {message && (
        <p role="status" className="note">
          {message}
        </p>
      )}
    </div>
  );
}
