import {
  DomainError,
  runRecordSchema,
  type RunEvent,
  type RunFailure,
  type RunRecord,
  type runSummarySchema,
} from '@ensemble/contracts';
import { guardedSql } from '@ensemble/shared';
import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { ProvisionerTables, RunEventRow, RunRow } from '../db/schema.js';

/** Events a run shows (its last ones); a run writes far fewer in practice. */
export const MAX_RUN_EVENTS = 1000;

export type RunSummary = z.infer<typeof runSummarySchema>;

/** A run about to start: its record without the fields the database gives it. */
export type NewRun = Omit<RunRecord, 'fence' | 'events'> & { params: Record<string, unknown> };

/** A run about to be claimed: queued, nothing planned or done yet. */
export const queuedRun = (r: Pick<NewRun, 'id' | 'kind' | 'reason' | 'requestedBy' | 'params'>): NewRun => ({
  ...r,
  phase: 'queued',
  nodes: [],
  offer: null,
  zone: null,
  changes: null,
  resources: [],
  diagnostics: [],
  registered: [],
  failure: null,
  createdAt: Date.now(),
  finishedAt: null,
});

const INTERRUPTED: RunFailure = {
  code: 'interrupted',
  message: 'its provisioner stopped before the run ended (lease expired)',
};

const num = (v: string | number) => Number(v);

const summaryOf = (r: RunRow): RunSummary & { resources: RunRecord['resources'] } => ({
  id: r.id,
  kind: r.kind,
  phase: r.phase,
  reason: r.reason,
  requestedBy: r.requested_by,
  nodes: r.nodes,
  offer: r.offer,
  zone: r.zone,
  changes: r.changes,
  resources: r.resources,
  diagnostics: r.diagnostics,
  registered: r.registered,
  failure: r.failure,
  fence: num(r.fence),
  createdAt: num(r.created_at),
  finishedAt: r.finished_at === null ? null : num(r.finished_at),
});

const eventOf = (e: RunEventRow): RunEvent => ({
  runId: e.run_id,
  phase: e.phase,
  message: e.message,
  at: num(e.at),
  ...(e.resource !== null ? { resource: e.resource } : {}),
  ...(e.diagnostic !== null ? { diagnostic: e.diagnostic } : {}),
});

/** The columns a run changes as it goes (its outcome included). */
const progressOf = (run: Omit<RunRecord, 'fence' | 'events'>) => ({
  phase: run.phase,
  nodes: run.nodes,
  offer: run.offer,
  zone: run.zone,
  changes: JSON.stringify(run.changes),
  resources: JSON.stringify(run.resources),
  diagnostics: JSON.stringify(run.diagnostics),
  registered: run.registered,
  failure: JSON.stringify(run.failure),
});

/** A run as a new row (also what the import writes); its lease and fence are set apart. */
export const runRow = (run: NewRun) => ({
  id: run.id,
  kind: run.kind,
  requested_by: run.requestedBy,
  reason: run.reason,
  params: JSON.stringify(run.params),
  created_at: run.createdAt,
  finished_at: run.finishedAt,
  ...progressOf(run),
});

/** An event as a row (also what the import writes). */
export const eventRow = (e: RunEvent) => ({
  run_id: e.runId,
  phase: e.phase,
  message: e.message,
  at: e.at,
  resource: e.resource ?? null,
  diagnostic: JSON.stringify(e.diagnostic ?? null),
});

/**
 * Provisioning runs and their events in PostgreSQL (decision 093). The table is also the
 * lock: an unfinished run holds the one slot (a partial unique index), for as long as its
 * provisioner renews its lease. Every write is one statement or one transaction.
 */
export class RunsRepository {
  constructor(private readonly db: Kysely<ProvisionerTables>) {}

  /**
   * Starts a run if no other holds the slot: runs whose lease ran out are marked interrupted
   * first, in the same transaction. Two claims at once: the second waits on the index, then
   * finds the first's run (`heldBy`).
   */
  async claim(run: NewRun, leaseMs: number): Promise<{ run: RunRecord } | { heldBy: string }> {
    return guardedSql('claim a provisioning run', () =>
      this.db.transaction().execute(async (trx) => {
        await reapExpired(trx);
        const row = await trx
          .insertInto('provisioning_runs')
          .values({
            ...runRow(run),
            // The database's clock, not ours: every instance compares leases on the same one.
            lease_until: leaseFromNow(leaseMs),
          })
          .onConflict((c) => c.doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row) return { run: { ...summaryOf(row), events: [] } };
        const holder = await trx
          .selectFrom('provisioning_runs')
          .select('id')
          .where('finished_at', 'is', null)
          .executeTakeFirst();
        return { heldBy: holder?.id ?? 'unknown' };
      }),
    );
  }

  /** Marks every run whose lease ran out as interrupted; their ids. */
  async reapExpired(): Promise<string[]> {
    return guardedSql('reap interrupted runs', () => reapExpired(this.db));
  }

