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
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import {
  outboundCallbackSchema,
  type CallbackKind,
  type CallbackStatus,
  type OutboundCallback,
  type StoredCallback,
} from '@ensemble/contracts';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { callbackRequest } from './callback-signing.js';
import { CallbackStates } from './callback-states.js';
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
  /**
   * The BBB API secret of a tenant, asked at each attempt of a callback that names one
   * (decision 113); undefined when the tenant is gone: its callback is dropped, not retried.
   */
  secretOf?: (tenant: string) => Promise<string | undefined>;
}

type Outcome = { ok: true } | { ok: false; final: boolean; reason: string };
/** What became of an attempt: the `outcome` label of `ensemble_callbacks_total`. */
export const CALLBACK_OUTCOMES = ['delivered', 'retried', 'dead', 'dropped'] as const;
type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
/** BBB's CallbackUrlService follows up to 5 redirects of a meeting-ended GET. */
const MAX_REDIRECTS = 5;

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
  private readonly redirecting: Dispatcher;
  /** Where each callback not yet delivered stands (for operators). */
  readonly states: CallbackStates;

  constructor(private readonly opts: CallbackDeliveryOptions) {
    this.js = jetstream(opts.connection);
    this.log = opts.logger.child({ component: 'callbacks' });
    this.states = new CallbackStates(opts.connection, {
      keepMs: opts.keepMs ?? 14 * DAY_MS,
      replicas: opts.replicas ?? 1,
    });
    this.redirecting = new Agent().compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
    const m = opts.metrics;
    this.counters = {
      outcomes: m.counter(
        'ensemble_callbacks_total',
        'Callback attempts by outcome: delivered (2xx), retried (failed, tried again later), dead (given up), dropped (tenant gone)',
        ['kind', 'outcome'],
      ),
      invalid: m.counter('ensemble_callbacks_invalid_total', 'Stream messages that were no callback, dropped'),
    };
  }

  private count(kind: CallbackKind, outcome: CallbackOutcome): void {
    this.counters.outcomes.inc({ kind, outcome });
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
    await this.states.ensure();
  }

  /** Stores a callback; true if new, false if the same id was enqueued before (within the window). */
  async enqueue(callback: OutboundCallback): Promise<boolean> {
    const valid = outboundCallbackSchema.parse(callback);
    // Shown as pending first: the delivery (on any gateway) may be done before publish returns.
    const shown = await this.tracked('record', () => this.states.created(statusOf(valid, { state: 'pending' })));
    const ack = await this.js.publish(`${PENDING}.${valid.kind}`, JSON.stringify(valid), { msgID: valid.id });
    // A repeat of a callback delivered earlier: nothing pending to show.
    if (ack.duplicate && shown) await this.tracked('forget', () => this.states.forget(valid.id));
    // The same event again after the duplicate window (one given up on before): pending anew.
    if (!ack.duplicate && shown === false) {
      await this.tracked('record', () => this.states.update(statusOf(valid, { state: 'pending' })));
    }
    return !ack.duplicate;
  }

  /** Every callback not delivered yet (pending, retrying) or given up (dead, dropped), newest first. */
  list(): Promise<CallbackStatus[]> {
    return this.states.list();
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
    await this.redirecting.close().catch(() => undefined);
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
    const fields = { callbackId: cb.id, kind: cb.kind, host: new URL(cb.url).host, attempt, tenant: cb.tenant };
    const secret = cb.tenant !== undefined ? await this.opts.secretOf?.(cb.tenant) : undefined;
    if (cb.tenant !== undefined && secret === undefined) {
      // Its tenant is gone: nobody could verify it, and no retry brings the secret back.
      await this.bury(msg, cb, 'tenant-unknown');
      this.count(cb.kind, 'dropped');
      await this.tracked('record', () =>
        this.states.update(statusOf(cb, { state: 'dropped', attempts: attempt - 1, lastError: 'tenant-unknown' })),
      );
      this.log.warn('callback dropped: its tenant has no secret', fields);
      return;
    }
    const outcome = await this.send(cb, secret);
    const now = Date.now();
    if (outcome.ok) {
      msg.ack();
      this.count(cb.kind, 'delivered');
      this.log.info('callback delivered', fields);
      await this.tracked('forget', () => this.states.forget(cb.id));
      return;
    }
    const delay = outcome.final ? undefined : retryDelayMs(this.opts.retry, attempt, now - cb.enqueuedAt);
    const tried = { attempts: attempt, lastError: outcome.reason, lastAttemptAt: now };
    if (delay === undefined) {
      await this.bury(msg, cb, outcome.reason);
      this.count(cb.kind, 'dead');
      this.log.error('callback given up', { ...fields, reason: outcome.reason });
      await this.tracked('record', () => this.states.update(statusOf(cb, { state: 'dead', ...tried })));
      return;
    }
    msg.nak(delay);
    this.count(cb.kind, 'retried');
    this.log.warn('callback failed, retried later', { ...fields, reason: outcome.reason, retryInMs: delay });
    await this.tracked('record', () =>
      this.states.update(statusOf(cb, { state: 'retrying', ...tried, nextAttemptAt: now + delay })),
    );
  }

  /** A write of the operators' view: its failure is logged, never the callback's. */
  private async tracked<T>(what: string, write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (e) {
      this.log.warn(`callback state ${what} failed`, { error: (e as Error).message });
      return undefined;
    }
  }

  private async send(cb: StoredCallback, secret: string | undefined): Promise<Outcome> {
    try {
      const req = callbackRequest(cb, secret);
      const res = await request(cb.url, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        ...(req.method === 'GET' ? { dispatcher: this.redirecting } : {}),
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
  private async bury(msg: JsMsg, cb: StoredCallback, reason: string): Promise<void> {
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
): Promise<Array<StoredCallback & { reason: string }>> {
  const jsm = await jetstreamManager(connection);
  const out: Array<StoredCallback & { reason: string }> = [];
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

/** The operators' view of a callback: its URL's host only (a path or query may carry a token). */
function statusOf(cb: StoredCallback, over: Partial<CallbackStatus> & Pick<CallbackStatus, 'state'>): CallbackStatus {
  return {
    id: cb.id,
    kind: cb.kind,
    tenant: cb.tenant ?? null,
    meetingId: cb.meetingId ?? null,
    host: new URL(cb.url).host,
    attempts: 0,
    lastError: null,
    enqueuedAt: cb.enqueuedAt,
    lastAttemptAt: null,
    nextAttemptAt: null,
    ...over,
  };
}

const isNotFound = (e: unknown): boolean => /not found/i.test((e as Error).message ?? '');

export type { CallbackKind };
