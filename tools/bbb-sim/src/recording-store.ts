import type { Meeting } from './meeting-store.js';

/** The states getRecordings reports (`deleted` recordings are forgotten here). */
export type RecordingState = 'processing' | 'published' | 'unpublished';
export const RECORDING_STATES: readonly RecordingState[] = ['processing', 'published', 'unpublished'];
/** getRecordings without `state`: what BBB lists by default. */
const DEFAULT_STATES: readonly RecordingState[] = ['published', 'unpublished'];

/** The playback format the sim produces; BBB's default workflow publishes `presentation`. */
export const SIM_FORMAT = 'presentation';

/** A recording as BBB lists it. */
export interface Recording {
  recordID: string;
  meetingID: string;
  internalMeetingID: string;
  name: string;
  isBreakout: boolean;
  state: RecordingState;
  startTime: number;
  endTime: number;
  participants: number;
  metadata: Record<string, string>;
  /** ms the processing took (BBB's processingTime); 0 until published. */
  processingTime: number;
  /** Bytes of the published format's files, and of the raw recording (BBB's size, rawSize). */
  size: number;
  rawSize: number;
}

/** Recordings of ended meetings that were recorded. No I/O. */
export class RecordingStore {
  private readonly byId = new Map<string, Recording>();

  /**
   * BBB archives a meeting that was created with record=true, was joined and has recording
   * marks; it then processes it. The new recording is `processing`; undefined when there is none.
   */
  recordEnded(m: Meeting, now = Date.now()): Recording | undefined {
    if (!m.recording || !m.hasUserJoined || !m.recordingMarks) return undefined;
    const r: Recording = {
      recordID: m.internalMeetingID,
      meetingID: m.meetingID,
      internalMeetingID: m.internalMeetingID,
      name: m.meetingName,
      isBreakout: m.isBreakout,
      state: 'processing',
      startTime: m.startTime || m.createTime,
      endTime: now,
      participants: Math.max(m.attendees.length, 1),
      metadata: { ...m.metadata },
      processingTime: 0,
      size: 0,
      rawSize: 0,
    };
    this.byId.set(r.recordID, r);
    return r;
  }

  /** Processing done: the format is published with these sizes. */
  published(recordID: string, done: { processingTime: number; size: number; rawSize: number }): Recording | undefined {
    const r = this.byId.get(recordID);
    if (!r || r.state !== 'processing') return undefined;
    Object.assign(r, done, { state: 'published' });
    return r;
  }

  get(recordID: string): Recording | undefined {
    return this.byId.get(recordID);
  }

  /**
   * getRecordings: by record IDs, else meeting IDs (comma lists; record IDs win, each a prefix
   * of the ids listed, as BBB's startsWith), and states (`state`: a list, `any` for all;
   * BBB's default is published and unpublished).
   */
  find(meetingIDs: readonly string[], recordIDs: readonly string[], states: readonly string[] = []): Recording[] {
    const wanted = states.includes('any') ? RECORDING_STATES : states.length ? states : DEFAULT_STATES;
    return [...this.byId.values()].filter(
      (r) =>
        wanted.includes(r.state) &&
        (recordIDs.length > 0
          ? recordIDs.some((prefix) => r.recordID.startsWith(prefix))
          : meetingIDs.length === 0 || meetingIDs.includes(r.meetingID)),
    );
  }

  /** The recordings among `recordIDs` that exist; empty when none does. */
  existing(recordIDs: readonly string[]): Recording[] {
    return recordIDs.flatMap((id) => this.byId.get(id) ?? []);
  }

  /** publishRecordings: only processed recordings change (one still processing stays as it is). */
  setPublished(recordIDs: readonly string[], publish: boolean): Recording[] {
    return this.existing(recordIDs).filter((r) => {
      if (r.state === 'processing') return false;
      r.state = publish ? 'published' : 'unpublished';
      return true;
    });
  }

  delete(recordIDs: readonly string[]): Recording[] {
    const gone = this.existing(recordIDs);
    for (const r of gone) this.byId.delete(r.recordID);
    return gone;
  }

  reset(): void {
    this.byId.clear();
  }
}
