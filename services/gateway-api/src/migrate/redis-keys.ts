/**
 * The Redis keys the gateway kept accounts and rooms under before PostgreSQL (decision 090),
 * read only by the import. Frozen: they describe data written by the old version.
 *
 *   ens:gw:acct:user:<id>     hash: id, email, name, passwordHash, createdAt (ms)
 *   ens:gw:acct:email:<email> string: the user id
 *   ens:gw:rooms:room:<id>    hash: id, ownerId, name, engine, settings (JSON), createdAt (ms),
 *                             moderatorToken, participantToken, moderatorHash, participantHash
 *   ens:gw:rooms:link:<hash>  string: `<roomId> <role>` (the same tokens, indexed by hash)
 *
 * and, before decision 092, the create calls of BBB API meetings (with a TTL, BBB_API_MEETING_TTL_S):
 *
 *   ensemble:gateway:bbb:create:<meetingID>  string: JSON { query, body?, contentType?, nodeId, at (ms) }
 */
export const OLD_ACCOUNTS_PREFIX = 'ens:gw:acct:';
export const OLD_ROOMS_PREFIX = 'ens:gw:rooms:';
export const OLD_CREATE_PARAMS_PREFIX = 'ensemble:gateway:bbb:create:';

export const oldKeys = {
  user: (id: string) => `${OLD_ACCOUNTS_PREFIX}user:${id}`,
  users: `${OLD_ACCOUNTS_PREFIX}user:*`,
  room: (id: string) => `${OLD_ROOMS_PREFIX}room:${id}`,
  rooms: `${OLD_ROOMS_PREFIX}room:*`,
  createParams: `${OLD_CREATE_PARAMS_PREFIX}*`,
} as const;

/** The command an operator runs once after upgrading (named in logs, READMEs and the CLI). */
export const IMPORT_COMMAND = 'node services/gateway-api/dist/migrate-from-redis.js';
