import { guarded } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { keys } from '../keys.js';
import type { ProvisionerScripts } from '../scripts.js';

/** A held provisioning lock: the fencing token proves which holder is current. */
export interface HeldLock {
  readonly token: number;
  readonly holder: string;
}

/**
 * The one provisioning lock (Redis, expiry + fencing token). Two scale-out requests
 * never start two runs: the second finds the lock held and is answered `busy`.
 */
export class RunLockStore {
  constructor(
    private readonly redis: Redis,
    private readonly scripts: ProvisionerScripts,
  ) {}

  /** The lock, or null with the current holder's run id when someone else has it. */
  async acquire(holder: string, ttlMs: number): Promise<{ lock: HeldLock } | { heldBy: string }> {
    const [token, value] = (await guarded('provisioning lock', () =>
      this.scripts.acquireLock(keys.lock, keys.fence, Math.ceil(ttlMs), holder),
    )) as [number, string];
    if (token === 0) return { heldBy: value.slice(value.indexOf(':') + 1) };
    return { lock: { token, holder } };
  }

  /** Keeps the lock alive; false when it was lost (expired and maybe taken). Also the fencing check before acting on the fleet. */
  async extend(lock: HeldLock, ttlMs: number): Promise<boolean> {
    return (
      (await guarded('provisioning lock', () =>
        this.scripts.releaseLock(keys.lock, value(lock), 'extend', Math.ceil(ttlMs)),
      )) === 1
    );
  }

  /** The run id holding the lock now, or null when it is free (whichever provisioner holds it). */
  async holder(): Promise<string | null> {
    const value = await guarded('provisioning lock', () => this.redis.get(keys.lock));
    return value === null ? null : value.slice(value.indexOf(':') + 1);
  }

  async release(lock: HeldLock): Promise<boolean> {
    return (
      (await guarded('provisioning lock', () => this.scripts.releaseLock(keys.lock, value(lock), 'release', 0))) === 1
    );
  }
}

const value = (lock: HeldLock) => `${lock.token}:${lock.holder}`;
