import {
  roomSettingsSchema,
  type Engine,
  type JoinRole,
  type RecordingVisibility,
  type RoomSettings,
  type UpdateRoomBody,
} from '@ensemble/contracts';
import { guardedSql } from '@ensemble/shared';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { GatewayTables, RoomRow } from '../db/schema.js';
import { isLinkToken, linkHash, newLinkToken } from './link-token.js';

export interface StoredRoom {
  id: string;
  ownerId: string;
  name: string;
  engine: Engine;
  settings: RoomSettings;
  moderatorToken: string;
  participantToken: string;
  createdAt: number;
  /** Access codes' hashes (decision 123); null: none. */
  viewerCodeHash: string | null;
  moderatorCodeHash: string | null;
  requireSignIn: boolean;
  /** Who may watch its recordings (decision 125). */
  recordingVisibility: RecordingVisibility;
}

/** A room and the caller's part in it. */
export interface AccessibleRoom extends StoredRoom {
  access: 'owner' | 'co-owner';
}

/** What a change writes besides name and settings: code hashes already made (null clears). */
export interface RoomChange {
  name?: string;
  settings?: UpdateRoomBody['settings'];
  viewerCodeHash?: string | null;
  moderatorCodeHash?: string | null;
  requireSignIn?: boolean;
  recordingVisibility?: RecordingVisibility;
}

const roomOf = (r: RoomRow): StoredRoom => ({
  id: r.id,
  ownerId: r.owner_id,
  name: r.name,
  engine: r.engine,
  settings: roomSettingsSchema.parse(r.settings),
  moderatorToken: r.moderator_token,
  participantToken: r.participant_token,
  createdAt: r.created_at.getTime(),
  viewerCodeHash: r.viewer_code_hash,
  moderatorCodeHash: r.moderator_code_hash,
  requireSignIn: r.require_sign_in,
  recordingVisibility: r.recording_visibility,
});

/** The room is the user's, or shared with them (decision 123). */
const ownedOrShared = (userId: string) => (eb: ExpressionBuilder<GatewayTables, 'rooms'>) =>
  eb.or([
    eb('rooms.owner_id', '=', userId),
    eb.exists(
      eb
        .selectFrom('room_members')
        .select('room_members.room_id')
        .whereRef('room_members.room_id', '=', 'rooms.id')
        .where('room_members.user_id', '=', userId),
    ),
  ]);

const accessOf = (row: RoomRow, userId: string): AccessibleRoom => ({
  ...roomOf(row),
  access: row.owner_id === userId ? 'owner' : 'co-owner',
});

/** A fresh pair of links: the tokens handed out and the hashes they are found by. */
const newLinks = () => {
  const [m, p] = [newLinkToken(), newLinkToken()];
  return { moderator_token: m, moderator_hash: linkHash(m), participant_token: p, participant_hash: linkHash(p) };
};

/**
 * Rooms and their links in PostgreSQL (`rooms`). Each change is one statement (one
 * transaction), conditioned on the owner, so a change racing a delete or another change
 * never leaves half a room or two valid pairs of links. A room is its owner's tenant's
 * (decision 115): the owner conditions keep changes within it, and a link opens only there.
 */
export class RoomsRepository {
  constructor(private readonly db: Kysely<GatewayTables>) {}

