import { Inject, Injectable } from '@nestjs/common';
import { type Engine } from '@ensemble/contracts';
import { guarded } from '@ensemble/shared';
import type { PlacementOptions } from '../config.js';
import { SCHEDULER_SCRIPTS, type SchedulerScripts } from '../scripts.js';
import { PLACEMENT_OPTIONS } from './load.tokens.js';

export interface NodeLoad {
  /** What the ranking compares (lua/lib/load.lua nodeLoad, no room of its own). */
  load: number;
  /** Load of rooms placed and not yet seen by a poll (BBB: participant-equivalents; Jitsi: participants). */
  pendingLoad: number;
}

/** Every node's load as placement ranks it, read through the same Lua definition. */
@Injectable()
export class NodeLoadsStore {
  private readonly options: string;

  constructor(
    @Inject(SCHEDULER_SCRIPTS) private readonly scripts: SchedulerScripts,
    @Inject(PLACEMENT_OPTIONS) options: PlacementOptions,
  ) {
    this.options = JSON.stringify(options);
  }

  async all(engine?: Engine): Promise<Map<string, NodeLoad>> {
    const r = (await guarded('node loads', () => this.scripts.nodeLoads(this.options, engine ?? ''))) as string[];
    const loads = new Map<string, NodeLoad>();
    for (let i = 0; i + 2 < r.length; i += 3) {
      loads.set(r[i]!, { load: Number(r[i + 1]), pendingLoad: Number(r[i + 2]) });
    }
    return loads;
  }
}
