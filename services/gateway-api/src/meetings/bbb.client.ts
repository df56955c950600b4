import { DomainError } from '@ensemble/shared';
import { XMLParser } from 'fast-xml-parser';

const MAX_BODY = 256 * 1024;
const parser = new XMLParser({ parseTagValue: false, processEntities: true, ignoreAttributes: true });

export type BbbResponse = Record<string, unknown> & { returncode?: string; messageKey?: string; message?: string };

/**
 * Calls one signed BBB API URL and reads `<response>`. A node that does not
 * answer in time, answers garbage or FAILED becomes `unavailable`.
 */
export class BbbClient {
  constructor(private readonly timeoutMs: number) {}

  async call(signedUrl: string): Promise<BbbResponse> {
    let text: string;
    try {
      const res = await fetch(signedUrl, { signal: AbortSignal.timeout(this.timeoutMs), redirect: 'manual' });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } catch (e) {
      throw new DomainError('unavailable', `the meeting server did not answer (${callOf(signedUrl)}: ${reason(e)})`);
    }
    if (text.length > MAX_BODY) throw new DomainError('unavailable', 'the meeting server answered too much');
    let doc: unknown;
    try {
      doc = parser.parse(text);
    } catch {
      doc = null;
    }
    const response = (doc as { response?: unknown } | null)?.response;
    if (!response || typeof response !== 'object') {
      throw new DomainError('unavailable', `the meeting server answered no BBB response (${callOf(signedUrl)})`);
    }
    return response as BbbResponse;
  }

  /** `create`: SUCCESS, including BBB's duplicateWarning for a meeting that exists already. */
  async create(signedUrl: string): Promise<void> {
    const r = await this.call(signedUrl);
    if (r.returncode !== 'SUCCESS') {
      throw new DomainError('unavailable', `the meeting server refused to create the meeting (${r.messageKey ?? '?'})`);
    }
  }

  async isMeetingRunning(signedUrl: string): Promise<boolean> {
    const r = await this.call(signedUrl);
    return r.returncode === 'SUCCESS' && String(r.running) === 'true';
  }

  /** Participants of a running meeting; null when the node does not know it. */
  async participantCount(signedUrl: string): Promise<number | null> {
    const r = await this.call(signedUrl);
    if (r.returncode !== 'SUCCESS') return null;
    const n = Number(r.participantCount);
    return Number.isFinite(n) ? n : 0;
  }

  /** `end`: an unknown meeting is already ended. */
  async end(signedUrl: string): Promise<void> {
    const r = await this.call(signedUrl);
    if (r.returncode !== 'SUCCESS' && r.messageKey !== 'notFound') {
      throw new DomainError('unavailable', `the meeting server refused to end the meeting (${r.messageKey ?? '?'})`);
    }
  }
}

const callOf = (url: string) => /\/api\/(\w+)/.exec(url)?.[1] ?? 'call';
const reason = (e: unknown) => (e instanceof Error ? (e.name === 'TimeoutError' ? 'timeout' : e.message) : 'error');
