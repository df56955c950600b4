import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { contracts } from '@ensemble/contracts';
import { NATS_BUS, recordingTokenSha256, type NatsBus } from '@ensemble/shared';
import { NatsRequestOptionsProvider } from '../nats/nats-request-options.provider.js';

/** How long a resolved token is believed without asking the scheduler again. */
export const TOKEN_CACHE_MS = 30_000;
const MAX_CACHED = 10_000;

/**
 * Which node holds an upload token: asked of the scheduler (which keeps the hashes) by
 * the token's SHA-256, so the token itself never crosses NATS. Positive answers are kept
 * briefly, and dropped at once when the node is removed (the next upload asks again: a removed
 * node's token is honoured for a grace, decision 107, and cached no longer than it lasts);
 * unknown tokens are not cached (each costs a request, which a wrong token should).
 */
@Injectable()
export class RecordingTokenResolver implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly cache = new Map<string, { nodeId: string; until: number }>();
  private subscription: ReturnType<NatsBus['subscribe']> | null = null;

  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly requests: NatsRequestOptionsProvider,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.bus.subscribe(contracts.fleetNode, (e) => {
      if (e.change !== 'removed') return;
      for (const [hash, v] of this.cache) if (v.nodeId === e.node.id) this.cache.delete(hash);
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  async nodeOf(token: string): Promise<string | null> {
    const tokenSha256 = recordingTokenSha256(token);
    const now = Date.now();
    const hit = this.cache.get(tokenSha256);
    if (hit && hit.until > now) return hit.nodeId;
    const { nodeId, validUntil } = await this.bus.request(
      contracts.resolveRecordingToken,
      { tokenSha256 },
      this.requests.idempotent,
    );
    if (nodeId) {
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      // A removed node's token is believed no longer than its grace (decision 107).
      this.cache.set(tokenSha256, { nodeId, until: Math.min(now + TOKEN_CACHE_MS, validUntil ?? Infinity) });
    } else this.cache.delete(tokenSha256);
    return nodeId;
  }
}
