import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@ensemble/contracts';
import { REDIS, guarded } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { keys } from './keys.js';

/** A create call as it was sent to a node (signed query without checksum, pre-upload body). */
export const storedCreateSchema = z.object({
  query: z.string(),
  body: z.string().optional(),
  contentType: z.string().optional(),
  nodeId: z.string(),
  at: z.number(),
});
export type StoredCreate = z.infer<typeof storedCreateSchema>;

/** Each operation is one Redis command: atomic, and safe to retry. */
@Injectable()
export class CreateParamsStore {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  private get client(): Redis {
    if (!this.redis) throw new DomainError('unavailable', 'the BBB API needs REDIS_URL');
    return this.redis;
  }

  /** When this process last kept each meeting's create call alive (`keepAlive`). */
  private readonly keptAt = new Map<string, number>();

  async save(meetingID: string, create: StoredCreate, ttlS: number): Promise<void> {
    await guarded('create params', () =>
      this.client.set(keys.createParams(meetingID), JSON.stringify(create), 'EX', ttlS),
    );
  }

  async get(meetingID: string): Promise<StoredCreate | undefined> {
    return parse(await guarded('create params', () => this.client.get(keys.createParams(meetingID))));
  }

  /** Reads the create call and keeps it another `ttlS` (GETEX): a meeting joined is a meeting in use. */
  async refresh(meetingID: string, ttlS: number): Promise<StoredCreate | undefined> {
    return parse(await guarded('create params', () => this.client.getex(keys.createParams(meetingID), 'EX', ttlS)));
  }

  /**
   * `refresh` for a join that does not need the create call: at most once per
   * `ttlS / 100` (and per hour) per meeting in this process, so a class of 300
   * joining costs one Redis write, not 300. The TTL is days; a skipped refresh
   * shortens it by minutes at most.
   */
  async keepAlive(meetingID: string, ttlS: number): Promise<void> {
    const now = Date.now();
    const every = Math.min(ttlS * 10, 3_600_000);
    if (now - (this.keptAt.get(meetingID) ?? 0) < every) return;
    if (this.keptAt.size >= KEPT_MAX) this.keptAt.clear();
    this.keptAt.set(meetingID, now);
    await guarded('create params', () => this.client.expire(keys.createParams(meetingID), ttlS));
  }

  async delete(meetingID: string): Promise<void> {
    this.keptAt.delete(meetingID);
    await guarded('create params', () => this.client.del(keys.createParams(meetingID)));
  }
}

/** Meetings whose last keep-alive is remembered; past it the memory starts again. */
const KEPT_MAX = 50_000;

function parse(raw: string | null): StoredCreate | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = storedCreateSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
