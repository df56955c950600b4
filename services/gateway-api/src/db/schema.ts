import type { Engine, RoomSettings } from '@ensemble/contracts';
import type { ColumnType, Insertable, Selectable } from 'kysely';

/**
 * The gateway's tables, as its migrations leave them (db/migrations/): the one type every
 * repository's queries are checked against. No other service reads them (decision 090).
 */
export interface GatewayTables {
  users: UsersTable;
  rooms: RoomsTable;
}

export interface UsersTable {
  id: string;
  /** Lower case (the API's schema makes it so); unique. */
  email: string;
  name: string;
  password_hash: string;
  created_at: ColumnType<Date, Date, never>;
}

/** A room and both its links: a join reads this one row, found by a link's hash (unique index). */
export interface RoomsTable {
  id: string;
  /** Deleting the user deletes their rooms, and with them their links. */
  owner_id: string;
  name: string;
  engine: Engine;
  /** jsonb: written as JSON text, read back parsed. */
  settings: ColumnType<RoomSettings, string, string>;
  moderator_token: string;
  participant_token: string;
  moderator_hash: string;
  participant_hash: string;
  created_at: ColumnType<Date, Date, never>;
}

export type UserRow = Selectable<UsersTable>;
export type RoomRow = Selectable<RoomsTable>;
export type NewRoomRow = Insertable<RoomsTable>;
