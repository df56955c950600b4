import { Inject, Injectable } from '@nestjs/common';
import { contracts, type FleetChange } from '@ensemble/contracts';
import { LOGGER, NATS_BUS, type LogFields, type Logger, type NatsBus } from '@ensemble/shared';
import { FleetStore } from './fleet.store.js';

/** Tells the world (log line + `ensemble.fleet.node.<change>`) that a node changed, and who changed it. */
@Injectable()
export class FleetEventsPublisher {
  constructor(
    private readonly store: FleetStore,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Reads the node as it is now and publishes it; nothing when it is gone. */
  async changed(id: string, change: FleetChange, by: string, message: string, fields: LogFields = {}): Promise<void> {
    const node = await this.store.get(id);
    this.logger.info(message, { nodeId: id, by, ...fields });
    if (node) this.bus.publish(contracts.fleetNode, { change, node, by, at: Date.now() });
  }
}