  async create(ownerId: string, name: string, engine: Engine, settings: RoomSettings): Promise<StoredRoom> {
    const row = await guardedSql('create room', () =>
      this.db
        .insertInto('rooms')
        .values({
          id: `r${randomBytes(9).toString('base64url')}`,
          owner_id: ownerId,
          name,
          engine,
          settings: JSON.stringify(settings),
          ...newLinks(),
          // The owner's tenant's default (decision 124), in the same statement.
          recording_visibility: sql<RecordingVisibility>`coalesce((SELECT s.default_recording_visibility
            FROM site_settings s JOIN users u ON u.tenant = s.tenant WHERE u.id = ${ownerId}), 'unlisted')`,
          created_at: new Date(),
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return roomOf(row);
  }

  async get(id: string): Promise<StoredRoom | null> {
    const row = await guardedSql('room', () =>
      this.db.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row ? roomOf(row) : null;
  }

  /** Who may watch the room's recordings; null for a room that does not exist (any more). */
  async recordingVisibility(id: string): Promise<RecordingVisibility | null> {
    const row = await guardedSql('room recording visibility', () =>
      this.db.selectFrom('rooms').select('recording_visibility').where('id', '=', id).executeTakeFirst(),
    );
    return row?.recording_visibility ?? null;
  }

  /** The room if the user owns it or it is shared with them; null otherwise (or missing). */
  async accessible(id: string, userId: string): Promise<AccessibleRoom | null> {
    const row = await guardedSql('room', () =>
      this.db.selectFrom('rooms').selectAll().where('id', '=', id).where(ownedOrShared(userId)).executeTakeFirst(),
    );
    return row ? accessOf(row, userId) : null;
  }

  /** The user's rooms and those shared with them, newest first (at most 1000, as before). */
  async list(userId: string): Promise<AccessibleRoom[]> {
    const rows = await guardedSql('rooms', () =>
      this.db
        .selectFrom('rooms')
        .selectAll()
        .where(ownedOrShared(userId))
        .orderBy('created_at', 'desc')
        .limit(1000)
        .execute(),
    );
    return rows.map((r) => accessOf(r, userId));
  }

  /**
   * A new name and/or settings merged into the stored ones (jsonb `||`, in the statement:
   * two updates at once both land), codes and sign-in as given. By the owner or a co-owner;
   * null when the room is missing or neither's.
   */
  async update(id: string, userId: string, change: RoomChange): Promise<AccessibleRoom | null> {
    const row = await guardedSql('update room', () =>
      this.db
        .updateTable('rooms')
        .set((eb) => ({
          name: change.name ?? eb.ref('name'),
          settings: sql<string>`settings || ${JSON.stringify(change.settings ?? {})}::jsonb`,
          ...(change.viewerCodeHash !== undefined ? { viewer_code_hash: change.viewerCodeHash } : {}),
          ...(change.moderatorCodeHash !== undefined ? { moderator_code_hash: change.moderatorCodeHash } : {}),
          ...(change.requireSignIn !== undefined ? { require_sign_in: change.requireSignIn } : {}),
          ...(change.recordingVisibility !== undefined ? { recording_visibility: change.recordingVisibility } : {}),
        }))
        .where('id', '=', id)
        .where(ownedOrShared(userId))
        .returningAll()
        .executeTakeFirst(),
    );
    return row ? accessOf(row, userId) : null;
  }

  /**
   * Replaces both links at once: the old hashes stop matching in the same statement the
   * new ones start. Two rotations at once queue on the row lock; the later one wins whole,
   * so exactly one pair is valid after them. By the owner or a co-owner; null otherwise.
   */
  async rotate(id: string, userId: string): Promise<AccessibleRoom | null> {
    const row = await guardedSql('rotate links', () =>
      this.db
        .updateTable('rooms')
        .set(newLinks())
        .where('id', '=', id)
        .where(ownedOrShared(userId))
        .returningAll()
        .executeTakeFirst(),
    );
    return row ? accessOf(row, userId) : null;
  }

  /** Deletes the caller's room; its links die with the row. False when missing or someone else's. */
  async remove(id: string, ownerId: string): Promise<boolean> {
    const r = await guardedSql('delete room', () =>
      this.db.deleteFrom('rooms').where('id', '=', id).where('owner_id', '=', ownerId).executeTakeFirst(),
    );
    return r.numDeletedRows > 0n;
  }

  /**
   * The room and role a link token opens, or null (unknown, rotated, deleted, or a room of
   * another tenant than `tenant`, its owner's: decision 115): one row, found through a
   * unique index on either hash, and its owner by primary key.
   */
  async byLink(token: string, tenant: string): Promise<{ room: StoredRoom; linkRole: JoinRole } | null> {
    if (!isLinkToken(token)) return null;
    const hash = linkHash(token);
    const row = await guardedSql('link', () =>
      this.db
        .selectFrom('rooms')
        .innerJoin('users', 'users.id', 'rooms.owner_id')
        .selectAll('rooms')
        .where((eb) => eb.or([eb('rooms.moderator_hash', '=', hash), eb('rooms.participant_hash', '=', hash)]))
        .where('users.tenant', '=', tenant)
        .executeTakeFirst(),
    );
    if (!row) return null;
    return { room: roomOf(row), linkRole: row.moderator_hash === hash ? 'moderator' : 'viewer' };
  }
}
