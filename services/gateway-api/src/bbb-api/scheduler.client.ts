import { Inject, Injectable } from '@nestjs/common';
import {
  CONFIG,
  DomainError,
  NATS_BUS,
  contracts,
  type CallToSign,
  type Location,
  type NatsBus,
  type Placement,
} from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import type { PlacementHints } from './placement-hints.js';

/** The scheduler's answers the BBB API needs: every node decision is the scheduler's. */
@Injectable()
export class SchedulerClient {
  private readonly opts: { timeoutMs: number; retries: number };

  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(CONFIG) config: GatewayConfig,
  ) {
    // Every call here is idempotent (place is, per roomKey), so a lost request is sent again.
    this.opts = { timeoutMs: config.NATS_REQUEST_TIMEOUT_MS, retries: config.NATS_REQUEST_RETRIES };
  }

  /** Places (or finds) a room, trying the tag sets in order; `no-capacity` when none fits. */
  async place(roomKey: string, hints: PlacementHints, sign: CallToSign[]): Promise<Placement> {
    let last: unknown = new DomainError('no-capacity', 'no node carries the required server tag');
    for (const tags of hints.tagChoices) {
      try {
        return await this.bus.request(
          contracts.place,
          {
            roomKey,
            engine: 'bbb',
            tags,
            sign,
            ...(hints.expectedSize !== undefined ? { expectedSize: hints.expectedSize } : {}),
          },
          this.opts,
        );
      } catch (e) {
        if (!(e instanceof DomainError && e.code === 'no-capacity')) throw e;
        last = e;
      }
    }
    throw last;
  }

  /** Where a room is, with the calls signed for its node; undefined when it is on no node. */
  async locate(roomKey: string, sign: CallToSign[]): Promise<Location | undefined> {
    try {
      return await this.bus.request(contracts.locate, { roomKey, sign }, this.opts);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'not-found') return undefined;
      throw e;
    }
  }

  async release(roomKey: string): Promise<void> {
    await this.bus.request(contracts.end, { roomKey }, this.opts);
  }

  async bbbNodes() {
    const { nodes } = await this.bus.request(contracts.listNodes, { engine: 'bbb' }, this.opts);
    return nodes;
  }

  async sign(nodeId: string, sign: CallToSign[]): Promise<string[]> {
    return (await this.bus.request(contracts.sign, { nodeId, sign }, this.opts)).signed;
  }
}
