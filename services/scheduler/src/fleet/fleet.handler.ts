import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { contracts } from '@ensemble/contracts';
import { NATS_BUS, type NatsBus } from '@ensemble/shared';
import { FleetService } from './fleet.service.js';
import { NodeAdminService } from './node-admin.service.js';
import { NodeHoldingsService } from './node-holdings.service.js';
import { NodeRemovalService } from './node-removal.service.js';
import { NodeSuspicionService } from './node-suspicion.service.js';

/** NATS edge of the fleet context: parse, call the service, reply. */
@Injectable()
export class FleetHandler implements OnApplicationBootstrap {
  constructor(
    private readonly fleet: FleetService,
    private readonly admin: NodeAdminService,
    private readonly suspicion: NodeSuspicionService,
    private readonly holdings: NodeHoldingsService,
    private readonly removal: NodeRemovalService,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.serve(contracts.registerNode, (req) => this.fleet.register(req, 'ops'));
    this.bus.serve(
      contracts.resolveRecordingToken,
      async (req) => (await this.fleet.resolveRecordingToken(req.tokenSha256)) ?? { nodeId: null },
    );
    this.bus.serve(contracts.updateNode, (req) => this.fleet.update(req));
    this.bus.serve(contracts.removeNode, (req) => this.removal.remove(req));
    this.bus.serve(contracts.panicNode, (req) => this.admin.panic(req.id, req.by));
    this.bus.serve(contracts.nodeHoldings, (req) => this.holdings.holdings(req.id));
    this.bus.serve(contracts.suspectNode, async (req) => ({ health: await this.suspicion.suspect(req) }));
    this.bus.serve(contracts.listNodes, async (req) => ({ nodes: await this.fleet.list(req.engine) }));
    this.bus.serve(contracts.sign, async (req) => ({ signed: await this.fleet.sign(req.nodeId, req.sign) }));
    this.bus.serve(contracts.pollTargets, async () => ({ targets: await this.fleet.pollTargets() }));
    // One scheduler instance applies each sample; ordering is enforced in the script anyway.
    this.bus.subscribe(contracts.loadSample, (s) => this.fleet.applySample(s), { queue: 'scheduler' });
  }
}
