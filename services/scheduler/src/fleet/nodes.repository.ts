import type { Engine, FleetNode, NodeState, UpdateNode } from '@ensemble/contracts';
import { guardedSql, sameSha256 } from '@ensemble/shared';
import { sql, type Insertable, type Kysely } from 'kysely';
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

/** Who an upload token belongs to: a registered node, or a removed one until `validUntil` (epoch ms, decision 107). */
export interface TokenHolder {
  nodeId: string;
  validUntil?: number;
}

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
      // The id's retired upload tokens go in the same statement: uploads under this id are the
      // registered node's from now on, never a removed one's (decision 107).
      const added = await this.db
        .with('dropped', (db) => db.deleteFrom('retired_upload_tokens').where('node_id', '=', n.id))
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
   * Who holds the recording upload token of this SHA-256 (hex): the registered node, else a
   * removed node whose token is still in its grace (decision 107), else null. Found by a unique
   * index, then compared in constant time (the hash of a random token leaks nothing through
   * the index's timing; the comparison keeps it so should tokens ever be weak).
   */
  async byRecordingToken(tokenSha256: string): Promise<TokenHolder | null> {
    const { rows } = await guardedSql('node by recording token', () =>
      sql<{ node_id: string; token_hash: string; valid_until: Date | null }>`
        SELECT id AS node_id, recording_token_hash AS token_hash, NULL::timestamptz AS valid_until
          FROM nodes WHERE recording_token_hash = ${tokenSha256}
        UNION ALL
        SELECT node_id, token_hash, valid_until FROM retired_upload_tokens
          WHERE token_hash = ${tokenSha256} AND valid_until > now()
        ORDER BY valid_until NULLS FIRST LIMIT 1`.execute(this.db),
    );
    const row = rows[0];
    if (!row || !sameSha256(row.token_hash, tokenSha256)) return null;
    return row.valid_until ? { nodeId: row.node_id, validUntil: row.valid_until.getTime() } : { nodeId: row.node_id };
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

  /**
   * Forgets a node; the record it had, or null when there was none. Its upload token, if it
   * had one, is retired in the same statement: honoured `tokenGraceS` more (0: not at all).
   */
  async remove(id: string, tokenGraceS: number): Promise<NodeRecord | null> {
    const { rows } = await guardedSql('remove node', () =>
      sql<NodeRow>`
        WITH gone AS (DELETE FROM nodes WHERE id = ${id} RETURNING *),
        retired AS (
          INSERT INTO retired_upload_tokens (token_hash, node_id, retired_at, valid_until)
          SELECT recording_token_hash, id, now(), now() + make_interval(secs => ${tokenGraceS})
            FROM gone WHERE recording_token_hash IS NOT NULL AND ${tokenGraceS} > 0
          ON CONFLICT (token_hash) DO UPDATE SET node_id = excluded.node_id, retired_at = excluded.retired_at,
            valid_until = excluded.valid_until
        )
        SELECT * FROM gone`.execute(this.db),
    );
    return rows[0] ? recordOf(rows[0]) : null;
  }

  /** Forgets the retired upload tokens whose grace is over; how many. */
  async purgeRetiredTokens(): Promise<number> {
    const r = await guardedSql('purge retired upload tokens', () =>
      this.db
        .deleteFrom('retired_upload_tokens')
        .where('valid_until', '<=', sql<Date>`now()`)
        .executeTakeFirst(),
    );
    return Number(r.numDeletedRows);
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
