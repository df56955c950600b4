import {
  autoscaleDecisionSchema,
  runEventSchema,
  runRecordSchema,
  type AutoscaleDecision,
  type RunEvent,
  type RunRecord,
} from '@ensemble/contracts';
import { newTally, type ImportTally } from '@ensemble/shared';
import type { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';
import { decisionRow } from '../autoscale/autoscale.repository.js';
import { eventRow, runRow } from '../run/runs.repository.js';
import { autoscaleStateSchema } from '../autoscale/autoscale-state.js';
import type { ProvisionerTables } from '../db/schema.js';
import { provisionedNodeSchema } from '../nodes/provisioned-nodes.repository.js';
import { oldKeys } from './redis-keys.js';

export interface ImportReport {
  runs: ImportTally;
  /** Events of the runs copied now. */
  events: number;
  decisions: ImportTally;
  provisionedNodes: ImportTally;
  autoscaleState: 'copied' | 'already there' | 'none';
}

const INTERRUPTED = {
  code: 'interrupted',
  message: 'still running in Redis when it was imported (its provisioner stopped for the upgrade)',
} as const;

function parseJson(raw: string | null): unknown {
  try {
    return raw === null ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null;
  }
}

/**
 * Copies what the provisioner kept in Redis before decision 093 into PostgreSQL: runs with
 * their events, autoscale decisions and state, provisioned nodes. Idempotent: a run or node
 * already there (same id or name) is counted, not touched; a decision already there (same
 * time, action, reason, node and run: decisions had no id) is not copied again. Each run is
 * copied with its events in one transaction. A run Redis still shows unfinished ends as
 * interrupted (its provisioner stopped for the upgrade): it never holds the new slot. Redis
 * is only read.
 */
export class RedisImport {
  constructor(
    private readonly redis: Redis,
    private readonly db: Kysely<ProvisionerTables>,
  ) {}

  async run(): Promise<ImportReport> {
    const runs = newTally();
    let events = 0;
    for (const id of await this.redis.zrange(oldKeys.runs, '0', '-1')) events += await this.copyRun(id, runs);
    await this.advanceFence();
    return {
      runs,
      events,
      decisions: await this.copyDecisions(),
      provisionedNodes: await this.copyProvisioned(),
      autoscaleState: await this.copyState(),
    };
  }

  /** Copies one run and its events; the number of events copied. */
  private async copyRun(id: string, t: ImportTally): Promise<number> {
    const [raw, rawEvents] = await Promise.all([
      this.redis.get(oldKeys.run(id)),
      this.redis.lrange(oldKeys.runEvents(id), 0, -1),
    ]);
    const parsed = runRecordSchema.safeParse({ ...(parseJson(raw) as object), events: [] });
    if (!parsed.success) {
      t.skipped.push({ id, reason: raw ? 'not a valid run record' : 'no record' });
      return 0;
    }
    const run = parsed.data;
    const evs = rawEvents.flatMap((e) => {
      const ev = runEventSchema.safeParse(parseJson(e));
      return ev.success && ev.data.runId === id ? [ev.data] : [];
    });
    const ended = endedRun(run, evs);
    const copied = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('provisioning_runs')
        .values({
          ...runRow({
            ...ended.run,
            // Redis kept no requester: the autoscaler's runs said so in their reason.
            requestedBy: run.reason.startsWith('autoscale:') ? 'autoscaler' : 'ops',
            params:
              run.kind === 'scale-out'
                ? { count: run.nodes.length, offer: run.offer, zone: run.zone }
                : { nodeId: run.nodes[0] ?? null },
          }),
          fence: run.fence,
          lease_until: null,
        })
        .onConflict((c) => c.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return false;
      const all = [...evs, ...ended.extra];
      if (all.length > 0) await trx.insertInto('provisioning_run_events').values(all.map(eventRow)).execute();
      return true;
    });
    if (!copied) {
      t.alreadyThere++;
      return 0;
    }
    t.copied++;
    return evs.length;
  }

  /** New runs get fencing numbers above every imported one. */
  private async advanceFence(): Promise<void> {
    await sql`SELECT setval(pg_get_serial_sequence('provisioning_runs', 'fence'),
                            GREATEST((SELECT max(fence) FROM provisioning_runs), 1))`.execute(this.db);
  }

  /** Decisions oldest first (Redis kept them newest first), each unless the same one is there. */
  private async copyDecisions(): Promise<ImportTally> {
    const t = newTally();
    const raws = (await this.redis.lrange(oldKeys.decisions, 0, -1)).reverse();
    for (const [i, raw] of raws.entries()) {
      const d = autoscaleDecisionSchema.safeParse(parseJson(raw));
      if (!d.success) {
        t.skipped.push({ id: `decision ${raws.length - i} (newest first)`, reason: 'not a valid decision' });
        continue;
      }
      if (await this.copyDecision(d.data)) t.copied++;
      else t.alreadyThere++;
    }
    return t;
  }

  private async copyDecision(d: AutoscaleDecision): Promise<boolean> {
    const r = decisionRow(d);
    const inserted = await sql<{ id: string }>`
      INSERT INTO autoscale_decisions (action, reason, count, node_id, used_share, fleet_size, run_id, at)
      SELECT ${r.action}, ${r.reason}, ${r.count}, ${r.node_id}, ${r.used_share}, ${r.fleet_size}, ${r.run_id}, ${r.at}
       WHERE NOT EXISTS (
         SELECT 1 FROM autoscale_decisions
          WHERE at = ${r.at} AND action = ${r.action} AND reason = ${r.reason}
            AND node_id IS NOT DISTINCT FROM ${r.node_id} AND run_id IS NOT DISTINCT FROM ${r.run_id})
      RETURNING id`.execute(this.db);
    return inserted.rows.length === 1;
  }

  private async copyProvisioned(): Promise<ImportTally> {
    const t = newTally();
    for (const [name, raw] of Object.entries(await this.redis.hgetall(oldKeys.nodes))) {
      const n = provisionedNodeSchema.safeParse(parseJson(raw));
      if (!n.success || n.data.name !== name) {
        t.skipped.push({ id: name, reason: 'not a valid provisioned node' });
        continue;
      }
      const row = await this.db
        .insertInto('provisioned_nodes')
        .values({ name, hostname: n.data.hostname, ipv4: n.data.ipv4, run_id: n.data.runId, at: n.data.at })
        .onConflict((c) => c.column('name').doNothing())
        .returning('name')
        .executeTakeFirst();
      if (row) t.copied++;
      else t.alreadyThere++;
    }
    return t;
  }

  /** The policy's memory (windows, draining nodes), unless the new version already saved one. */
  private async copyState(): Promise<ImportReport['autoscaleState']> {
    const [rev, raw] = await this.redis.hmget(oldKeys.autoscale, 'rev', 'state');
    const state = autoscaleStateSchema.safeParse(parseJson(raw ?? null));
    if (!state.success) return 'none';
    const row = await this.db
      .insertInto('autoscale_state')
      .values({ id: 1, rev: Math.max(Number(rev) || 1, 1), state: JSON.stringify(state.data) })
      .onConflict((c) => c.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row ? 'copied' : 'already there';
  }
}

/** A run as it is kept: one Redis still shows unfinished ends as interrupted, with an event saying so. */
function endedRun(run: RunRecord, events: RunEvent[]): { run: RunRecord; extra: RunEvent[] } {
  if (run.finishedAt !== null) return { run, extra: [] };
  const at = Math.max(run.createdAt, ...events.map((e) => e.at));
  return {
    run: { ...run, phase: 'failed', failure: { ...INTERRUPTED }, finishedAt: at },
    extra: [{ runId: run.id, phase: 'failed', message: `failed: ${INTERRUPTED.code}: ${INTERRUPTED.message}`, at }],
  };
}
