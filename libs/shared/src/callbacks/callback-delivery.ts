import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { request } from 'undici';
import { outboundCallbackSchema, type CallbackKind, type OutboundCallback } from '@ensemble/contracts';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { retryDelayMs, type CallbackRetryPolicy } from './retry-policy.js';

export const CALLBACK_STREAM = 'ENSEMBLE_CALLBACKS';
/** Waiting callbacks; `dead.` ones are kept beside them for inspection, never delivered. */
const PENDING = 'ensemble.callbacks.pending';
const DEAD = 'ensemble.callbacks.dead';
/** One durable consumer shared by every gateway: each callback goes to one of them. */
const CONSUMER = 'callback-delivery';
const DAY_MS = 86_400_000;

export interface CallbackDeliveryOptions {
  connection: NatsConnection;
  logger: Logger;
  metrics: Metrics;
  retry: CallbackRetryPolicy;
  /** How long the stream keeps a callback, delivered or not (dead letters included). */
  keepMs?: number;
  /** Same id within this window = one callback (JetStream's duplicate window). */
  dedupWindowMs?: number;
  /** Copies of the stream in a JetStream cluster. */
  replicas?: number;
  /** Callbacks sent at once by this process. */
  concurrency?: number;
}

type Outcome = { ok: true } | { ok: false; final: boolean; reason: string };

/**
 * Outbound callbacks to integrations, at least once: `enqueue` stores one in a
 * JetStream stream (deduplicated by its id); `start` runs the shared durable pull
 * consumer that POSTs it, acks only after a 2xx, naks with an exponential delay
 * otherwise, and after the policy's last attempt moves it to `dead.` (logged,
 * counted, kept for the stream's age). A process that stops mid-way leaves its
 * callbacks unacked: they come back to whichever gateway asks next.
 */
export class CallbackDelivery {
  private readonly js: JetStreamClient;
  private readonly log: Logger;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly counters;

  constructor(private readonly opts: CallbackDeliveryOptions) {
    this.js = jetstream(opts.connection);
    this.log = opts.logger.child({ component: 'callbacks' });
    const m = opts.metrics;
    this.counters = {
      delivered: m.counter('ensemble_callbacks_delivered_total', 'Callbacks an integration accepted (2xx)', ['kind']),
      retried: m.counter('ensemble_callbacks_retried_total', 'Callback attempts that failed and wait for another', [
        'kind',
      ]),
      dead: m.counter('ensemble_callbacks_dead_total', 'Callbacks given up on, kept in the stream as dead', ['kind']),
      invalid: m.counter('ensemble_callbacks_invalid_total', 'Stream messages that were no callback, dropped'),
    };
  }

