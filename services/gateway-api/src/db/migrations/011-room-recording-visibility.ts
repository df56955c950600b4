import { sql, type Kysely } from 'kysely';

/**
 * Who may watch a room's recordings (issue 20, decision 125): one of four named states.
 * Every room starts `unlisted`, what playback did before (anyone with the URL; the tenant's
 * protection still applies). Forward only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('rooms')
    .addColumn('recording_visibility', 'text', (c) =>
      c
        .notNull()
        .defaultTo('unlisted')
        .check(sql`recording_visibility IN ('public', 'unlisted', 'protected', 'private')`),
    )
    .execute();
}
