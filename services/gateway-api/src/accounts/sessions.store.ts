import { guarded } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import { keys } from './keys.js';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Sessions: an opaque 256-bit token in the cookie; Redis keeps only its SHA-256,
 * so a copy of Redis grants no session. Expiry is Redis's own TTL. A session belongs to
 * the tenant it was made on (its key names it, decision 115): looked up on another
 * tenant's host it does not exist.
 */
export class SessionsStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlS: number,
  ) {}

  async create(tenant: string, userId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await guarded('session', () => this.redis.set(keys.session(tenant, hashOf(token)), userId, 'EX', this.ttlS));
    return token;
  }

  async userOf(tenant: string, token: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    return guarded('session', () => this.redis.get(keys.session(tenant, hashOf(token))));
  }

  async destroy(tenant: string, token: string): Promise<void> {
    await guarded('session', () => this.redis.del(keys.session(tenant, hashOf(token))));
  }
}
