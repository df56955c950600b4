/**
 * Every Redis key the scheduler owns, in one place. The Lua scripts receive
 * `KEY_PREFIX` and build the same names; keep both in step.
 *
 *   <p>nodes                     set of node ids
 *   <p>node:<id>                 hash: the node record, streaks, last sample, load, pending, rooms
 *   <p>node:<id>:rooms           set of room keys placed on the node
 *   <p>node:<id>:pending         zset room key -> expiry (ms) of its not-yet-sampled load
 *   <p>node:<id>:pending-load    hash room key -> that load (grows with joins beyond the expected size)
 *   <p>node:<id>:pending-joins   hash room key -> joins counted while the room is pending
 *   <p>room:<roomKey>            string: the node id the room is on
 */
export const KEY_PREFIX = 'ens:sched:';

export const keys = {
  nodes: `${KEY_PREFIX}nodes`,
  node: (id: string) => `${KEY_PREFIX}node:${id}`,
  nodeRooms: (id: string) => `${KEY_PREFIX}node:${id}:rooms`,
  nodePending: (id: string) => `${KEY_PREFIX}node:${id}:pending`,
  nodePendingLoad: (id: string) => `${KEY_PREFIX}node:${id}:pending-load`,
  nodePendingJoins: (id: string) => `${KEY_PREFIX}node:${id}:pending-joins`,
  room: (roomKey: string) => `${KEY_PREFIX}room:${roomKey}`,
} as const;