  /** The stream and the consumer, created or brought to this configuration (every start). */
  async ensure(): Promise<void> {
    const jsm = await jetstreamManager(this.opts.connection);
    const stream: Partial<StreamConfig> & { name: string } = {
      name: CALLBACK_STREAM,
      subjects: [`${PENDING}.>`, `${DEAD}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: nanos(this.opts.keepMs ?? 14 * DAY_MS),
      duplicate_window: nanos(this.opts.dedupWindowMs ?? DAY_MS),
      num_replicas: this.opts.replicas ?? 1,
    };
    try {
      await jsm.streams.info(CALLBACK_STREAM);
      await jsm.streams.update(CALLBACK_STREAM, stream);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await jsm.streams.add(stream);
    }
    const consumer: Partial<ConsumerConfig> = {
      durable_name: CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: `${PENDING}.>`,
      // A crashed holder's callback comes back after this; longer than one attempt can take.
      ack_wait: nanos(this.opts.retry.attemptTimeoutMs + 10_000),
      max_deliver: -1,
      max_ack_pending: 1000,
    };
    try {
      await jsm.consumers.info(CALLBACK_STREAM, CONSUMER);
      await jsm.consumers.update(CALLBACK_STREAM, CONSUMER, consumer);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await jsm.consumers.add(CALLBACK_STREAM, consumer);
    }
  }

  /** Stores a callback; true if new, false if the same id was enqueued before (within the window). */
  async enqueue(callback: OutboundCallback): Promise<boolean> {
    const valid = outboundCallbackSchema.parse(callback);
    const ack = await this.js.publish(`${PENDING}.${valid.kind}`, JSON.stringify(valid), { msgID: valid.id });
    return !ack.duplicate;
  }

  /** Starts delivering (after `ensure`). */
  async start(): Promise<void> {
    const consumer = await this.js.consumers.get(CALLBACK_STREAM, CONSUMER);
    const limit = this.opts.concurrency ?? 8;
    this.messages = await consumer.consume({ max_messages: limit });
    const messages = this.messages;
    this.loop = (async () => {
      for await (const msg of messages) {
        const job = this.handle(msg).finally(() => this.inFlight.delete(job));
        this.inFlight.add(job);
        // Bounded: the next message waits for a free slot.
        while (this.inFlight.size >= limit) await Promise.race(this.inFlight);
      }
    })().catch((e: unknown) => {
      // Never an unhandled rejection; the callbacks wait in the stream for the next start.
      this.log.error('callback delivery stopped', { error: (e as Error).message });
    });
  }

  /** Stops taking callbacks and waits for the ones being sent (unfinished ones return to the stream). */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
    await Promise.allSettled(this.inFlight);
  }

  private async handle(msg: JsMsg): Promise<void> {
    let raw: unknown;
    try {
      raw = msg.json();
    } catch {
      raw = undefined;
    }
    const parsed = outboundCallbackSchema.safeParse(raw);
    if (!parsed.success) {
      this.counters.invalid.inc();
      this.log.error('callback message invalid, dropped', { seq: msg.seq, subject: msg.subject });
      msg.term();
      return;
    }
    const cb = parsed.data;
    const attempt = msg.info.deliveryCount;
    const fields = { callbackId: cb.id, kind: cb.kind, host: new URL(cb.url).host, attempt };
    const outcome = await this.send(cb);
    if (outcome.ok) {
      msg.ack();
      this.counters.delivered.inc({ kind: cb.kind });
      this.log.info('callback delivered', fields);
      return;
    }
    const delay = outcome.final ? undefined : retryDelayMs(this.opts.retry, attempt, Date.now() - cb.enqueuedAt);
    if (delay === undefined) {
      await this.bury(msg, cb, outcome.reason);
      this.counters.dead.inc({ kind: cb.kind });
      this.log.error('callback given up', { ...fields, reason: outcome.reason });
      return;
    }
    msg.nak(delay);
    this.counters.retried.inc({ kind: cb.kind });
    this.log.warn('callback failed, retried later', { ...fields, reason: outcome.reason, retryInMs: delay });
  }

  private async send(cb: OutboundCallback): Promise<Outcome> {
    try {
      const res = await request(cb.url, {
        method: 'POST',
        headers: { 'content-type': cb.contentType, 'user-agent': 'Ensemble callbacks' },
        body: cb.body,
        signal: AbortSignal.timeout(this.opts.retry.attemptTimeoutMs),
      });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true };
      // 410: the receiver says the meeting is gone for good (BBB stops there too).
      return { ok: false, final: res.statusCode === 410, reason: `http ${res.statusCode}` };
    } catch (e) {
      return { ok: false, final: false, reason: (e as { code?: string }).code ?? (e as Error).name };
    }
  }

  /** The dead letter: a copy under `dead.` (kept with the stream's age), then the original terminated. */
  private async bury(msg: JsMsg, cb: OutboundCallback, reason: string): Promise<void> {
    try {
      await this.js.publish(`${DEAD}.${cb.kind}`, JSON.stringify({ ...cb, reason, deadAt: Date.now() }), {
        msgID: `dead:${cb.id}`,
      });
    } catch (e) {
      // Not buried: redelivered later and buried then, rather than lost.
      this.log.warn('callback dead letter not stored', { callbackId: cb.id, error: (e as Error).message });
      msg.nak(this.opts.retry.maxDelayMs);
      return;
    }
    msg.term();
  }
}

/** The dead letters of a kind, newest last (for operators and tests). */
export async function deadCallbacks(
  connection: NatsConnection,
  kind: CallbackKind,
): Promise<Array<OutboundCallback & { reason: string }>> {
  const jsm = await jetstreamManager(connection);
  const out: Array<OutboundCallback & { reason: string }> = [];
  const info = await jsm.streams.info(CALLBACK_STREAM, { subjects_filter: `${DEAD}.${kind}` });
  if (!info.state.subjects?.[`${DEAD}.${kind}`]) return out;
  const js = jetstream(connection);
  const c = await js.consumers.get(CALLBACK_STREAM, { filter_subjects: `${DEAD}.${kind}` });
  const batch = await c.fetch({ max_messages: 1000, expires: 1000 });
  for await (const m of batch) {
    out.push(m.json());
    if (m.info.pending === 0) break;
  }
  return out;
}

const isNotFound = (e: unknown): boolean => /not found/i.test((e as Error).message ?? '');

export type { CallbackKind };
