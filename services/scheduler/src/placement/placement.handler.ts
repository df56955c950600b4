import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { contracts } from '@ensemble/contracts';
import { NATS_BUS, type NatsBus } from '@ensemble/shared';
import { PlacementService } from './placement.service.js';
import { TenantUsageStore } from './tenant-usage.store.js';

@Injectable()
export class PlacementHandler implements OnApplicationBootstrap {
  constructor(
    private readonly placement: PlacementService,
    private readonly tenantUsage: TenantUsageStore,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.serve(contracts.place, (req) => this.placement.place(req));
    this.bus.serve(contracts.end, (req) => this.placement.end(req.roomKey));
    this.bus.serve(contracts.locate, (req) => this.placement.locate(req.roomKey, req.sign));
    this.bus.serve(contracts.tenantUsage, async (req) => ({ tenants: await this.tenantUsage.usage(req.tenant) }));
  }
}
