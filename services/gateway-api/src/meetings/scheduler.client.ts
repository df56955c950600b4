import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  contracts,
  type CallToSign,
  type Engine,
  type FleetNodeView,
  type Location,
  type NodeHealth,
  type Placement,
  type PlacementTenant,
} from '@ensemble/contracts';
import { NATS_BUS, type NatsBus } from '@ensemble/shared';
import { NatsRequestOptionsProvider } from '../nats/nats-request-options.provider.js';

/** How to place a room: tag sets tried in order (`[]` = any node) and the size it expects. */
export interface PlacementHints {
  tagChoices: string[][];
  expectedSize: number | undefined;
}

export const NO_HINTS: PlacementHints = { tagChoices: [[]], expectedSize: undefined };

export interface PlaceOptions {
  engine?: Engine;
  hints?: PlacementHints;
  /** A participant joins: the scheduler counts it into the room's pending load. */
  join?: boolean;
  /** Only the room's own serving node, else `not-found` with nothing changed (see the contract). */
  stickyOnly?: boolean;
  sign?: CallToSign[];
  /** The room's tenant: its placement rules and quotas, checked by the scheduler (decision 112). */
  tenant?: PlacementTenant;
}

/** The gateway's one client of the scheduler: every node decision and every signature is its. */
@Injectable()
export class SchedulerClient {
  constructor(
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly options: NatsRequestOptionsProvider,
  ) {}

  /** Places (or finds) a room, trying the tag sets in order; `no-capacity` when none fits. */
  async place(roomKey: string, opts: PlaceOptions = {}): Promise<Placement> {
    const hints = opts.hints ?? NO_HINTS;
    let last: unknown = new DomainError('no-capacity', 'no node carries the required server tag');
    for (const tags of hints.tagChoices) {
      try {
        return await this.bus.request(
          contracts.place,
          {
            roomKey,
            engine: opts.engine ?? 'bbb',
            tags,
            sign: opts.sign ?? [],
            join: opts.join ?? false,
            stickyOnly: opts.stickyOnly ?? false,
            ...(hints.expectedSize !== undefined ? { expectedSize: hints.expectedSize } : {}),
            ...(opts.tenant ? { tenant: opts.tenant } : {}),
          },
          this.options.idempotent,
        );
      } catch (e) {
        if (!(e instanceof DomainError && e.code === 'no-capacity')) throw e;
        last = e;
      }
    }
    throw last;
  }

  /** Where a room is, with the calls signed for its node; undefined when it is on no node. */
  async locate(roomKey: string, sign: CallToSign[] = []): Promise<Location | undefined> {
    try {
      return await this.bus.request(contracts.locate, { roomKey, sign }, this.options.idempotent);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'not-found') return undefined;
      throw e;
    }
  }

  async release(roomKey: string): Promise<void> {
    await this.bus.request(contracts.end, { roomKey }, this.options.idempotent);
  }

  async bbbNodes(): Promise<FleetNodeView[]> {
    const { nodes } = await this.bus.request(contracts.listNodes, { engine: 'bbb' }, this.options.idempotent);
    return nodes;
  }

  /**
   * Reports a node whose call gave no usable answer (decision 083); the node's health
   * afterwards. Sent once: the scheduler probes the node, which takes most of the deadline.
   */
  async suspect(nodeId: string, reason: string): Promise<NodeHealth> {
    return (await this.bus.request(contracts.suspectNode, { nodeId, reason }, this.options.once)).health;
  }

  async sign(nodeId: string, sign: CallToSign[]): Promise<string[]> {
    return (await this.bus.request(contracts.sign, { nodeId, sign }, this.options.idempotent)).signed;
  }
}

/** Whether a located room's node can hold its meeting: online and not disabled (cordoned still serves). */
export const usable = (loc: Location): boolean => loc.health === 'online' && loc.state !== 'disabled';
