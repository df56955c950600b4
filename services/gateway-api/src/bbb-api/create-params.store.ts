import { Inject, Injectable } from '@nestjs/common';
import { DomainError, REDIS } from '@ensemble/shared';
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

  async save(meetingID: string, create: StoredCreate, ttlS: number): Promise<void> {
    await guard(() => this.client.set(keys.createParams(meetingID), JSON.stringify(create), 'EX', ttlS));
  }

  async get(meetingID: string): Promise<StoredCreate | undefined> {
    const raw = await guard(() => this.client.get(keys.createParams(meetingID)));
    if (raw === null) return undefined;
    const parsed = storedCreateSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  async touch(meetingID: string, ttlS: number): Promise<void> {
    await guard(() => this.client.expire(keys.createParams(meetingID), ttlS));
  }

  async delete(meetingID: string): Promise<void> {
    await guard(() => this.client.del(keys.createParams(meetingID)));
  }
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new DomainError('unavailable', `redis: ${(e as Error).message}`);
  }
}
