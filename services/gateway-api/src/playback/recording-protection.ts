import type { PlaybackTokens } from './playback-tokens.js';
import { isProtected, type RoomVisibility } from './recording-visibility.js';

/** The record's link token or session cookie, as received. */
export interface PlaybackAccess {
  linkToken?: string | undefined;
  sessionToken?: string | undefined;
}

/** What a request may do with one recording: refused, or opened (with a new session when it came by link). */
export type PlaybackGrant = { allowed: false } | { allowed: true; protected: boolean; session?: string };

/**
 * A recording as far as protection goes: its id, the tenant it is indexed under and, for a
 * web room's, the room's recording visibility (decision 125; absent or null: not a room's).
 */
export interface ProtectedRecording {
  recordId: string;
  tenant: string;
  roomVisibility?: RoomVisibility | undefined;
}

/**
 * Which recordings are protected, and whether a request may open one (decisions 104, 116):
 * a recording is protected when its room's visibility is protected or private (decision 125),
 * or its tenant says so, else when RECORDINGS_PROTECTED does. The
 * one rule for getRecordings' URLs, the web app's Play links and playback itself, so a link
 * handed out carries a token exactly when opening it asks for one.
 *
 * A tenant protected on a gateway without RECORDINGS_PLAYBACK_SECRET (the ops API refuses to
 * set it so, but the secret may be taken out of a gateway's config later) fails closed: its
 * links carry no token and its recordings are not served, rather than served to anyone.
 */
export class RecordingProtection {
  private readonly warned = new Set<string>();

  constructor(
    private readonly tokens: PlaybackTokens,
    /** The tenant's own choice; undefined for a tenant this gateway does not know (RECORDINGS_PROTECTED then). */
    private readonly choiceOf: (tenant: string) => boolean | null | undefined,
    /** Told once per tenant that is protected while no token can be made. */
    private readonly unplayable: (tenant: string) => void = () => undefined,
  ) {}

  /** Whether this tenant's recordings are protected now. */
  of(tenant: string): boolean {
    const on = this.choiceOf(tenant) ?? this.tokens.protectedByDefault;
    if (on && !this.tokens.canSign && !this.warned.has(tenant)) {
      this.warned.add(tenant);
      this.unplayable(tenant);
    }
    return on;
  }

  /** Whether this recording is protected now: its room's visibility, else its tenant's choice. */
  ofRecording(r: ProtectedRecording): boolean {
    return isProtected(r.roomVisibility ?? null, this.of(r.tenant));
  }

  /** The query a playback link of this recording carries: a link token when it is protected, else ''. */
  linkQuery(r: ProtectedRecording, now = Date.now()): string {
    return this.ofRecording(r) ? this.tokens.query(r.recordId, now) : '';
  }

  /**
   * An open recording is served to anyone; a protected one with a valid link token (which
   * yields a session for the cookie) or session token for that recording only.
   */
  grant(r: ProtectedRecording, access: PlaybackAccess, now = Date.now()): PlaybackGrant {
    if (!this.ofRecording(r)) return { allowed: true, protected: false };
    if (this.tokens.valid('link', r.recordId, access.linkToken, now)) {
      return {
        allowed: true,
        protected: true,
        session: this.tokens.issue('session', r.recordId, now, this.tokens.sessionTtlS),
      };
    }
    return this.tokens.valid('session', r.recordId, access.sessionToken, now)
      ? { allowed: true, protected: true }
      : { allowed: false };
  }
}
