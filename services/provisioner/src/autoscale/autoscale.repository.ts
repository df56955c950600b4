import { autoscaleDecisionSchema, type AutoscaleDecision } from '@ensemble/contracts';
import { guardedSql } from '@ensemble/shared';
import type { Kysely } from 'kysely';
import type { DecisionRow, ProvisionerTables } from '../db/schema.js';
import { autoscaleStateSchema, emptyAutoscaleState, type AutoscaleState } from './autoscale-state.js';

/** The autoscale policy's state at one revision. */
export interface StoredAutoscaleState {
  rev: number;
  state: AutoscaleState;
}

const decisionOf = (r: DecisionRow): AutoscaleDecision | null => {
  const d = autoscaleDecisionSchema.safeParse({
    action: r.action,
    reason: r.reason,
    usedShare: Number(r.used_share),
    fleetSize: r.fleet_size,
    at: Number(r.at),
    ...(r.count !== null ? { count: r.count } : {}),
    ...(r.node_id !== null ? { nodeId: r.node_id } : {}),
    ...(r.run_id !== null ? { runId: r.run_id } : {}),
  });
  return d.success ? d.data : null;
};

/** A decision as a row (also what the import writes). */
export const decisionRow = (d: AutoscaleDecision) => ({
  action: d.action,
  reason: d.reason,
  count: d.count ?? null,
  node_id: d.nodeId ?? null,
  used_share: d.usedShare,
  fleet_size: d.fleetSize,
  run_id: d.runId ?? null,
  at: d.at,
});

/**
 * The autoscale policy's memory (`autoscale_state`, one row) and the decisions it took
 * (`autoscale_decisions`), in PostgreSQL (decision 093). A state is saved only over the
 * revision it was read at, with its decisions, in one transaction: two provisioners never
 * interleave their ticks, and a decision is never kept without the state that followed it.
 */
export class AutoscaleRepository {
  constructor(private readonly db: Kysely<ProvisionerTables>) {}

  async load(): Promise<StoredAutoscaleState> {
    const row = await guardedSql('autoscale state', () =>
      this.db.selectFrom('autoscale_state').select(['rev', 'state']).where('id', '=', 1).executeTakeFirst(),
    );
    const parsed = row ? autoscaleStateSchema.safeParse(row.state) : null;
    // An unreadable state (an older shape) starts over rather than stopping autoscale.
    return { rev: Number(row?.rev ?? 0), state: parsed?.success ? parsed.data : emptyAutoscaleState() };
  }

  /** False when another tick saved a newer revision meanwhile (nothing is written then). */
  async save(rev: number, state: AutoscaleState, decisions: AutoscaleDecision[]): Promise<boolean> {
    return guardedSql('autoscale state', () =>
      this.db.transaction().execute(async (trx) => {
        const json = JSON.stringify(state);
        // Revision 0 is "no row yet": the first save inserts it, and of two first saves one wins.
        const saved =
          rev === 0
            ? await trx
                .insertInto('autoscale_state')
                .values({ id: 1, rev: 1, state: json })
                .onConflict((c) => c.column('id').doNothing())
                .returning('rev')
                .executeTakeFirst()
            : await trx
                .updateTable('autoscale_state')
                .set({ rev: rev + 1, state: json })
                .where('id', '=', 1)
                .where('rev', '=', String(rev) as never)
                .returning('rev')
                .executeTakeFirst();
        if (!saved) return false;
        if (decisions.length > 0)
          await trx.insertInto('autoscale_decisions').values(decisions.map(decisionRow)).execute();
        return true;
      }),
    );
  }

  /** Newest first (by when decided: decisions imported later sort by their own time). */
  async decisions(limit: number): Promise<AutoscaleDecision[]> {
    const rows = await guardedSql('autoscale decisions', () =>
      this.db
        .selectFrom('autoscale_decisions')
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.flatMap((r) => decisionOf(r) ?? []);
  }
}
