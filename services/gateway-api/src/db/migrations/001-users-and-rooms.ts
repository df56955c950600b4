import { sql, type Kysely } from 'kysely';

/**
 * Accounts and rooms move from Redis (docs/decisions/090). Forward only: a later change
 * is a new file, never an edit of this one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rooms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('engine', 'text', (c) => c.notNull().check(sql`engine IN ('bbb', 'jitsi')`))
    .addColumn('settings', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(settings) = 'object'`))
    .addColumn('moderator_token', 'text', (c) => c.notNull())
    .addColumn('participant_token', 'text', (c) => c.notNull())
    // A link is found by its hash alone: each one unique, each one indexed.
    .addColumn('moderator_hash', 'text', (c) => c.notNull().unique())
    .addColumn('participant_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // An owner's rooms, newest first, without a sort.
  await db.schema.createIndex('rooms_owner_created').on('rooms').columns(['owner_id', 'created_at desc']).execute();
}
