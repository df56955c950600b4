/**
 * Every Redis key the rooms module owns. The Lua scripts receive `KEY_PREFIX`
 * and build the same names; keep both in step.
 *
 *   <p>room:<id>               hash: id, ownerId, name, engine, settings (JSON), createdAt,
 *                              moderatorToken, participantToken, moderatorHash, participantHash
 *   <p>owner:<userId>          zset room id -> createdAt
 *   <p>link:<sha256 hex>       string: `<roomId> <role>` for a link token
 */
export const KEY_PREFIX = 'ens:gw:rooms:';

export const keys = {
  room: (id: string) => `${KEY_PREFIX}room:${id}`,
  owner: (userId: string) => `${KEY_PREFIX}owner:${userId}`,
  link: (tokenHash: string) => `${KEY_PREFIX}link:${tokenHash}`,
} as const;
