import type { Redis } from 'ioredis';
import { roomSettingsSchema, type Engine, type JoinRole, type RoomSettings } from '@ensemble/contracts';
import { guarded } from '@ensemble/shared';
import { randomBytes } from 'node:crypto';
import { defineLuaScript as defineScript, type LuaScript as Script } from '@ensemble/shared';
import { KEY_PREFIX, keys } from './keys.js';
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
}

const lua = (name: string) => new URL(`./lua/${name}.lua`, import.meta.url);

/** Rooms, their owners' indexes and link lookups; every change is one Lua script. */
export class RoomsStore {
  private readonly scripts: Record<'create' | 'rotate' | 'update' | 'remove', Script>;

  constructor(private readonly redis: Redis) {
    this.scripts = {
      create: defineScript(redis, 'create-room', lua('create-room')),
      rotate: defineScript(redis, 'rotate-links', lua('rotate-links')),
      update: defineScript(redis, 'update-room', lua('update-room')),
      remove: defineScript(redis, 'delete-room', lua('delete-room')),
    };
  }

  async create(ownerId: string, name: string, engine: Engine, settings: RoomSettings): Promise<StoredRoom> {
    const room: StoredRoom = {
      id: `r${randomBytes(9).toString('base64url')}`,
      ownerId,
      name,
      engine,
      settings,
      moderatorToken: newLinkToken(),
      participantToken: newLinkToken(),
      createdAt: Date.now(),
    };
    await guarded('create room', () =>
      this.scripts.create(
        KEY_PREFIX,
        room.id,
        ownerId,
        name,
        engine,
        JSON.stringify(settings),
        room.createdAt,
        room.moderatorToken,
        linkHash(room.moderatorToken),
        room.participantToken,
        linkHash(room.participantToken),
      ),
    );
    return room;
  }

  async get(id: string): Promise<StoredRoom | null> {
    const h = await guarded('room', () => this.redis.hgetall(keys.room(id)));
    if (!h.id || !h.ownerId) return null;
    return {
      id: h.id,
      ownerId: h.ownerId,
      name: h.name ?? '',
      engine: (h.engine ?? 'bbb') as Engine,
      settings: roomSettingsSchema.parse(JSON.parse(h.settings ?? '{}')),
      moderatorToken: h.moderatorToken ?? '',
      participantToken: h.participantToken ?? '',
      createdAt: Number(h.createdAt),
    };
  }

  /** The owner's rooms, newest first. */
  async list(ownerId: string): Promise<StoredRoom[]> {
    const ids = await guarded('rooms', () => this.redis.zrevrange(keys.owner(ownerId), 0, 999));
    const rooms = await Promise.all(ids.map((id) => this.get(id)));
    return rooms.filter((r): r is StoredRoom => r !== null);
  }

  async update(room: StoredRoom): Promise<boolean> {
    const r = await guarded('update room', () =>
      this.scripts.update(KEY_PREFIX, room.id, room.ownerId, room.name, JSON.stringify(room.settings)),
    );
    return r === 1;
  }

  async rotate(id: string, ownerId: string): Promise<boolean> {
    const [m, p] = [newLinkToken(), newLinkToken()];
    const r = await guarded('rotate links', () =>
      this.scripts.rotate(KEY_PREFIX, id, ownerId, m, linkHash(m), p, linkHash(p)),
    );
    return r === 1;
  }

  async remove(id: string, ownerId: string): Promise<boolean> {
    return (await guarded('delete room', () => this.scripts.remove(KEY_PREFIX, id, ownerId))) === 1;
  }

  /** The room and role a link token opens, or null (unknown, rotated, deleted). */
  async byLink(token: string): Promise<{ room: StoredRoom; linkRole: JoinRole } | null> {
    if (!isLinkToken(token)) return null;
    const v = await guarded('link', () => this.redis.get(keys.link(linkHash(token))));
    const [id, role] = v?.split(' ') ?? [];
    const room = id ? await this.get(id) : null;
    return room ? { room, linkRole: role === 'moderator' ? 'moderator' : 'viewer' } : null;
  }
}
