import { sql, type Kysely } from 'kysely';

/**
 * Shared rooms and access codes (issue 20, decision 123). Forward only.
 *
 * `room_members`: the users a room's owner shared it with (co-owners); deleting the room or
 * the user removes the share. Within the owner's tenant: the API adds only users of it.
 * `rooms` gains the access codes' hashes (scrypt, each with its own salt; null: no code)
 * and whether joining needs a signed-in account.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('room_members')
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) =>
      c
        .notNull()
        .defaultTo('co-owner')
        .check(sql`role IN ('co-owner')`),
    )
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('room_members_pkey', ['room_id', 'user_id'])
    .execute();
  // "Rooms shared with me" walks this index (the primary key serves a room's members).
  await db.schema.createIndex('room_members_user').on('room_members').columns(['user_id', 'room_id']).execute();
  await db.schema
    .alterTable('rooms')
    .addColumn('viewer_code_hash', 'text')
    .addColumn('moderator_code_hash', 'text')
    .addColumn('require_sign_in', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}
