import { useCallback, useState } from 'react';
import type { RoomRecording, RoomRecordingPage, RoomView } from '@ensemble/contracts';
import { api, attempt, explain } from './api.js';
import { ErrorLine } from './error-line.js';

const PAGE = 10;

/** 1:02:03 or 4:05. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

const when = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A room's recordings, newest first, loaded when opened: play (a new tab on Ensemble's
 * playback), publish/unpublish, delete. A `<details>`, so it opens with the keyboard.
 */
export function RoomRecordings(props: { room: RoomView }) {
  const { room } = props;
  const [page, setPage] = useState<RoomRecordingPage | null>(null);
  const [error, setError] = useState('');

  const load = useCallback(
    (offset: number) =>
      api.recordings(room.id, offset, PAGE).then(
        (p) => {
          setError('');
          setPage(p);
        },
        (e: unknown) => setError(explain(e)),
      ),
    [room.id],
  );

  const act = (what: () => Promise<unknown>) => attempt(setError, what);
  const toggle = (r: RoomRecording) =>
    act(async () => {
      const changed = await api.setPublished(room.id, r.recordId, r.state !== 'published');
      setPage((p) => p && { ...p, recordings: p.recordings.map((x) => (x.recordId === r.recordId ? changed : x)) });
    });
  const remove = (r: RoomRecording) =>
    act(async () => {
      if (!window.confirm(`Delete the recording “${r.name}” of ${when(r.startTime)}? This cannot be undone.`)) return;
      await api.deleteRecording(room.id, r.recordId);
      // The page again: the next recording moves up, and an emptied last page steps back.
      const emptied = page !== null && page.offset > 0 && page.recordings.length === 1;
      await load(emptied ? page.offset - PAGE : (page?.offset ?? 0));
    });

  const offset = page?.offset ?? 0;
  return (
    <details className="recordings" onToggle={(e) => e.currentTarget.open && void load(offset)}>
      <summary>Recordings{page ? ` (${page.total})` : ''}</summary>
      <ErrorLine error={error} />
      {page === null ? (
        !error && <p aria-busy="true">Loading recordings…</p>
      ) : page.total === 0 ? (
        <p className="note">
          No recordings yet. A meeting of this room is recorded when “Allow recording” is on and a moderator starts
          recording; it appears here once the meeting has ended and it has been processed.
        </p>
      ) : (
        <>
          <ul className="recording-list" aria-label={`Recordings of ${room.name}`}>
            {page.recordings.map((r) => (
              <RecordingItem key={r.recordId} recording={r} onToggle={toggle} onDelete={remove} />
            ))}
          </ul>
          {page.total > PAGE && (
            <nav className="actions" aria-label={`Pages of recordings of ${room.name}`}>
              <button
                type="button"
                className="secondary"
                disabled={offset === 0}
                onClick={() => void load(offset - PAGE)}
              >
                Newer
              </button>
              <span className="note">
                {offset + 1}–{Math.min(offset + PAGE, page.total)} of {page.total}
              </span>
              <button
                type="button"
                className="secondary"
                disabled={offset + PAGE >= page.total}
                onClick={() => void load(offset + PAGE)}
              >
                Older
              </button>
            </nav>
          )}
        </>
      )}
    </details>
  );
}

function RecordingItem(props: {
  recording: RoomRecording;
  onToggle: (r: RoomRecording) => Promise<void>;
  onDelete: (r: RoomRecording) => Promise<void>;
}) {
  const r = props.recording;
  const published = r.state === 'published';
  const playable = r.formats.filter((f) => f.playbackPath !== null);
  return (
    <li className="recording">
      <div className="recording-head">
        <h3>{r.name}</h3>
        <span className={`badge recording-${r.state}`}>{published ? 'Published' : 'Unpublished'}</span>
      </div>
      <p className="facts">
        <time dateTime={new Date(r.startTime).toISOString()}>{when(r.startTime)}</time> · {duration(r.lengthMs)} ·{' '}
        {r.participants} participant{r.participants === 1 ? '' : 's'}
      </p>
      {!published && <p className="note">Only you see it: its playback link does not work until you publish it.</p>}
      <div className="actions">
        {playable.map((f) => (
          <a
            key={f.format}
            className="button"
            href={new URL(f.playbackPath!, window.location.origin).href}
            target="_blank"
            rel="noopener noreferrer"
            aria-label={`Play ${r.name} (${f.format}, opens in a new tab)`}
          >
            Play{playable.length > 1 ? ` ${f.format}` : ''}
          </a>
        ))}
        <button type="button" className="secondary" onClick={() => void props.onToggle(r)}>
          {published ? 'Unpublish' : 'Publish'}
        </button>
        <button type="button" className="danger" onClick={() => void props.onDelete(r)}>
          Delete recording
        </button>
      </div>
    </li>
  );
}
