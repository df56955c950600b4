import { guarded } from '@ensemble/shared';
import type { Redis } from 'ioredis';

/** Fixed-window counters: INCR, and the window's expiry set by the first hit only. */
export class RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly windowS: number,
  ) {}

  /** Counts one hit; answers the count in the current window. */
  async hit(key: string): Promise<number> {
    const r = await guarded('rate limit', () => this.redis.multi().incr(key).expire(key, this.windowS, 'NX').exec());
    return Number(r?.[0]?.[1] ?? 0);
  }

  /** Takes back one hit (an attempt that turned out not to count); never below zero. */
  async giveBack(key: string): Promise<void> {
    await guarded('rate limit', () =>
      this.redis.eval(
        "if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end return 0",
        1,
        key,
      ),
    );
  }

  async count(key: string): Promise<number> {
    return Number((await guarded('rate limit', () => this.redis.get(key))) ?? 0);
  }

  async reset(key: string): Promise<void> {
    await guarded('rate limit', () => this.redis.del(key));
  }
}
