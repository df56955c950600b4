import { createHash, randomInt } from 'node:crypto';

/** Domain state of one simulated BBB server. No I/O. */

export type Role = 'MODERATOR' | 'VIEWER';

export interface Attendee {
  /** External user id (the join `userID` param, else the internal id), as BBB reports it. */
  userID: string;
  internalUserID: string;
  fullName: string;
  role: Role;
  isPresenter: boolean;
  isListeningOnly: boolean;
  hasJoinedVoice: boolean;
  hasVideo: boolean;
  clientType: string;
  customdata: Record<string, string>;
}

export interface Meeting {
  meetingName: string;
  meetingID: string;
  internalMeetingID: string;
  parentMeetingID: string;
  createTime: number;
  createDate: string;
  voiceBridge: string;
  dialNumber: string;
  attendeePW: string;
  moderatorPW: string;
  running: boolean;
  duration: number;
  hasUserJoined: boolean;
  /** Created with record=true: the meeting may be recorded (getMeetingInfo's `recording`). */
  recording: boolean;
  /**
   * Recording marks were set (a moderator pressed "start recording", or autoStartRecording
   * when the first user entered). BBB archives and processes a recording only when there
   * are marks; a record=true meeting without them leaves none.
   */
  recordingMarks: boolean;
  hasBeenForciblyEnded: boolean;
  startTime: number;
  endTime: number;
  /** Video streams beyond the attendees flagged hasVideo (seeded/added by tests). */
  extraVideos: number;
  maxUsers: number;
  attendees: Attendee[];
  metadata: Record<string, string>;
  isBreakout: boolean;
  /** Every create parameter as received (unknown ones are kept and ignored). */
  params: Record<string, string>;
}

/** A join that was accepted by the API but whose client URL has not been opened yet. */
export interface PendingSession {
  sessionToken: string;
  authToken: string;
  internalMeetingID: string;
  internalUserID: string;
  externUserID: string;
  fullName: string;
  role: Role;
  customdata: Record<string, string>;
  entered: boolean;
}

export interface SeedMeeting {
  meetingID: string;
  name?: string;
  participants?: number;
  moderators?: number;
  videoCount?: number;
  voiceParticipantCount?: number;
  listenerCount?: number;
  maxUsers?: number;
  record?: boolean;
  metadata?: Record<string, string>;
  /** ms since epoch; defaults to now. */
  createTime?: number;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const randomToken = (n: number): string =>
  Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]).join('');

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** java.util.Date#toString in UTC, the format BBB puts in createDate. */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(
    d.getUTCMinutes(),
  )}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

export const internalIdFor = (meetingID: string, createTime: number): string =>
  `${createHash('sha1').update(meetingID, 'utf8').digest('hex')}-${createTime}`;

export const videoCount = (m: Meeting): number => m.attendees.filter((a) => a.hasVideo).length + m.extraVideos;

export class MeetingStore {
  /** Bumped by every change that getMeetings could show (lets the API cache its answer). */
  private changes = 0;

  get version(): number {
    return this.changes;
  }

  private readonly byId = new Map<string, Meeting>();
  private readonly sessions = new Map<string, PendingSession>();

  get(meetingID: string): Meeting | undefined {
    return this.byId.get(meetingID);
  }

  list(): Meeting[] {
    return [...this.byId.values()];
  }

  private freeVoiceBridge(): string {
    const used = new Set(this.list().map((m) => m.voiceBridge));
    for (;;) {
      const v = String(randomInt(70000, 80000));
      if (!used.has(v)) return v;
    }
  }

