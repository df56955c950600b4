import { Module } from '@nestjs/common';
import { CONFIG } from '@ensemble/shared';
import { placementOptionsFrom, type SchedulerConfig } from '../config.js';
import { SchedulerScriptsModule } from '../scripts.js';
import { PLACEMENT_OPTIONS } from './load.tokens.js';
import { NodeLoadsStore } from './node-loads.store.js';

/**
 * A node's load, defined once (lua/lib/load.lua) for the ranking and the ops view:
 * the rule's options and the view of every node's load.
 */
@Module({
  imports: [SchedulerScriptsModule],
  providers: [
    { provide: PLACEMENT_OPTIONS, useFactory: (c: SchedulerConfig) => placementOptionsFrom(c), inject: [CONFIG] },
    NodeLoadsStore,
  ],
  exports: [PLACEMENT_OPTIONS, NodeLoadsStore],
})
export class LoadModule {}
