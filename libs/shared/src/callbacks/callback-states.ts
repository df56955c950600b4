import {
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { callbackStatusSchema, type CallbackStatus } from '@ensemble/contracts';

/**
 * Where each callback not yet delivered stands, for operators (decision 113): one message per
 * callback (the newest only: `max_msgs_per_subject` 1) under `ensemble.callbacks.state.<id>`,
 * rewritten by the gateway that tried it last, purged once it is delivered. The delivery
 * itself never reads it: a lost state write costs a wrong line in a listing, not a callback.
 */
export const CALLBACK_STATE_STREAM = 'ENSEMBLE_CALLBACK_STATE';
const PREFIX = 'ensemble.callbacks.state';
/** At most this many callbacks are listed (the newest); the counts cover all. */
const LIST_MAX = 10_000;

const subjectOf = (id: string) => `${PREFIX}.${Buffer.from(id).toString('base64url')}`;

export class CallbackStates {
  private readonly js: JetStreamClient;

  constructor(
    private readonly connection: NatsConnection,
    private readonly opts: { keepMs: number; replicas: number },
  ) {
    this.js = jetstream(connection);
  }

  async ensure(): Promise<void> {
    const jsm = await jetstreamManager(this.connection);
    const stream: Partial<StreamConfig> & { name: string } = {
      name: CALLBACK_STATE_STREAM,
      subjects: [`${PREFIX}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_msgs_per_subject: 1,
      max_age: nanos(this.opts.keepMs),
      num_replicas: this.opts.replicas,
    };
    try {
      await jsm.streams.info(CALLBACK_STATE_STREAM);
      await jsm.streams.update(CALLBACK_STATE_STREAM, stream);
    } catch (e) {
      if (!/not found/i.test((e as Error).message ?? '')) throw e;
      await jsm.streams.add(stream);
    }
  }

  /** Records a new callback, unless one is known under its id (then false: it is not new). */
  async created(status: CallbackStatus): Promise<boolean> {
    try {
      await this.js.publish(subjectOf(status.id), JSON.stringify(status), { expect: { lastSubjectSequence: 0 } });
      return true;
    } catch (e) {
      if (/wrong last sequence/i.test((e as Error).message ?? '')) return false;
      throw e;
    }
  }

  async update(status: CallbackStatus): Promise<void> {
    await this.js.publish(subjectOf(status.id), JSON.stringify(status));
  }

  /** Delivered (or never enqueued after all): nothing left to show. */
  async forget(id: string): Promise<void> {
    const jsm = await jetstreamManager(this.connection);
    await jsm.streams.purge(CALLBACK_STATE_STREAM, { filter: subjectOf(id) });
  }

  /** Every callback known, newest first (at most LIST_MAX). */
  async list(): Promise<CallbackStatus[]> {
    const jsm = await jetstreamManager(this.connection);
    const info = await jsm.streams.info(CALLBACK_STATE_STREAM);
    if (info.state.messages === 0) return [];
    const consumer = await this.js.consumers.get(CALLBACK_STATE_STREAM, {
      filter_subjects: `${PREFIX}.>`,
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    const out: CallbackStatus[] = [];
    const batch = await consumer.fetch({ max_messages: LIST_MAX, expires: 2000 });
    for await (const m of batch) {
      const parsed = callbackStatusSchema.safeParse(safeJson(m.string()));
      if (parsed.success) out.push(parsed.data);
      if (m.info.pending === 0) break;
    }
    return out.sort((a, b) => b.enqueuedAt - a.enqueuedAt || a.id.localeCompare(b.id));
  }
}

const safeJson = (s: string): unknown => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
};
