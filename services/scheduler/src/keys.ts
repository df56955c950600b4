/**
 * Every Redis key the scheduler owns, in one place, by bounded context. The Lua
 * scripts get `KEY_PREFIX` (as ARGV[1]) and build the same names with
 * `lua/lib/keys.lua`, which mirrors this file name for name (keys.int-spec.ts
 * checks that the two agree).
 *
 * Fleet (nodes and what polls say of them):
 *   <p>nodes                     set of node ids
 *   <p>node:<id>                 hash: the node record (id, engine, url, secret, state, loadMultiplier,
 *                                tags, createdAt, enableWhenHealthy, prometheusInstance, version),
 *                                health and its streaks (health, okStreak, failStreak; while suspect,
 *                                suspectAt and suspectReason: decision 083), the last sample
 *                                (sampleAt, sample, load); placement's fields: rooms, pending and the
 *                                learned Jitsi CPU (cpuNow, cpuPerParticipant, cpuLearnedAt); listedAt: when the
 *                                last poll that listed its meetings started
 *   <p>epoch                     string: when a scheduler first saw this Redis; absent = Redis lost its data
 *   <p>relearn                   hash while rooms are re-learned after a loss (decision 091): since, until (ms),
 *                                restored (1 once the inventory is mirrored back)
 *   <p>relearn:duplicates        hash '<nodeId> <roomKey>' -> the node the room was kept on, for meetings found
 *                                on two nodes during that phase (each reported once); deleted with the phase
 *
 * Placement (rooms and what each node keeps per room):
 *   <p>room:<roomKey>            string: the node id the room is on
 *   <p>room-size:<roomKey>       string: the room's peak participants, kept after its meeting ended (decision 053)
 *   <p>node:<id>:rooms           set of room keys placed on the node
 *   <p>node:<id>:pending         zset room key -> expiry (ms) of its not-yet-sampled load
 *   <p>node:<id>:pending-load    hash room key -> that load (grows with joins beyond the expected size)
 *   <p>node:<id>:pending-joins   hash room key -> joins counted while the room is pending
 *   <p>node:<id>:room-peaks      hash room key -> peak participants polls saw
 *   <p>node:<id>:room-missing    hash room key -> polls in a row that missed its meeting
 *   <p>node:<id>:room-touched    hash room key -> when it was last placed or looked up (ms)
 *   <p>node:<id>:room-tenants    hash room key -> the tenant it is accounted to (below)
 *
 * Tenants (each room accounted to one tenant for its quotas, decision 112; lua/lib/tenants.lua keeps them):
 *   <p>tenants                   set of tenant names with rooms accounted
 *   <p>tenant:<name>:rooms       zset room key -> 0 while on a node; for a room that lost its node without
 *                                ending (panic, removal, offline), the time (ms) until which it still counts
 *   <p>tenant:<name>:participants  hash room key -> participants: as its node's polls last listed, plus joins since
 *   <p>tenant:<name>             hash: participants (the sum of the hash above)
 */
export const KEY_PREFIX = 'ens:sched:';

export const fleetKeys = {
  nodes: `${KEY_PREFIX}nodes`,
  node: (id: string) => `${KEY_PREFIX}node:${id}`,
  epoch: `${KEY_PREFIX}epoch`,
  relearn: `${KEY_PREFIX}relearn`,
  relearnDuplicates: `${KEY_PREFIX}relearn:duplicates`,
} as const;

export const placementKeys = {
  room: (roomKey: string) => `${KEY_PREFIX}room:${roomKey}`,
  roomSize: (roomKey: string) => `${KEY_PREFIX}room-size:${roomKey}`,
  nodeRooms: (id: string) => `${KEY_PREFIX}node:${id}:rooms`,
  nodePending: (id: string) => `${KEY_PREFIX}node:${id}:pending`,
  nodePendingLoad: (id: string) => `${KEY_PREFIX}node:${id}:pending-load`,
  nodePendingJoins: (id: string) => `${KEY_PREFIX}node:${id}:pending-joins`,
  nodeRoomPeaks: (id: string) => `${KEY_PREFIX}node:${id}:room-peaks`,
  nodeRoomMissing: (id: string) => `${KEY_PREFIX}node:${id}:room-missing`,
  nodeRoomTouched: (id: string) => `${KEY_PREFIX}node:${id}:room-touched`,
  nodeRoomTenants: (id: string) => `${KEY_PREFIX}node:${id}:room-tenants`,
} as const;

export const tenantKeys = {
  tenants: `${KEY_PREFIX}tenants`,
  tenant: (name: string) => `${KEY_PREFIX}tenant:${name}`,
  tenantRooms: (name: string) => `${KEY_PREFIX}tenant:${name}:rooms`,
  tenantParticipants: (name: string) => `${KEY_PREFIX}tenant:${name}:participants`,
} as const;

/** Every context's keys: what the Lua lib mirrors. */
export const keys = { ...fleetKeys, ...placementKeys, ...tenantKeys } as const;
