import { readCappedBody, discardBody } from '@ensemble/shared';
import { Agent, request } from 'undici';
import type { PollTarget } from '@ensemble/contracts';

export interface BbbPollOptions {
  connectTimeoutMs: number;
  /** Deadline for one call, from request to last body byte. */
  timeoutMs: number;
  /** Deadline for nodes the scheduler reports offline. */
  offlineTimeoutMs: number;
  maxBodyBytes: number;
}

/** Why a poll failed. Bounded, so it can be a metric label (http-<status> is at most 500 values). */
export type PollFailure =
  | 'timeout'
  | 'connect-timeout'
  | 'connect-refused'
  | 'connection-reset'
  | 'dns'
  | 'unreachable'
  | 'too-large'
  | 'aborted'
  | 'bad-url'
  | 'network'
  | `http-${number}`;

export type PollResult =
  { ok: true; xml: string; latencyMs: number } | { ok: false; error: PollFailure; latencyMs: number };

const BACKSTOP_MS = 1000;
const ONE_DECIMAL = (ms: number) => Math.round(ms * 10) / 10;

/**
 * One GET of a node's pre-signed getMeetings URL. Never throws: every outcome
 * is a `PollResult`. The URL carries a checksum, so it is never logged here.
 */
export class BbbPollClient {
  private readonly agent: Agent;

  constructor(private readonly opts: BbbPollOptions) {
    this.agent = new Agent({
      connect: { timeout: opts.connectTimeoutMs },
      // One request per node per cycle: keep the socket for the next cycle when the node allows it.
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 120_000,
      headersTimeout: opts.timeoutMs + BACKSTOP_MS,
      bodyTimeout: opts.timeoutMs + BACKSTOP_MS,
    });
  }

  async poll(target: Pick<PollTarget, 'pollUrl' | 'health'>, shutdown?: AbortSignal): Promise<PollResult> {
    const timeoutMs = target.health === 'offline' ? this.opts.offlineTimeoutMs : this.opts.timeoutMs;
    const started = performance.now();
    const elapsed = () => ONE_DECIMAL(performance.now() - started);
    if (shutdown?.aborted) return { ok: false, error: 'aborted', latencyMs: 0 };

    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('poll deadline')), timeoutMs);
    const onShutdown = () => deadline.abort(new Error('shutting down'));
    shutdown?.addEventListener('abort', onShutdown, { once: true });
    const why = (e: unknown): PollFailure =>
      shutdown?.aborted ? 'aborted' : deadline.signal.aborted ? 'timeout' : classify(e);

    try {
      let url: URL;
      try {
        url = new URL(target.pollUrl);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      } catch {
        return { ok: false, error: 'bad-url', latencyMs: 0 };
      }
      const res = await request(url, {
        method: 'GET',
        dispatcher: this.agent,
        signal: deadline.signal,
        // undici's own timers tick coarsely (about 0.5 s) and may fire early; they are a backstop
        // here, the AbortSignal above is the precise deadline.
        headersTimeout: timeoutMs + BACKSTOP_MS,
        bodyTimeout: timeoutMs + BACKSTOP_MS,
        headers: { accept: 'text/xml, application/xml' },
      });
      if (res.statusCode !== 200) {
        // Read a small error body out so the socket stays reusable; a big one is cut off instead.
        await res.body.dump({ limit: 64 * 1024, signal: deadline.signal }).catch(() => undefined);
        const status = res.statusCode >= 100 && res.statusCode <= 599 ? res.statusCode : 0;
        return { ok: false, error: `http-${status}`, latencyMs: elapsed() };
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > this.opts.maxBodyBytes) {
        discardBody(res.body);
        return { ok: false, error: 'too-large', latencyMs: elapsed() };
      }
      const xml = await readCappedBody(res.body, this.opts.maxBodyBytes);
      if (xml === null) return { ok: false, error: 'too-large', latencyMs: elapsed() };
      return { ok: true, xml, latencyMs: elapsed() };
    } catch (e) {
      return { ok: false, error: why(e), latencyMs: elapsed() };
    } finally {
      clearTimeout(timer);
      shutdown?.removeEventListener('abort', onShutdown);
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }
}

/** Drops a body without reading it; the error destroy() emits has nobody to tell. */
/** Maps undici and socket errors to a bounded reason; never leaks the URL. */
function classify(e: unknown): PollFailure {
  const codes = new Set<string>();
  const collect = (err: unknown, depth: number) => {
    if (!err || typeof err !== 'object' || depth > 3) return;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') codes.add(code);
    collect((err as { cause?: unknown }).cause, depth + 1);
    const inner = (err as { errors?: unknown }).errors;
    if (Array.isArray(inner)) for (const x of inner) collect(x, depth + 1);
  };
  collect(e, 0);
  if (codes.has('UND_ERR_CONNECT_TIMEOUT') || codes.has('ETIMEDOUT')) return 'connect-timeout';
  if (codes.has('UND_ERR_HEADERS_TIMEOUT') || codes.has('UND_ERR_BODY_TIMEOUT')) return 'timeout';
  if (codes.has('ECONNREFUSED')) return 'connect-refused';
  if (codes.has('ECONNRESET') || codes.has('EPIPE') || codes.has('UND_ERR_SOCKET')) return 'connection-reset';
  if (codes.has('ENOTFOUND') || codes.has('EAI_AGAIN')) return 'dns';
  if (codes.has('EHOSTUNREACH') || codes.has('ENETUNREACH') || codes.has('EHOSTDOWN')) return 'unreachable';
  if (codes.has('UND_ERR_ABORTED')) return 'aborted';
  if (codes.has('UND_ERR_INVALID_ARG') || codes.has('ERR_INVALID_URL')) return 'bad-url';
  return 'network';
}
