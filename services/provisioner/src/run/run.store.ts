import { DomainError, runEventSchema, runRecordSchema, type RunEvent, type RunRecord } from '@ensemble/contracts';
import { guarded } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { MAX_RUN_EVENTS, MAX_RUNS, keys } from '../keys.js';

/**
 * Run records in Redis. Only the run's owner (the lock holder) writes a run, so a
 * record is rewritten whole; the record and its index change in one MULTI.
 */
export class RunStore {
  constructor(private readonly redis: Redis) {}

  async save(run: RunRecord): Promise<void> {
    const { events: _events, ...record } = run;
    await guarded('runs', async () => {
      const tx = this.redis
        .multi()
        .set(keys.run(run.id), JSON.stringify(record))
        .zadd(keys.runs, run.createdAt, run.id);
      await tx.exec();
    });
  }

  async appendEvent(event: RunEvent): Promise<void> {
    await guarded('runs', async () => {
      await this.redis
        .multi()
        .rpush(keys.runEvents(event.runId), JSON.stringify(event))
        .ltrim(keys.runEvents(event.runId), -MAX_RUN_EVENTS, -1)
        .exec();
    });
  }

  async get(id: string): Promise<RunRecord> {
    const [raw, events] = await guarded('runs', () =>
      Promise.all([this.redis.get(keys.run(id)), this.redis.lrange(keys.runEvents(id), 0, -1)]),
    );
    if (!raw) throw new DomainError('not-found', `no run ${id}`);
    return runRecordSchema.parse({
      ...(JSON.parse(raw) as object),
      events: events.map((e) => runEventSchema.parse(JSON.parse(e))),
    });
  }

  /** Newest first, without events. */
  async list(limit: number): Promise<Omit<RunRecord, 'events' | 'resources'>[]> {
    const ids = await guarded('runs', () => this.redis.zrevrange(keys.runs, 0, limit - 1));
    if (ids.length === 0) return [];
    const raws = await guarded('runs', () => this.redis.mget(ids.map((id) => keys.run(id))));
    return raws.flatMap((raw) => {
      if (!raw) return [];
      const {
        events: _e,
        resources: _r,
        ...rest
      } = runRecordSchema.parse({ ...(JSON.parse(raw) as object), events: [] });
      return [rest];
    });
  }

  /** Drops the oldest runs beyond the retention count. */
  async prune(): Promise<void> {
    const old = await guarded('runs', () => this.redis.zrange(keys.runs, '0', String(-MAX_RUNS - 1)));
    if (old.length === 0) return;
    await guarded('runs', async () => {
      await this.redis
        .multi()
        .zrem(keys.runs, ...old)
        .del(...old.flatMap((id) => [keys.run(id), keys.runEvents(id)]))
        .exec();
    });
  }
}
