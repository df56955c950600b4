import { guarded } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { keys } from './keys.js';

/** A sign-in between its start and its callback: what the callback must check against. */
const flowSchema = z.object({
  tenant: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  redirectUri: z.string(),
  codeVerifier: z.string(),
  nonce: z.string(),
});
export type PendingFlow = z.infer<typeof flowSchema>;

const hashOf = (state: string) => createHash('sha256').update(state).digest('hex');

/**
 * Started sign-ins, keyed by their `state` (hashed: a copy of Redis holds no usable state),
 * server-side only: the browser carries nothing but the state in the provider's redirect.
 * Single use: the callback takes the flow with GETDEL, so a second callback with the same
 * state (a replayed code) finds nothing.
 */
export class OidcFlowStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlS: number,
  ) {}

  async put(state: string, flow: PendingFlow): Promise<void> {
    await guarded('oidc flow', () => this.redis.set(keys.flow(hashOf(state)), JSON.stringify(flow), 'EX', this.ttlS));
  }

  async take(state: string): Promise<PendingFlow | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(state)) return null;
    const raw = await guarded('oidc flow', () => this.redis.getdel(keys.flow(hashOf(state))));
    if (raw === null) return null;
    const parsed = flowSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }
}
