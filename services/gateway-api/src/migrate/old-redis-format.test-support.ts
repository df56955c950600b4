import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { linkHash, newLinkToken } from '../rooms/link-token.js';
import { OLD_ACCOUNTS_PREFIX, OLD_CREATE_PARAMS_PREFIX, OLD_ROOMS_PREFIX } from './redis-keys.js';

/*
 * Data written exactly as the gateway before decision 090 wrote it: its Lua scripts, copied
 * verbatim from `git show <last Redis version>:services/gateway-api/src/{accounts,rooms}/lua/`,
 * run with the arguments its stores (accounts.store.ts, rooms.store.ts) passed.
 */

const REGISTER_USER = `
local p, id, email = ARGV[1], ARGV[2], ARGV[3]
local emailK = p .. 'email:' .. email
if redis.call('SET', emailK, id, 'NX') == false then
  return 0
end
redis.call('HSET', p .. 'user:' .. id, 'id', id, 'email', email, 'name', ARGV[4], 'passwordHash', ARGV[5], 'createdAt', ARGV[6])
return 1
`;

const CREATE_ROOM = `
local p, id, owner = ARGV[1], ARGV[2], ARGV[3]
redis.call('HSET', p .. 'room:' .. id, 'id', id, 'ownerId', owner, 'name', ARGV[4], 'engine', ARGV[5],
  'settings', ARGV[6], 'createdAt', ARGV[7], 'moderatorToken', ARGV[8], 'moderatorHash', ARGV[9],
  'participantToken', ARGV[10], 'participantHash', ARGV[11])
redis.call('ZADD', p .. 'owner:' .. owner, ARGV[7], id)
redis.call('SET', p .. 'link:' .. ARGV[9], id .. ' moderator')
redis.call('SET', p .. 'link:' .. ARGV[11], id .. ' viewer')
return 1
`;

const ROTATE_LINKS = `
local p, id = ARGV[1], ARGV[2]
local roomK = p .. 'room:' .. id
if redis.call('HGET', roomK, 'ownerId') ~= ARGV[3] then return 0 end
local old = redis.call('HMGET', roomK, 'moderatorHash', 'participantHash')
for _, h in ipairs(old) do
  if h then redis.call('DEL', p .. 'link:' .. h) end
end
redis.call('HSET', roomK, 'moderatorToken', ARGV[4], 'moderatorHash', ARGV[5],
  'participantToken', ARGV[6], 'participantHash', ARGV[7])
redis.call('SET', p .. 'link:' .. ARGV[5], id .. ' moderator')
redis.call('SET', p .. 'link:' .. ARGV[7], id .. ' viewer')
return 1
`;

export interface OldUser {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  createdAt: number;
}

export interface OldRoom {
  id: string;
  ownerId: string;
  name: string;
  engine: 'bbb' | 'jitsi';
  settings: Record<string, unknown>;
  createdAt: number;
  moderatorToken: string;
  participantToken: string;
}

/** The old sign-up (accounts.store.ts `create`). */
export async function oldRegister(redis: Redis, u: OldUser): Promise<boolean> {
  const r = await redis.eval(REGISTER_USER, 0, OLD_ACCOUNTS_PREFIX, u.id, u.email, u.name, u.passwordHash, u.createdAt);
  return r === 1;
}

/** The old room creation (rooms.store.ts `create`), with the settings the API had filled in. */
export async function oldCreateRoom(
  redis: Redis,
  r: Omit<OldRoom, 'id' | 'moderatorToken' | 'participantToken'>,
): Promise<OldRoom> {
  const room: OldRoom = {
    ...r,
    id: `r${randomBytes(9).toString('base64url')}`,
    moderatorToken: newLinkToken(),
    participantToken: newLinkToken(),
  };
  await redis.eval(
    CREATE_ROOM,
    0,
    OLD_ROOMS_PREFIX,
    room.id,
    room.ownerId,
    room.name,
    room.engine,
    JSON.stringify(room.settings),
    room.createdAt,
    room.moderatorToken,
    linkHash(room.moderatorToken),
    room.participantToken,
    linkHash(room.participantToken),
  );
  return room;
}

/** The old link rotation (rooms.store.ts `rotate`): the room's new pair of tokens. */
export async function oldRotate(redis: Redis, room: OldRoom): Promise<OldRoom> {
  const [m, p] = [newLinkToken(), newLinkToken()];
  await redis.eval(ROTATE_LINKS, 0, OLD_ROOMS_PREFIX, room.id, room.ownerId, m, linkHash(m), p, linkHash(p));
  return { ...room, moderatorToken: m, participantToken: p };
}

/** A create call as the old CreateParamsStore kept it (`save`: JSON, SET ... EX its TTL). */
export interface OldCreate {
  query: string;
  body?: string;
  contentType?: string;
  nodeId: string;
  at: number;
}

/** The old create-params `save`, verbatim: `SET <prefix>create:<meetingID> <json> EX <ttlS>`. */
export async function oldSaveCreateParams(redis: Redis, meetingID: string, create: OldCreate, ttlS: number) {
  await redis.set(`${OLD_CREATE_PARAMS_PREFIX}${meetingID}`, JSON.stringify(create), 'EX', ttlS);
}
