import { readCappedBody } from '@ensemble/shared';
import { XMLParser } from 'fast-xml-parser';
import { Agent, request } from 'undici';
import { z } from 'zod';

export interface BbbAdminOptions {
  /** Deadline of one call, from request to last body byte. */
  timeoutMs: number;
  maxBodyBytes: number;
  /** End calls in flight at once during a panic. */
  concurrency: number;
}

const parser = new XMLParser({
  parseTagValue: false,
  isArray: (name) => name === 'meeting' || name === 'recording' || name === 'format',
});
/** A recording as its node reports it. */
export interface NodeRecording {
  recordId: string;
  state: string;
  formats: string[];
}

const text = z.union([z.string(), z.number()]).transform(String);
const responseSchema = z.object({
  response: z.object({
    returncode: z.string(),
    messageKey: text.optional(),
    bbbVersion: text.optional(),
    meetings: z
      .union([z.literal(''), z.object({ meeting: z.array(z.object({ meetingID: text })).optional() })])
      .optional(),
    recordings: z
      .union([
        z.literal(''),
        z.object({
          recording: z
            .array(
              z.object({
                recordID: text,
                state: text,
                playback: z
                  .union([z.literal(''), z.object({ format: z.array(z.object({ type: text })).optional() })])
                  .optional(),
              }),
            )
            .optional(),
        }),
      ])
      .optional(),
  }),
});
type BbbResponse = z.infer<typeof responseSchema>['response'];

/**
 * The few BBB calls the scheduler makes itself (panic, version). URLs come
 * signed and carry checksums, so they are never logged or put into errors.
 */
export class BbbAdminClient {
  private readonly agent: Agent;

  constructor(private readonly opts: BbbAdminOptions) {
    this.agent = new Agent({
      connect: { timeout: opts.timeoutMs },
      headersTimeout: opts.timeoutMs + 1000,
      bodyTimeout: opts.timeoutMs + 1000,
    });
  }

  /** meetingIDs running on the node, from a signed getMeetings URL. */
  async meetingIds(getMeetingsUrl: string): Promise<string[]> {
    const r = await this.call(getMeetingsUrl);
    if (r.returncode !== 'SUCCESS') throw new Error(`getMeetings failed: ${r.messageKey ?? 'unknown'}`);
    return r.meetings ? (r.meetings.meeting ?? []).map((m) => m.meetingID) : [];
  }

  /** Every recording the node reports from a signed getRecordings URL: id, state, playback formats. */
  async recordings(getRecordingsUrl: string): Promise<NodeRecording[]> {
    const r = await this.call(getRecordingsUrl);
    if (r.returncode !== 'SUCCESS') throw new Error(`getRecordings failed: ${r.messageKey ?? 'unknown'}`);
    const list = r.recordings ? (r.recordings.recording ?? []) : [];
    return list.map((x) => ({
      recordId: x.recordID,
      state: x.state,
      formats: x.playback ? (x.playback.format ?? []).map((f) => f.type) : [],
    }));
  }

  /**
   * Calls each signed `end` URL with bounded concurrency; counts answers. A
   * meeting that is already gone (`notFound`) counts as ended.
   */
  async endAll(endUrls: readonly string[]): Promise<{ ended: number; failed: number }> {
    let next = 0;
    const counts = { ended: 0, failed: 0 };
    const worker = async () => {
      while (next < endUrls.length) {
        const url = endUrls[next++]!;
        const r = await this.call(url).catch(() => null);
        if (r && (r.returncode === 'SUCCESS' || r.messageKey === 'notFound')) counts.ended++;
        else counts.failed++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, endUrls.length) }, worker));
    return counts;
  }

  /** `<bbbVersion>` of the API root (no checksum needed), or null when it does not say. */
  async version(apiRootUrl: string): Promise<string | null> {
    const v = (await this.call(apiRootUrl)).bbbVersion?.trim();
    return v && /^[\w.+-]{1,64}$/.test(v) ? v : null;
  }

  /**
   * Whether the node answers a signed call with BBB's `<response>` within `timeoutMs`
   * (any returncode: a FAILED answer still comes from a live node). Null when it
   * does, else why not (`unreachable (ECONNREFUSED)`, `http-502`, `bad-xml`...).
   */
  async probe(url: string, timeoutMs: number): Promise<string | null> {
    try {
      await this.call(url, timeoutMs);
      return null;
    } catch (e) {
      return (e as Error).message.slice(0, 80);
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }

  private async call(url: string, timeoutMs = this.opts.timeoutMs): Promise<BbbResponse> {
    const res = await request(url, {
      method: 'GET',
      dispatcher: this.agent,
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'text/xml, application/xml' },
    }).catch((e: unknown) => {
      const name = (e as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new Error('timeout');
      throw new Error(`unreachable (${(e as { code?: string }).code ?? name})`);
    });
    if (res.statusCode !== 200) {
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      throw new Error(`http-${res.statusCode}`);
    }
    const body = await readCappedBody(res.body, this.opts.maxBodyBytes);
    if (body === null) throw new Error('too-large');
    let doc: unknown;
    try {
      doc = parser.parse(body);
    } catch {
      throw new Error('bad-xml');
    }
    const parsed = responseSchema.safeParse(doc);
    if (!parsed.success) throw new Error('bad-xml');
    return parsed.data.response;
  }
}
