import { xmlElement as el } from '@ensemble/contracts';
import type { Recording } from '../recordings/recordings.repository.js';

/** Metadata names are user input; only names that are valid XML can be emitted (as bbb-sim does). */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/** BBB's <length>: whole minutes, at least one. */
const minutes = (ms: number): number => Math.max(1, Math.round(ms / 60_000));

/**
 * One `<recording>` of get-recordings in BBB's element order (RecMetaResponse.toXml, the
 * order bbb-sim verified): ids, name, isBreakout, published, state, times, participants,
 * rawSize, metadata, size, playback, data. The index keeps `<meta>` without BBB's own
 * keys (decision 102), so they are put back here. Playback URLs point at `base` (Ensemble's
 * public host), each with `query` (a protected recording's token) when given.
 */
export function recordingXml(r: Recording, base: string, query = ''): string {
  const meta = { ...r.metadata, isBreakout: 'false', meetingId: r.meetingId, meetingName: r.name };
  const size = r.formats.reduce((n, f) => n + f.sizeBytes, 0);
  const formats = r.formats.flatMap((f) => [
    '<format>',
    el('type', f.format),
    el('url', `${base}${f.playbackPath}${query}`),
    el('processingTime', f.processingTimeMs),
    el('length', minutes(f.lengthMs)),
    el('size', f.sizeBytes),
    '</format>',
  ]);
  return [
    '<recording>',
    el('recordID', r.recordId),
    el('meetingID', r.meetingId),
    el('internalMeetingID', r.internalMeetingId),
    el('name', r.name),
    el('isBreakout', false),
    el('published', r.state === 'published'),
    el('state', r.state),
    el('startTime', r.startTime),
    el('endTime', r.endTime),
    el('participants', r.participants),
    // The raw recording stays on the node and is not transferred: its size is not known here.
    el('rawSize', 0),
    '<metadata>',
    ...Object.entries(meta)
      .filter(([k]) => XML_NAME.test(k) && !/^xml/i.test(k))
      .map(([k, v]) => el(k, v)),
    '</metadata>',
    el('size', size),
    '<playback>',
    // Only a published recording is playable: BBB's unpublished ones list their formats, but
    // their files are gone from the web root; here the URLs answer 404 (playback controller).
    ...formats,
    '</playback>',
    '<data>',
    '</data>',
    '</recording>',
  ].join('\n');
}
