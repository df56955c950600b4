import type { RoomMember } from '@ensemble/contracts';
import { guardedSql } from '@ensemble/shared';
import type { Kysely } from 'kysely';
import type { GatewayTables } from '../db/schema.js';

/**
 * The users rooms are shared with (`room_members`, decision 123). Whether the caller may
 * change them (the owner only) is the service's check; these queries take it as done.
 */
export class RoomMembersRepository {
  constructor(private readonly db: Kysely<GatewayTables>) {}

  /** Oldest share first. */
  async list(roomId: string): Promise<RoomMember[]> {
    const rows = await guardedSql('room members', () =>
      this.db
        .selectFrom('room_members')
        .innerJoin('users', 'users.id', 'room_members.user_id')
        .select(['users.id', 'users.email', 'users.name', 'room_members.added_at'])
        .where('room_members.room_id', '=', roomId)
        .orderBy('room_members.added_at')
        .orderBy('users.id')
        .limit(1000)
        .execute(),
    );
    return rows.map((r) => ({
      userId: r.id,
      email: r.email,
      name: r.name,
      role: 'co-owner' as const,
      addedAt: r.added_at.getTime(),
    }));
  }

  /** The account of this e-mail in `tenant` (the owner's: no other is looked in). */
  async userByEmail(tenant: string, email: string): Promise<{ id: string; email: string; name: string } | null> {
    const user = await guardedSql('share room', () =>
      this.db
        .selectFrom('users')
        .select(['id', 'email', 'name'])
        .where('tenant', '=', tenant)
        .where('email', '=', email)
        .executeTakeFirst(),
    );
    return user ?? null;
  }

  /** Shares the room with the user; sharing again changes nothing (the first date stays). */
  async add(roomId: string, user: { id: string; email: string; name: string }): Promise<RoomMember> {
    await guardedSql('share room', () =>
      this.db
        .insertInto('room_members')
        .values({ room_id: roomId, user_id: user.id })
        .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
        .execute(),
    );
    const share = await guardedSql('share room', () =>
      this.db
        .selectFrom('room_members')
        .select('added_at')
        .where('room_id', '=', roomId)
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow(),
    );
    return { userId: user.id, email: user.email, name: user.name, role: 'co-owner', addedAt: share.added_at.getTime() };
  }

  /** False when the user was not a member. */
  async remove(roomId: string, userId: string): Promise<boolean> {
    const r = await guardedSql('unshare room', () =>
      this.db.deleteFrom('room_members').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst(),
    );
    return r.numDeletedRows > 0n;
  }
}
