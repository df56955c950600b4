import { sql, type Kysely } from 'kysely';

/**
 * The node inventory moves from Redis (docs/decisions/090). Forward only: a later change
 * is a new file, never an edit of this one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('nodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('engine', 'text', (c) => c.notNull().check(sql`engine IN ('bbb', 'jitsi')`))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('load_multiplier', 'double precision', (c) =>
      c.notNull().check(sql`load_multiplier > 0 AND load_multiplier <= 100`),
    )
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('enabled', 'cordoned', 'disabled')`))
    .addColumn('enable_when_healthy', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('prometheus_instance', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
