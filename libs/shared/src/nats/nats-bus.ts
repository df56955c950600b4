import {
  connect,
  errors as natsErrors,
  type Msg,
  type NodeConnectionOptions,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import type { z } from 'zod';
import type { EventContract, RequestContract } from '@ensemble/contracts';
import { replyEnvelope } from '@ensemble/contracts';
import { DomainError, isDomainError, type ErrorCode } from '@ensemble/contracts';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

const MAX_PAYLOAD_BYTES = 256 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface NatsBusOptions {
  url: string;
  name: string;
  logger: Logger;
  metrics: Metrics;
}

/**
 * The connection options every service uses; the benchmark's floor uses them too,
 * so it measures the bare path as fast as the services' own connections can go.
 */
export function natsConnectionOptions(url: string, name: string): NodeConnectionOptions {
  return {
    servers: url.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    // No Error object (and stack capture) made up front for every request: a hot-path cost.
    noAsyncTraces: true,
  };
}

type Handler<T> = (payload: T, subject: string) => void | Promise<void>;

/**
 * The one typed door to NATS. A subject and its payload come from the same
 * contract; every payload is validated on receipt (and before sending), an
 * invalid one is answered with a typed error and counted, never thrown.
 */
export class NatsBus {
  private constructor(
    readonly connection: NatsConnection,
    private readonly logger: Logger,
    private readonly invalid: ReturnType<Metrics['counter']>,
    private readonly requestSeconds: ReturnType<Metrics['histogram']>,
    private readonly retried: ReturnType<Metrics['counter']>,
  ) {}

  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    const connection = await connect(natsConnectionOptions(opts.url, opts.name));
    const logger = opts.logger.child({ component: 'nats' });
    void (async () => {
      for await (const s of connection.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnect')
          logger.warn(`nats ${s.type}`, { server: (s as { server?: string }).server });
      }
    })();
    const invalid = opts.metrics.counter(
      'ensemble_nats_invalid_payloads_total',
      'NATS payloads rejected by their schema',
      ['subject'],
    );
    const requestSeconds = opts.metrics.histogram(
      'ensemble_nats_request_duration_seconds',
      'NATS request latency as seen by the requester',
      ['subject', 'outcome'],
    );
    const retried = opts.metrics.counter(
      'ensemble_nats_request_retries_total',
      'Idempotent NATS requests sent again after a timeout or no responders',
      ['subject'],
    );
    return new NatsBus(connection, logger, invalid, requestSeconds, retried);
  }

  publish<S extends z.ZodType>(contract: EventContract<S>, payload: z.input<S>): void {
    const parsed = contract.schema.parse(payload);
    this.connection.publish(contract.subjectOf(parsed), encoder.encode(JSON.stringify(parsed)));
  }

  /** Subscribes to every subject of an event; invalid payloads are counted and dropped. */
  subscribe<S extends z.ZodType>(
    contract: EventContract<S>,
    handler: Handler<z.output<S>>,
    opts: { queue?: string; subject?: string } = {},
  ): Subscription {
    const pattern = opts.subject ?? contract.pattern;
    return this.connection.subscribe(pattern, {
      ...(opts.queue ? { queue: opts.queue } : {}),
      callback: (err, msg) => {
        if (err) return this.logger.warn('subscription error', { pattern, error: err.message });
        const decoded = this.decode(msg, contract.schema, pattern);
        if (!decoded.ok) return;
        Promise.resolve()
          .then(() => handler(decoded.value, msg.subject))
          .catch((e: unknown) => this.logger.error('event handler failed', { subject: msg.subject, error: e }));
      },
    });
  }

  /** Serves a request subject in its queue group; every reply is an envelope. */
  serve<Q extends z.ZodType, R extends z.ZodType>(
    contract: RequestContract<Q, R>,
    handler: (request: z.output<Q>) => Promise<z.input<R>>,
  ): Subscription {
    return this.connection.subscribe(contract.subject, {
      queue: contract.queue,
      callback: (err, msg) => {
        if (err) return this.logger.warn('subscription error', { subject: contract.subject, error: err.message });
        void this.answer(msg, contract, handler);
      },
    });
  }

  /**
   * Sends a request and returns the validated value, or throws a DomainError.
   * With `retries` (idempotent requests only: place, locate, sign, list), a
   * transport failure (timeout, no responders: a server that died with our
   * request) is retried on whichever member of the queue group is left. The
   * whole call stays within `timeoutMs`: each attempt gets an equal share.
   */
  async request<Q extends z.ZodType, R extends z.ZodType>(
    contract: RequestContract<Q, R>,
    payload: z.input<Q>,
    opts: { timeoutMs?: number; retries?: number } = {},
  ): Promise<z.output<R>> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    const attempts = 1 + Math.max(0, Math.min(opts.retries ?? 0, 5));
    const deadline = Date.now() + timeoutMs;
    const share = Math.max(50, Math.floor(timeoutMs / attempts));
    const data = encoder.encode(JSON.stringify(payload));
    const end = this.requestSeconds.startTimer({ subject: contract.subject });
    let outcome = 'ok';
    try {
      let msg: Msg | undefined;
      for (let attempt = 1; msg === undefined; attempt++) {
        const left = deadline - Date.now();
        const timeout = attempt === attempts ? Math.max(50, left) : Math.min(share, Math.max(50, left));
        try {
          msg = await this.connection.request(contract.subject, data, { timeout });
        } catch (e) {
          const error = this.transportError(e, contract.subject);
          if (attempt >= attempts || deadline - Date.now() < 50) throw error;
          this.retried.inc({ subject: contract.subject });
          this.logger.warn('request retried', { subject: contract.subject, attempt, why: error.message });
          await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 30)));
        }
      }
      const envelope = envelopeOf(contract.reply).safeParse(safeJson(msg.data));
      if (!envelope.success) throw new DomainError('unavailable', `malformed reply on ${contract.subject}`);
      const reply = envelope.data as
        { ok: true; value: z.output<R> } | { ok: false; error: { code: ErrorCode; message: string } };
      if (!reply.ok) {
        outcome = reply.error.code;
        throw new DomainError(reply.error.code, reply.error.message);
      }
      return reply.value;
    } catch (e) {
      if (outcome === 'ok') outcome = isDomainError(e) ? e.code : 'error';
      throw e;
    } finally {
      end({ outcome });
    }
  }

  async close(): Promise<void> {
    if (this.connection.isClosed()) return;
    await this.connection.drain().catch(() => this.connection.close());
  }

  private async answer<Q extends z.ZodType, R extends z.ZodType>(
    msg: Msg,
    contract: RequestContract<Q, R>,
    handler: (request: z.output<Q>) => Promise<z.input<R>>,
  ): Promise<void> {
    const decoded = this.decode(msg, contract.request, contract.subject);
    let body: unknown;
    if (!decoded.ok) {
      body = { ok: false, error: decoded.error.toJSON() };
    } else {
      try {
        body = { ok: true, value: await handler(decoded.value) };
      } catch (e) {
        if (isDomainError(e)) body = { ok: false, error: e.toJSON() };
        else {
          this.logger.error('request handler failed', { subject: contract.subject, error: e });
          body = { ok: false, error: { code: 'internal', message: 'internal error' } };
        }
      }
    }
    if (msg.reply) msg.respond(encoder.encode(JSON.stringify(body)));
  }

  private decode<S extends z.ZodType>(
    msg: Msg,
    schema: S,
    subject: string,
  ): { ok: true; value: z.output<S> } | { ok: false; error: DomainError } {
    const reject = (why: string) => {
      this.invalid.inc({ subject });
      this.logger.warn('invalid payload', { subject: msg.subject, why });
      return { ok: false as const, error: new DomainError('invalid-input', why) };
    };
    if (msg.data.byteLength > MAX_PAYLOAD_BYTES) return reject('payload too large');
    const json = safeJson(msg.data);
    if (json === undefined) return reject('payload is not JSON');
    const result = schema.safeParse(json);
    if (!result.success) {
      const first = result.error.issues[0];
      return reject(`${first?.path.join('.') || 'payload'}: ${first?.message ?? 'invalid'}`);
    }
    return { ok: true, value: result.data };
  }

  private transportError(e: unknown, subject: string): DomainError {
    if (e instanceof natsErrors.NoRespondersError)
      return new DomainError('unavailable', `no service answers ${subject}`);
    if (e instanceof natsErrors.TimeoutError) return new DomainError('unavailable', `${subject} timed out`);
    if (e instanceof natsErrors.RequestError && e.isNoResponders())
      return new DomainError('unavailable', `no service answers ${subject}`);
    return new DomainError('unavailable', `${subject}: ${(e as Error).message ?? 'request failed'}`);
  }
}

/** One envelope schema per reply schema: zod compiles a schema on its first parse, so build each once. */
const envelopes = new WeakMap<z.ZodType, z.ZodType>();
function envelopeOf(reply: z.ZodType): z.ZodType {
  let envelope = envelopes.get(reply);
  if (!envelope) envelopes.set(reply, (envelope = replyEnvelope(reply)));
  return envelope;
}

function safeJson(data: Uint8Array): unknown {
  try {
    // JSON.parse's reviver drops prototype-pollution keys before zod sees them.
    return JSON.parse(decoder.decode(data), (k, v: unknown) =>
      k === '__proto__' || k === 'constructor' ? undefined : v,
    );
  } catch {
    return undefined;
  }
}
