import { readCappedBody } from '@ensemble/shared';
import { Agent, request } from 'undici';
import { z } from 'zod';

/** One element of an instant vector: its labels and value (NaN and infinities dropped). */
export interface VectorSample {
  labels: Record<string, string>;
  value: number;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

const responseSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({
      resultType: z.literal('vector'),
      result: z
        .array(
          z.object({
            metric: z.record(z.string(), z.string()),
            value: z.tuple([z.number(), z.string()]),
          }),
        )
        .max(100_000),
    }),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().max(200), error: z.string().max(2000) }),
]);

/** Prometheus writes a sample value as a decimal string ("0.42", "1e+06"), or NaN/±Inf. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A finite value, or undefined. `Number()` alone would read "" and " " as 0 (an idle
 * node that is not) and "0x1F" as 31.
 */
function sampleValue(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Why a query gave nothing. `reason` is bounded (a metric label); `message` is for logs. */
export class PrometheusQueryError extends Error {
  constructor(
    readonly reason: 'timeout' | 'network' | 'http' | 'too-large' | 'bad-json' | 'query-error' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

/** Instant queries against Prometheus' HTTP API (`/api/v1/query`), each with a deadline. */
export class PrometheusClient {
  private readonly agent: Agent;
  private readonly endpoint: URL;

  constructor(
    baseUrl: string,
    private readonly timeoutMs: number,
  ) {
    this.endpoint = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    this.agent = new Agent({
      connect: { timeout: Math.min(timeoutMs, 2000) },
      keepAliveTimeout: 60_000,
      headersTimeout: timeoutMs + 1000,
      bodyTimeout: timeoutMs + 1000,
    });
  }

  async query(expr: string, shutdown?: AbortSignal): Promise<VectorSample[]> {
    if (shutdown?.aborted) throw new PrometheusQueryError('aborted', 'shutting down');
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('query deadline')), this.timeoutMs);
    const onShutdown = () => deadline.abort(new Error('shutting down'));
    shutdown?.addEventListener('abort', onShutdown, { once: true });
    try {
      let text: string;
      try {
        const res = await request(this.endpoint, {
          method: 'POST',
          dispatcher: this.agent,
          signal: deadline.signal,
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({ query: expr }).toString(),
        });
        const body = await readCappedBody(res.body, MAX_BODY_BYTES);
        if (body === null) throw new PrometheusQueryError('too-large', `answer over ${MAX_BODY_BYTES} bytes`);
        text = body;
        // Prometheus answers 400/422/503 with an error body in the same JSON shape.
        if (res.statusCode !== 200 && !text.startsWith('{')) {
          throw new PrometheusQueryError('http', `HTTP ${res.statusCode}`);
        }
      } catch (e) {
        if (e instanceof PrometheusQueryError) throw e;
        if (shutdown?.aborted) throw new PrometheusQueryError('aborted', 'shutting down');
        if (deadline.signal.aborted) throw new PrometheusQueryError('timeout', `no answer within ${this.timeoutMs} ms`);
        throw new PrometheusQueryError('network', (e as Error).message);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new PrometheusQueryError('bad-json', 'answer is not JSON');
      }
      const parsed = responseSchema.safeParse(json);
      if (!parsed.success) throw new PrometheusQueryError('bad-json', 'answer is not an instant vector');
      if (parsed.data.status === 'error') {
        throw new PrometheusQueryError('query-error', `${parsed.data.errorType}: ${parsed.data.error}`);
      }
      return parsed.data.data.result.flatMap((r) => {
        const value = sampleValue(r.value[1]);
        return value === undefined ? [] : [{ labels: r.metric, value }];
      });
    } finally {
      clearTimeout(timer);
      shutdown?.removeEventListener('abort', onShutdown);
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }
}
