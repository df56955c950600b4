import type { Meeting } from './meeting-store.js';

/** A recording as BBB lists it after processing (the sim "processes" instantly). */
export interface Recording {
  recordID: string;
  meetingID: string;
  internalMeetingID: string;
  name: string;
  isBreakout: boolean;
  published: boolean;
  startTime: number;
  endTime: number;
  participants: number;
  metadata: Record<string, string>;
}

/** Recordings of ended meetings that were created with `record=true`. No I/O. */
export class RecordingStore {
  private readonly byId = new Map<string, Recording>();

  /** BBB records a meeting that was created with record=true and was joined. */
  recordEnded(m: Meeting, now = Date.now()): Recording | undefined {
    if (!m.recording || !m.hasUserJoined) return undefined;
    const r: Recording = {
      recordID: m.internalMeetingID,
      meetingID: m.meetingID,
      internalMeetingID: m.internalMeetingID,
      name: m.meetingName,
      isBreakout: m.isBreakout,
      published: true,
      startTime: m.startTime || m.createTime,
      endTime: now,
      participants: Math.max(m.attendees.length, 1),
      metadata: { ...m.metadata },
    };
    this.byId.set(r.recordID, r);
    return r;
  }

  /** getRecordings: by meeting IDs and/or record IDs (comma lists); no filter lists all. */
  find(meetingIDs: readonly string[], recordIDs: readonly string[]): Recording[] {
    return [...this.byId.values()].filter(
      (r) =>
        (meetingIDs.length === 0 || meetingIDs.includes(r.meetingID)) &&
        (recordIDs.length === 0 || recordIDs.includes(r.recordID)),
    );
  }

  /** The recordings among `recordIDs` that exist; empty when none does. */
  existing(recordIDs: readonly string[]): Recording[] {
    return recordIDs.flatMap((id) => this.byId.get(id) ?? []);
  }

  delete(recordIDs: readonly string[]): number {
    let n = 0;
    for (const id of recordIDs) if (this.byId.delete(id)) n++;
    return n;
  }

  reset(): void {
    this.byId.clear();
  }
}
