import { sql, type Kysely } from 'kysely';

/**
 * The create parameters of BBB API meetings (from Redis, where a TTL kept them) and the
 * operators' audit log (decision 092). Forward only: a later change is a new file.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bbb_create_params')
    .addColumn('meeting_id', 'text', (c) => c.primaryKey())
    .addColumn('node_id', 'text', (c) => c.notNull())
    // The signed create call as sent to the node (without checksum), and its pre-upload body.
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('content_type', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // The purge finds expired rows oldest first without reading the table.
  await db.schema.createIndex('bbb_create_params_expires').on('bbb_create_params').column('expires_at').execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull().check(sql`actor_kind IN ('ops-token')`))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('client_address', 'text')
    // 'pending' until the action's outcome is written: one left pending was interrupted.
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome IN ('pending', 'ok', 'refused', 'failed')`))
    .addColumn('error_code', 'text')
    .addColumn('details', 'jsonb', (c) =>
      c
        .notNull()
        .defaultTo(sql`'{}'::jsonb`)
        .check(sql`jsonb_typeof(details) = 'object'`),
    )
    .execute();
  // Each filter pages newest first by id on an index of its own.
  for (const column of ['actor', 'action', 'target'] as const) {
    await db.schema.createIndex(`audit_events_${column}`).on('audit_events').columns([column, 'id desc']).execute();
  }
}
