import type { Engine, FleetNode, NodeState, UpdateNode } from '@ensemble/contracts';
import { guardedSql, sameSha256 } from '@ensemble/shared';
import type { Insertable, Kysely } from 'kysely';
import type { NodeRow, NodesTable, SchedulerTables } from '../db/schema.js';

/** A node as an operator registered and set it: what PostgreSQL keeps and Redis mirrors. */
export interface NodeRecord {
  id: string;
  engine: Engine;
  url: string;
  /** '' for Jitsi. */
  secret: string;
  tags: string[];
  loadMultiplier: number;
  state: NodeState;
  enableWhenHealthy: boolean;
  prometheusInstance: string | null;
  createdAt: number;
}

const recordOf = (r: NodeRow): NodeRecord => ({
  id: r.id,
  engine: r.engine,
  url: r.url,
  secret: r.secret,
  tags: r.tags,
  loadMultiplier: Number(r.load_multiplier),
  state: r.state,
  enableWhenHealthy: r.enable_when_healthy,
  prometheusInstance: r.prometheus_instance,
  createdAt: Number(r.created_at),
});

const rowOf = (n: NodeRecord): Insertable<NodesTable> => ({
  id: n.id,
  engine: n.engine,
  url: n.url,
  secret: n.secret,
  tags: n.tags,
  load_multiplier: n.loadMultiplier,
  state: n.state,
  enable_when_healthy: n.enableWhenHealthy,
  prometheus_instance: n.prometheusInstance,
  created_at: n.createdAt,
});

/**
 * The node inventory in PostgreSQL (`nodes`), the system of record; Redis holds a mirror
 * that placement reads (decision 090). Each change is one statement, so one transaction.
 */
export class NodesRepository {
  constructor(private readonly db: Kysely<SchedulerTables>) {}

  /**
   * Registers a node once: a retry with the same id, engine and URL finds it there
   * ('exists', the stored record), anything else under a taken id is a 'conflict'.
   */
  async register(
    n: NodeRecord,
    recordingTokenHash: string | null = null,
  ): Promise<{ outcome: 'added' | 'exists'; node: NodeRecord } | { outcome: 'conflict'; node?: undefined }> {
    return guardedSql('register node', async () => {
      const added = await this.db
        .insertInto('nodes')
        .values({ ...rowOf(n), recording_token_hash: recordingTokenHash })
        .onConflict((c) => c.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (added) return { outcome: 'added', node: recordOf(added) };
      const there = await this.get(n.id);
      // Gone again between the two statements: a removal won the race; the caller may retry.
      if (!there || there.engine !== n.engine || there.url !== n.url) return { outcome: 'conflict' };
      return { outcome: 'exists', node: there };
    });
  }

  /**
   * The node whose recording upload token has this SHA-256 (hex), or null. Found by the
   * unique index, then compared in constant time (the hash of a random token leaks nothing
   * through the index's timing; the comparison keeps it so should tokens ever be weak).
   */
  async byRecordingToken(tokenSha256: string): Promise<string | null> {
    const row = await guardedSql('node by recording token', () =>
      this.db
        .selectFrom('nodes')
        .select(['id', 'recording_token_hash'])
        .where('recording_token_hash', '=', tokenSha256)
        .executeTakeFirst(),
    );
    return row?.recording_token_hash && sameSha256(row.recording_token_hash, tokenSha256) ? row.id : null;
  }

  async get(id: string): Promise<NodeRecord | null> {
    const row = await guardedSql('get node', () =>
      this.db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row ? recordOf(row) : null;
  }

  /** Every node, by id. */
  async list(): Promise<NodeRecord[]> {
    const rows = await guardedSql('list nodes', () => this.db.selectFrom('nodes').selectAll().orderBy('id').execute());
    return rows.map(recordOf);
  }

  async ids(): Promise<string[]> {
    const rows = await guardedSql('list node ids', () => this.db.selectFrom('nodes').select('id').execute());
    return rows.map((r) => r.id);
  }

  /**
   * The operator's changes; an explicit state wins over a pending enableWhenHealthy (as
   * update-node.lua does). Null when there is no such node.
   */
  async update(u: Pick<UpdateNode, 'id' | 'state' | 'loadMultiplier' | 'tags'>): Promise<NodeRecord | null> {
    const row = await guardedSql('update node', () =>
      this.db
        .updateTable('nodes')
        .set({
          ...(u.state !== undefined ? { state: u.state, enable_when_healthy: false } : {}),
          ...(u.loadMultiplier !== undefined ? { load_multiplier: u.loadMultiplier } : {}),
          ...(u.tags !== undefined ? { tags: u.tags } : {}),
        })
        .where('id', '=', u.id)
        .returningAll()
        .executeTakeFirst(),
    );
    return row ? recordOf(row) : null;
  }

  /** Forgets a node; the record it had, or null when there was none. */
  async remove(id: string): Promise<NodeRecord | null> {
    const row = await guardedSql('remove node', () =>
      this.db.deleteFrom('nodes').where('id', '=', id).returningAll().executeTakeFirst(),
    );
    return row ? recordOf(row) : null;
  }

  /**
   * Copies a node known only to Redis (registered before the inventory moved) as it is;
   * a node already here is left untouched. True when it was copied.
   */
  async adopt(n: NodeRecord): Promise<boolean> {
    const r = await guardedSql('adopt node', () =>
      this.db
        .insertInto('nodes')
        .values(rowOf(n))
        .onConflict((c) => c.column('id').doNothing())
        .executeTakeFirst(),
    );
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}

/** A record as the API shows a node (no secret), before its health is known. */
export const fleetNodeOf = (n: NodeRecord): Omit<FleetNode, 'health'> => ({
  id: n.id,
  engine: n.engine,
  url: n.url,
  state: n.state,
  loadMultiplier: n.loadMultiplier,
  tags: n.tags,
  createdAt: n.createdAt,
  ...(n.prometheusInstance ? { prometheusInstance: n.prometheusInstance } : {}),
});
