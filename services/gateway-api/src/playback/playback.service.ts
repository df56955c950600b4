import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@ensemble/contracts';
import { RecordingStorage, type StoredObject } from '../recordings/recording-storage.client.js';
import { RecordingsRepository } from '../recordings/recordings.repository.js';
import { RECORDING_STORAGE } from '../recordings/recordings.tokens.js';
import { roomIdOfMeeting } from '../meetings/room-bbb-params.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import { RecordingProtection, type PlaybackAccess } from './recording-protection.js';
import { needsOwnerSignedIn } from './recording-visibility.js';

export type { PlaybackAccess } from './recording-protection.js';

/** A record id as BBB makes them (sha1 of the meeting ID, a dash, ms). */
const RECORD_ID = /^[0-9a-f]{40}-\d{1,16}$/;
/** A path inside a recording: no empty, `.` or `..` segment, no backslash or control character. */
export const safePath = (p: string): boolean =>
  p.length > 0 &&
  p.length <= 1024 &&
  !/[\\\p{Cc}]/u.test(p) &&
  p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');

export type PlaybackResult =
  | { found: false }
  | {
      found: true;
      object: StoredObject | 'unsatisfiable';
      path: string;
      /** A protected recording's answer is cached privately only. */
      protected: boolean;
      session?: string;
    };

/** A recording format the request may open. */
export interface OpenedFormat {
  prefix: string;
  protected: boolean;
  /** A new session token for the cookie, when it was opened by a link. */
  session?: string;
}

/**
 * Serving a stored recording (decision 104): only a published recording with that format is
 * reachable; a protected one (its tenant's choice, else RECORDINGS_PROTECTED: decision 116)
 * only with a valid link token (which yields a session cookie) or session cookie. Anything
 * else is "not found": no difference between unknown, unpublished, deleted and refused, so a
 * URL tells nothing about a recording it cannot open.
 */
@Injectable()
export class PlaybackService {
  constructor(
    private readonly repo: RecordingsRepository,
    @Inject(RECORDING_STORAGE) private readonly storage: RecordingStorage | null,
    private readonly protection: RecordingProtection,
    private readonly rooms: RoomsRepository,
  ) {}

  /**
   * Whether this request may open this recording's format: published, with the format, and
   * when it is protected a valid link token (which yields a new session) or session cookie.
   * The row is read first: whether a token is asked for depends on its tenant and, for a web
   * room's recording, on its room's visibility (decision 125); a private room's opens only
   * for a request signed in as its owner or a co-owner (`signedInUser`, asked only then).
   */
  async open(
    format: string,
    recordId: string,
    access: PlaybackAccess,
    signedInUser: () => Promise<string | null> = () => Promise.resolve(null),
  ): Promise<OpenedFormat | undefined> {
    if (!RECORD_ID.test(recordId)) return undefined;
    const rec = await this.repo.get(recordId);
    const f = rec?.state === 'published' ? rec.formats.find((x) => x.format === format) : undefined;
    if (!rec || !f) return undefined;
    const roomId = roomIdOfMeeting(rec.meetingId);
    const roomVisibility = roomId ? await this.rooms.recordingVisibility(roomId) : null;
    const grant = this.protection.grant({ ...rec, roomVisibility }, access);
    if (!grant.allowed) return undefined;
    if (needsOwnerSignedIn(roomVisibility)) {
      const user = await signedInUser();
      if (!user || !(await this.rooms.accessible(roomId!, user))) return undefined;
    }
    return { prefix: f.prefix, protected: grant.protected, ...(grant.session ? { session: grant.session } : {}) };
  }

  /** One stored file of a recording the request may open. */
  async read(
    format: string,
    recordId: string,
    path: string,
    access: PlaybackAccess,
    opts: { range?: string | undefined; head: boolean },
    signedInUser?: () => Promise<string | null>,
  ): Promise<PlaybackResult> {
    if (!safePath(path)) return { found: false };
    if (!this.storage) throw new DomainError('unavailable', 'recordings storage is not configured');
    const opened = await this.open(format, recordId, access, signedInUser);
    if (!opened) return { found: false };
    const object = await this.storage.read(`${opened.prefix}${path}`, opts.range, opts.head);
    if (!object) return { found: false };
    return {
      found: true,
      object,
      path,
      protected: opened.protected,
      ...(opened.session ? { session: opened.session } : {}),
    };
  }
}
