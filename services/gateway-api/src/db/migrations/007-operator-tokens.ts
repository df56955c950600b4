import { sql, type Kysely } from 'kysely';

/**
 * Personal operator tokens (decision 122), and the audit log's second kind of actor.
 * Forward only. A token is stored as its SHA-256 digest: a copy of this table opens nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('operator_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The person or automation: the actor of its audit records.
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope IN ('read', 'write')`))
    // Every request looks its token up by digest (unique: the index serves that lookup).
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  // PostgreSQL named migration 002's inline check <table>_<column>_check.
  await sql`ALTER TABLE audit_events DROP CONSTRAINT audit_events_actor_kind_check`.execute(db);
  await sql`ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_kind_check
    CHECK (actor_kind IN ('ops-token', 'operator-token'))`.execute(db);
}
