import type { AutoscaleAction, RunDiagnostic, RunFailure, RunPhase, RunRecord, RunResource } from '@ensemble/contracts';
import type { ColumnType, Generated, Selectable } from 'kysely';

/** jsonb: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;
/** bigint epoch ms: pg returns it as a string. */
type EpochMs = ColumnType<string, number, number>;

/**
 * The provisioner's tables, as its migrations leave them (db/migrations/): the one type its
 * repositories' queries are checked against. No other service reads them (decisions 090, 093).
 */
export interface ProvisionerTables {
  provisioning_runs: RunsTable;
  provisioning_run_events: RunEventsTable;
  autoscale_decisions: DecisionsTable;
  autoscale_state: AutoscaleStateTable;
  provisioned_nodes: ProvisionedNodesTable;
}

/**
 * One Terraform run. Unfinished (`finished_at` null) means it holds the one provisioning
 * slot (a partial unique index); `lease_until` is pushed on by its provisioner's heartbeat.
 */
export interface RunsTable {
  id: string;
  kind: RunRecord['kind'];
  requested_by: string;
  reason: string;
  /** What was asked: { count, offer, zone } or { nodeId }. */
  params: Json<Record<string, unknown>>;
  phase: RunPhase;
  nodes: string[];
  offer: string | null;
  zone: string | null;
  changes: Json<RunRecord['changes']>;
  resources: Json<RunResource[]>;
  diagnostics: Json<RunDiagnostic[]>;
  registered: string[];
  failure: Json<RunFailure | null>;
  fence: ColumnType<string, number | undefined, never>;
  created_at: EpochMs;
  finished_at: ColumnType<string | null, number | null, number | null>;
  lease_until: Date | null;
}

/** A run's events, in the order written (`id` grows). */
export interface RunEventsTable {
  id: Generated<string>;
  run_id: string;
  phase: RunPhase;
  message: string;
  at: EpochMs;
  resource: string | null;
  diagnostic: Json<RunDiagnostic | null>;
}

/** Every autoscale decision, taken or held, with what it saw; `run_id` names the run it started. */
export interface DecisionsTable {
  id: Generated<string>;
  action: AutoscaleAction;
  held: ColumnType<boolean, never, never>;
  reason: string;
  count: number | null;
  node_id: string | null;
  used_share: ColumnType<number, number, number>;
  fleet_size: number;
  run_id: string | null;
  at: EpochMs;
}

/** The autoscale policy's memory between ticks: one row, saved only over the revision it was read at. */
export interface AutoscaleStateTable {
  id: ColumnType<number, number, never>;
  rev: ColumnType<string, number, number>;
  state: Json<Record<string, unknown>>;
}

/** Nodes this provisioner created (never their secrets): for file-SD and scale-in. */
export interface ProvisionedNodesTable {
  name: string;
  hostname: string;
  ipv4: string;
  run_id: string;
  at: EpochMs;
}

export type RunRow = Selectable<RunsTable>;
export type RunEventRow = Selectable<RunEventsTable>;
export type DecisionRow = Selectable<DecisionsTable>;
