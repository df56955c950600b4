import { autoscaleDecisionSchema, type AutoscaleDecision } from '@ensemble/contracts';
import { guarded } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { MAX_DECISIONS, keys } from '../keys.js';
import type { ProvisionerScripts } from '../scripts.js';
import { autoscaleStateSchema, emptyAutoscaleState, type AutoscaleState } from './autoscale-state.js';

/** The autoscale policy's state at one revision. */
export interface StoredAutoscaleState {
  rev: number;
  state: AutoscaleState;
}

/**
 * The autoscale policy's memory in Redis (`ens:prov:autoscale`) and the decisions it
 * took (`ens:prov:decisions`). A state is saved only over the revision it was read at,
 * with its decisions, in one script: two provisioners never interleave their ticks.
 */
export class AutoscaleStore {
  constructor(
    private readonly redis: Redis,
    private readonly scripts: ProvisionerScripts,
  ) {}

  async load(): Promise<StoredAutoscaleState> {
    const [rev, raw] = await guarded('autoscale state', () => this.redis.hmget(keys.autoscale, 'rev', 'state'));
    const parsed = raw ? autoscaleStateSchema.safeParse(JSON.parse(raw)) : null;
    // An unreadable state (an older shape) starts over rather than stopping autoscale.
    return { rev: Number(rev ?? 0), state: parsed?.success ? parsed.data : emptyAutoscaleState() };
  }

  /** False when another tick saved a newer revision meanwhile (nothing is written then). */
  async save(rev: number, state: AutoscaleState, decisions: AutoscaleDecision[]): Promise<boolean> {
    const saved = await guarded('autoscale state', () =>
      this.scripts.saveAutoscale(
        keys.autoscale,
        keys.decisions,
        rev,
        JSON.stringify(state),
        MAX_DECISIONS,
        ...decisions.map((d) => JSON.stringify(d)),
      ),
    );
    return Number(saved) > 0;
  }

  /** Newest first. */
  async decisions(limit: number): Promise<AutoscaleDecision[]> {
    const raws = await guarded('autoscale decisions', () => this.redis.lrange(keys.decisions, 0, limit - 1));
    return raws.flatMap((r) => {
      const d = autoscaleDecisionSchema.safeParse(JSON.parse(r));
      return d.success ? [d.data] : [];
    });
  }
}
