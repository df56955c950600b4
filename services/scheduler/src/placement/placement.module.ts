import { Module } from '@nestjs/common';
import { FleetModule } from '../fleet/fleet.module.js';
import { LoadModule } from '../load/load.module.js';
import { SchedulerScriptsModule } from '../scripts.js';
import { SigningModule } from '../signing/signing.module.js';
import { PlacementHandler } from './placement.handler.js';
import { PlacementService } from './placement.service.js';
import { PlacementStore } from './placement.store.js';
import { TenantUsageStore } from './tenant-usage.store.js';

/**
 * The placement context: rooms -> nodes (place, locate, end), each room accounted to its
 * tenant for the quotas (tenant usage, decision 112), ranked by the one load
 * definition (LoadModule). Needs of the fleet only its event publisher (a cordoned
 * node emptied by `end` becomes disabled).
 */
@Module({
  imports: [SchedulerScriptsModule, LoadModule, SigningModule, FleetModule],
  providers: [PlacementStore, PlacementService, PlacementHandler, TenantUsageStore],
})
export class PlacementModule {}
