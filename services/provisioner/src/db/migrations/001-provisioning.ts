import { sql, type Kysely } from 'kysely';

/**
 * Provisioning runs, their events, autoscale decisions and state, and the provisioned nodes
 * move from Redis (docs/decisions/093). Forward only: a later change is a new file, never an
 * edit of this one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('provisioning_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('scale-out', 'scale-in')`))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('nodes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('offer', 'text')
    .addColumn('zone', 'text')
    .addColumn('changes', 'jsonb')
    .addColumn('resources', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'`))
    .addColumn('diagnostics', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'`))
    .addColumn('registered', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('failure', 'jsonb')
    .addColumn('fence', 'bigint', (c) => c.notNull().generatedByDefaultAsIdentity())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('lease_until', 'timestamptz')
    .addCheckConstraint('provisioning_runs_lease', sql`(finished_at IS NULL) = (lease_until IS NOT NULL)`)
    .execute();
  // At most one run at a time: every unfinished run has the same key in this index.
  await sql`CREATE UNIQUE INDEX provisioning_runs_one_active ON provisioning_runs ((true)) WHERE finished_at IS NULL`.execute(
    db,
  );
  await db.schema
    .createIndex('provisioning_runs_newest')
    .on('provisioning_runs')
    .columns(['created_at desc'])
    .execute();

  await db.schema
    .createTable('provisioning_run_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('run_id', 'text', (c) => c.notNull().references('provisioning_runs.id').onDelete('cascade'))
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('resource', 'text')
    .addColumn('diagnostic', 'jsonb')
    .execute();
  await db.schema
    .createIndex('provisioning_run_events_run')
    .on('provisioning_run_events')
    .columns(['run_id', 'id'])
    .execute();

  await db.schema
    .createTable('autoscale_decisions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('held', 'boolean', (c) =>
      c
        .notNull()
        .generatedAlwaysAs(sql`action IN ('scale-out-held', 'scale-in-held')`)
        .stored(),
    )
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('count', 'integer')
    .addColumn('node_id', 'text')
    .addColumn('used_share', 'double precision', (c) => c.notNull())
    .addColumn('fleet_size', 'integer', (c) => c.notNull())
    // Not a foreign key: decisions imported from Redis may name runs Redis had already dropped.
    .addColumn('run_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('autoscale_decisions_newest')
    .on('autoscale_decisions')
    .columns(['at desc', 'id desc'])
    .execute();
  await db.schema.createIndex('autoscale_decisions_run').on('autoscale_decisions').column('run_id').execute();

  await db.schema
    .createTable('autoscale_state')
    .addColumn('id', 'smallint', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('rev', 'bigint', (c) => c.notNull())
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('provisioned_nodes')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('ipv4', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
}