  /** Pushes the run's lease on; false when it no longer holds the slot (ended, or marked interrupted). */
  async renew(id: string, leaseMs: number): Promise<boolean> {
    const r = await guardedSql('renew the run lease', () =>
      this.db
        .updateTable('provisioning_runs')
        .set({ lease_until: leaseFromNow(leaseMs) })
        .where('id', '=', id)
        .where('finished_at', 'is', null)
        .where('lease_until', '>', sql<Date>`now()`)
        .executeTakeFirst(),
    );
    return Number(r.numUpdatedRows) === 1;
  }

  /** Records the run's progress; false when it had been ended meanwhile (nothing written). */
  async save(run: RunRecord): Promise<boolean> {
    const r = await guardedSql('save run', () =>
      this.db
        .updateTable('provisioning_runs')
        .set(progressOf(run))
        .where('id', '=', run.id)
        .where('finished_at', 'is', null)
        .executeTakeFirst(),
    );
    return Number(r.numUpdatedRows) === 1;
  }

  /** Ends the run and frees the slot in one statement; false when it had been marked interrupted. */
  async finish(run: RunRecord & { finishedAt: number }): Promise<boolean> {
    const r = await guardedSql('finish run', () =>
      this.db
        .updateTable('provisioning_runs')
        .set({ ...progressOf(run), finished_at: run.finishedAt, lease_until: null })
        .where('id', '=', run.id)
        .where('finished_at', 'is', null)
        .executeTakeFirst(),
    );
    return Number(r.numUpdatedRows) === 1;
  }

  /** Forgets a claimed run that never started (its request was refused after the claim). */
  async abandon(id: string): Promise<void> {
    await guardedSql('abandon run', () =>
      this.db.deleteFrom('provisioning_runs').where('id', '=', id).where('finished_at', 'is', null).execute(),
    );
  }

  async appendEvent(e: RunEvent): Promise<void> {
    await guardedSql('append run event', () =>
      this.db.insertInto('provisioning_run_events').values(eventRow(e)).execute(),
    );
  }

  /** One run with its last MAX_RUN_EVENTS events, oldest first; `not-found` otherwise. */
  async get(id: string): Promise<RunRecord> {
    const [row, events] = await guardedSql('get run', () =>
      Promise.all([
        this.db.selectFrom('provisioning_runs').selectAll().where('id', '=', id).executeTakeFirst(),
        this.db
          .selectFrom('provisioning_run_events')
          .selectAll()
          .where('run_id', '=', id)
          .orderBy('id', 'desc')
          .limit(MAX_RUN_EVENTS)
          .execute(),
      ]),
    );
    if (!row) throw new DomainError('not-found', `no run ${id}`);
    return runRecordSchema.parse({ ...summaryOf(row), events: events.reverse().map(eventOf) });
  }

  /** Newest first, without events and resources. */
  async list(limit: number): Promise<RunSummary[]> {
    const rows = await guardedSql('list runs', () =>
      this.db
        .selectFrom('provisioning_runs')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => {
      const { resources: _r, ...summary } = summaryOf(r);
      return summary;
    });
  }

  /** The run holding the slot now (its lease still running), or null. */
  async active(): Promise<string | null> {
    const row = await guardedSql('active run', () =>
      this.db
        .selectFrom('provisioning_runs')
        .select('id')
        .where('finished_at', 'is', null)
        .where('lease_until', '>', sql<Date>`now()`)
        .executeTakeFirst(),
    );
    return row?.id ?? null;
  }

  /** When the latest run of this kind asked for by `by` started (epoch ms), or null. */
  async lastStarted(kind: RunRecord['kind'], by: string): Promise<number | null> {
    const row = await guardedSql('last run', () =>
      this.db
        .selectFrom('provisioning_runs')
        .select((eb) => eb.fn.max('created_at').as('at'))
        .where('kind', '=', kind)
        .where('requested_by', '=', by)
        .executeTakeFirst(),
    );
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }
}

const leaseFromNow = (ms: number) => sql<Date>`now() + ${Math.ceil(ms)} * interval '1 millisecond'`;

/** One statement: runs whose lease ran out end as interrupted, each with an event saying so. */
async function reapExpired(db: Kysely<ProvisionerTables>): Promise<string[]> {
  const failure = JSON.stringify(INTERRUPTED);
  const message = `failed: ${INTERRUPTED.code}: ${INTERRUPTED.message}`;
  const r = await sql<{ id: string }>`
    WITH reaped AS (
      UPDATE provisioning_runs
         SET phase = 'failed', failure = ${failure}::jsonb, lease_until = NULL,
             finished_at = (extract(epoch FROM clock_timestamp()) * 1000)::bigint
       WHERE finished_at IS NULL AND lease_until <= now()
      RETURNING id, finished_at
    ), noted AS (
      INSERT INTO provisioning_run_events (run_id, phase, message, at)
      SELECT id, 'failed', ${message}, finished_at FROM reaped
    )
    SELECT id FROM reaped`.execute(db);
  return r.rows.map((x) => x.id);
}
