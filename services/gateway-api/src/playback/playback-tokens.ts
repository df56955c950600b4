import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';

/** The cookie a playback link sets for one recording (its files are loaded by the player without the link's query). */
export const sessionCookie = (recordId: string): string => `ensemble_rec_${recordId.replace(/[^A-Za-z0-9-]/g, '')}`;

/**
 * Protected recordings (decision 104): `<expiry s>.<HMAC-SHA256(kind, record id, expiry)>`,
 * stateless, so any gateway holding RECORDINGS_PLAYBACK_SECRET checks it. Two kinds: `link`
 * (in getRecordings' URLs, short-lived) and `session` (the cookie set when a link is opened).
 * Tokens can be made whenever the secret is set, RECORDINGS_PROTECTED or not: a tenant may
 * protect its recordings while the global default is off (decision 116). Which recordings ask
 * for one is `RecordingProtection`'s to say. Without the secret none is issued and none is valid.
 */
@Injectable()
export class PlaybackTokens {
  private readonly key: Buffer | undefined;
  /** RECORDINGS_PROTECTED: whether a tenant that chose nothing has protected recordings. */
  readonly protectedByDefault: boolean;
  readonly linkTtlS: number;
  readonly sessionTtlS: number;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    if (config.RECORDINGS_PROTECTED && !config.RECORDINGS_PLAYBACK_SECRET) {
      throw new Error('RECORDINGS_PROTECTED=true needs RECORDINGS_PLAYBACK_SECRET');
    }
    const secret = config.RECORDINGS_PLAYBACK_SECRET;
    this.key = secret ? Buffer.from(secret) : undefined;
    this.protectedByDefault = config.RECORDINGS_PROTECTED;
    this.linkTtlS = config.RECORDINGS_PLAYBACK_LINK_TTL_S;
    this.sessionTtlS = config.RECORDINGS_PLAYBACK_SESSION_TTL_S;
  }

  /** Whether RECORDINGS_PLAYBACK_SECRET is set: without it no recording can be opened by token. */
  get canSign(): boolean {
    return this.key !== undefined;
  }

  /** The query a protected recording's playback URL carries: '' without the secret. */
  query(recordId: string, now = Date.now()): string {
    return this.key ? `?token=${this.issue('link', recordId, now, this.linkTtlS)}` : '';
  }

  issue(kind: 'link' | 'session', recordId: string, now: number, ttlS: number): string {
    if (!this.key) throw new Error('playback tokens need RECORDINGS_PLAYBACK_SECRET');
    const exp = Math.floor(now / 1000) + ttlS;
    return `${exp}.${this.mac(kind, recordId, exp)}`;
  }

  /** True for an unexpired token of this kind and record, signed with our key. */
  valid(kind: 'link' | 'session', recordId: string, token: string | undefined, now = Date.now()): boolean {
    if (!this.key || !token) return false;
    const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return false;
    const exp = Number(m[1]);
    if (exp * 1000 <= now) return false;
    const want = Buffer.from(this.mac(kind, recordId, exp));
    const got = Buffer.from(m[2]!);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  private mac(kind: string, recordId: string, exp: number): string {
    return createHmac('sha256', this.key!).update(`${kind}\n${recordId}\n${exp}`).digest('base64url');
  }
}