  create(params: Record<string, string>, now = Date.now()): Meeting {
    this.changes++;
    const meetingID = params['meetingID'] ?? '';
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) {
      if (k.startsWith('meta_') && k.length > 5) metadata[k.slice(5).toLowerCase()] = v;
    }
    const m: Meeting = {
      meetingName: params['name'] ?? meetingID,
      meetingID,
      internalMeetingID: internalIdFor(meetingID, now),
      parentMeetingID: 'bbb-none',
      createTime: now,
      createDate: javaDate(now),
      voiceBridge: params['voiceBridge'] || this.freeVoiceBridge(),
      dialNumber: params['dialNumber'] || '613-555-1234',
      attendeePW: params['attendeePW'] || randomToken(8),
      moderatorPW: params['moderatorPW'] || randomToken(8),
      running: false,
      duration: Number.parseInt(params['duration'] ?? '0', 10) || 0,
      hasUserJoined: false,
      recording: params['record'] === 'true',
      recordingMarks: false,
      hasBeenForciblyEnded: false,
      startTime: 0,
      endTime: 0,
      extraVideos: 0,
      maxUsers: Number.parseInt(params['maxParticipants'] ?? '0', 10) || 0,
      attendees: [],
      metadata,
      isBreakout: params['isBreakout'] === 'true',
      params: { ...params },
    };
    this.byId.set(meetingID, m);
    return m;
  }

  /** Ends and forgets the meeting and its pending sessions. */
  end(meetingID: string): boolean {
    this.changes++;
    const m = this.byId.get(meetingID);
    if (!m) return false;
    this.byId.delete(meetingID);
    for (const [t, s] of this.sessions) if (s.internalMeetingID === m.internalMeetingID) this.sessions.delete(t);
    return true;
  }

  addSession(s: Omit<PendingSession, 'entered'>): PendingSession {
    const session = { ...s, entered: false };
    this.sessions.set(s.sessionToken, session);
    return session;
  }

  /** Unique users already in (or entering) the meeting, as hasReachedMaxParticipants counts them. */
  joinedCount(m: Meeting): number {
    return new Set(m.attendees.map((a) => a.userID)).size;
  }

  /**
   * The client opened its join URL: the user becomes an attendee (once per token).
   * Returns the meeting, or undefined for an unknown/expired token.
   */
  enter(sessionToken: string, now = Date.now()): Meeting | undefined {
    this.changes++;
    const s = this.sessions.get(sessionToken);
    if (!s) return undefined;
    const m = this.list().find((x) => x.internalMeetingID === s.internalMeetingID);
    if (!m) return undefined;
    if (s.entered) return m;
    s.entered = true;
    const firstModerator = s.role === 'MODERATOR' && !m.attendees.some((a) => a.isPresenter);
    m.attendees.push({
      userID: s.externUserID,
      internalUserID: s.internalUserID,
      fullName: s.fullName,
      role: s.role,
      isPresenter: firstModerator,
      isListeningOnly: false,
      hasJoinedVoice: false,
      hasVideo: false,
      clientType: 'HTML5',
      customdata: { ...s.customdata },
    });
    if (!m.running) {
      m.running = true;
      m.startTime = now;
      if (m.recording && m.params['autoStartRecording'] === 'true') m.recordingMarks = true;
    }
    m.hasUserJoined = true;
    return m;
  }

  /**
   * A moderator starts (or stops) recording in the client: starting sets the marks. Refused
   * (false) for an unknown meeting, one not created with record=true, or one that was not
   * joined yet; BBB's client offers the button only then.
   */
  setRecording(meetingID: string, on: boolean): boolean {
    const m = this.byId.get(meetingID);
    if (!m || !m.recording || !m.running) return false;
    if (on) m.recordingMarks = true;
    return true;
  }

  seed(list: readonly SeedMeeting[], now = Date.now()): Meeting[] {
    this.changes++;
    return list.map((s, i) => {
      const params: Record<string, string> = { meetingID: s.meetingID, name: s.name ?? `Seeded ${s.meetingID}` };
      if (s.record) params['record'] = 'true';
      if (s.maxUsers) params['maxParticipants'] = String(s.maxUsers);
      for (const [k, v] of Object.entries(s.metadata ?? {})) params[`meta_${k}`] = v;
      const m = this.create(params, s.createTime ?? now - i);
      const n = s.participants ?? 0;
      const mods = Math.min(s.moderators ?? (n > 0 ? 1 : 0), n);
      const video = s.videoCount ?? 0;
      const voice = Math.min(s.voiceParticipantCount ?? 0, n);
      const listen = Math.min(s.listenerCount ?? 0, n);
      for (let u = 0; u < n; u++) {
        const internal = `w_${randomToken(12)}`;
        m.attendees.push({
          userID: internal,
          internalUserID: internal,
          fullName: `User ${u + 1}`,
          role: u < mods ? 'MODERATOR' : 'VIEWER',
          isPresenter: u === 0 && mods > 0,
          isListeningOnly: u >= n - listen,
          hasJoinedVoice: u < voice,
          hasVideo: u < video,
          clientType: 'HTML5',
          customdata: {},
        });
      }
      m.extraVideos = Math.max(0, video - n);
      if (n > 0) {
        m.running = true;
        m.hasUserJoined = true;
        m.startTime = m.createTime;
      }
      return m;
    });
  }

  addVideo(meetingID: string, n: number): boolean {
    this.changes++;
    const m = this.byId.get(meetingID);
    if (!m) return false;
    m.extraVideos = Math.max(0, m.extraVideos + n);
    return true;
  }

  reset(): void {
    this.changes++;
    this.byId.clear();
    this.sessions.clear();
  }
}
