import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * The callbacks a node calls Ensemble for instead of the integration (decision 113), named
 * as in the receiver's path: `end-callback` (meta_endCallbackUrl), `meeting-ended`
 * (meetingEndedURL), `analytics` (meta_analytics-callback-url), `recording-ready`
 * (meta_bbb-recording-ready-url; the node never calls it, the transfer reads it).
 */
export const CALLBACK_SOURCES = ['end-callback', 'meeting-ended', 'analytics', 'recording-ready'] as const;
export type CallbackSource = (typeof CALLBACK_SOURCES)[number];

/** What a token says: whose callback it is and where it goes. */
export interface CallbackTarget {
  source: CallbackSource;
  tenant: string;
  /** The meetingID the integration sent (not the node's namespaced one). */
  meetingID: string;
  /** The integration's URL, as it sent it. */
  url: string;
  /** Random per create call: one meeting-ended event per created meeting. */
  nonce: string;
}

const payloadSchema = z.object({
  s: z.enum(CALLBACK_SOURCES),
  t: z.string().min(1).max(63),
  m: z.string().max(512),
  u: z.string().max(4096),
  n: z.string().min(1).max(64),
});

const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A token's characters: what the receiver's route and the answers' rewriting look for. */
export const TOKEN_PATTERN = 'v1\\.[A-Za-z0-9_-]{40,8192}';

/**
 * Self-contained callback tokens: AES-256-GCM (authenticated: a changed byte does not open)
 * of the target, so the integration's URL (which may carry its own token) is unreadable on
 * the node, in its logs and in the node's metadata; nothing is stored to look it up.
 */
export class CallbackTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'ensemble callback token v1', 32));
  }

  seal(target: Omit<CallbackTarget, 'nonce'> & { nonce?: string }): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const payload = JSON.stringify({
      s: target.source,
      t: target.tenant,
      m: target.meetingID,
      u: target.url,
      n: target.nonce ?? randomBytes(9).toString('base64url'),
    });
    const sealed = Buffer.concat([iv, cipher.update(payload, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}${sealed.toString('base64url')}`;
  }

  /** The target, or undefined for anything not sealed by this key (changed, truncated, foreign). */
  open(token: string): CallbackTarget | undefined {
    if (!token.startsWith(VERSION)) return undefined;
    const raw = Buffer.from(token.slice(VERSION.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES + 1) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      const p = payloadSchema.safeParse(JSON.parse(plain.toString('utf8')));
      if (!p.success) return undefined;
      return { source: p.data.s, tenant: p.data.t, meetingID: p.data.m, url: p.data.u, nonce: p.data.n };
    } catch {
      return undefined;
    }
  }
}
