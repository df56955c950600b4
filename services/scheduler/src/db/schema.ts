import type { Engine, NodeState } from '@ensemble/contracts';
import type { ColumnType, Selectable } from 'kysely';

/**
 * The scheduler's tables, as its migrations leave them (db/migrations/): the one type its
 * repository's queries are checked against. No other service reads them (decision 090).
 */
export interface SchedulerTables {
  nodes: NodesTable;
  retired_upload_tokens: RetiredUploadTokensTable;
}

/**
 * The node inventory: what an operator set. Health, samples, streaks, rooms and pending load
 * are not here: they live in Redis only, and the next polls rebuild them.
 */
export interface NodesTable {
  id: string;
  engine: Engine;
  url: string;
  /** BBB's shared secret ('' for Jitsi); never leaves the scheduler. */
  secret: string;
  /** text[] */
  tags: string[];
  load_multiplier: number;
  state: NodeState;
  /** Registered cordoned: enabled by the scheduler on its first healthy polls. */
  enable_when_healthy: boolean;
  prometheus_instance: string | null;
  /** SHA-256 (hex) of the node's recording upload token; null: it cannot upload. Never leaves the scheduler. */
  recording_token_hash: string | null;
  /** Epoch ms, as the API shows it. */
  created_at: ColumnType<string | number, number, never>;
}

export type NodeRow = Selectable<NodesTable>;

/** A removed node's upload token, honoured until `valid_until` (decision 107). Never leaves the scheduler. */
export interface RetiredUploadTokensTable {
  /** SHA-256 (hex) of the token. */
  token_hash: string;
  node_id: string;
  retired_at: Date;
  valid_until: Date;
}
