import { z } from 'zod';
import {
  CHECKSUM_ALGORITHMS,
  baseEnvSchema,
  databaseEnvSchema,
  port,
  positiveNumber,
  redisEnvSchema,
} from '@ensemble/shared';

export const schedulerEnvSchema = baseEnvSchema
  .extend(redisEnvSchema.shape)
  .extend(databaseEnvSchema.shape)
  .extend({
    /** Seconds between two checks that Redis still mirrors every node of the inventory (PostgreSQL). */
    NODE_MIRROR_CHECK_S: z.coerce.number().min(0.1).max(3600).default(5),
    /**
     * Longest wait, once the inventory is back after a Redis loss, for every BBB node's list of
     * meetings before rooms nobody re-learned are placed again (decision 091): two polls at the
     * load-collector's POLL_INTERVAL_S (30) plus its POLL_TIMEOUT_MS (5 s).
     */
    RELEARN_MAX_S: z.coerce.number().min(1).max(3600).default(65),
    METRICS_PORT: port(9101),
    /** Address of `/metrics` and `/healthz`; 0.0.0.0 in containers so Prometheus and the healthcheck reach it. */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** Consecutive failed polls before a node goes offline. */
    HEALTH_OFFLINE_AFTER: z.coerce.number().int().min(1).max(100).default(3),
    /** Consecutive good polls before an offline node comes back online. */
    HEALTH_ONLINE_AFTER: z.coerce.number().int().min(1).max(100).default(2),
    LOAD_VIDEO_WEIGHT: z.coerce.number().min(0).max(100).default(2),
    LOAD_MEETING_WEIGHT: z.coerce.number().min(0).max(1000).default(1),
    /** Participants a new room is assumed to bring when the request does not say. */
    NEW_ROOM_SIZE: z.coerce.number().min(0).max(10_000).default(5),
    /** BBB: a room announced with more participants than this goes where its own load weighs least (decision 052). */
    PLACEMENT_STEER_MIN_SIZE: z.coerce.number().int().min(0).max(100_000).default(12),
    /** BBB: share of the largest node's multiplier kept free for a late big room (decision 052); 0 turns it off. */
    PLACEMENT_LARGE_NODE_HEADROOM: z.coerce.number().min(0).max(0.5).default(0.05),
    /** BBB: release a room once its node's polls no longer list its meeting (decision 053); 'false' keeps rooms until `end`. */
    RELEASE_ENDED_ROOMS: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** BBB: good polls in a row that must miss a room's meeting before the room counts as ended (one poll can glitch). */
    ROOM_ENDED_AFTER_POLLS: z.coerce.number().int().min(1).max(100).default(2),
    /** BBB: days a room's peak size is remembered after its meeting ended, to place its next meeting (decision 053); 0 turns it off. */
    ROOM_SIZE_MEMORY_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
    /** How long a placement's expected load counts on top of the node's samples. */
    PENDING_TTL_S: positiveNumber(60),
    /**
     * Seconds a room that lost its node without ending (panic, node removed or offline) still
     * counts toward its tenant's meeting quota: its meeting re-created elsewhere is no new one (decision 112).
     */
    TENANT_QUOTA_GRACE_S: z.coerce.number().min(0).max(86_400).default(600),
    /** Jitsi: CPU share (0..1) one participant is assumed to take until samples teach better. */
    JITSI_CPU_PER_PARTICIPANT: z.coerce.number().positive().max(1).default(0.01),
    /** Jitsi: weight of the newest sample in the learned CPU per participant (EWMA). */
    JITSI_CPU_LEARN_ALPHA: z.coerce.number().positive().max(1).default(0.3),
    /** Jitsi: a sample teaches the CPU per participant only with at least this many participants. */
    JITSI_CPU_LEARN_MIN_PARTICIPANTS: z.coerce.number().int().min(1).max(100_000).default(5),
    /** BBB: seconds between two readings of an online node's version (an upgrade in place shows within this); 0: only on going online. */
    NODE_VERSION_REFRESH_S: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(3600),
    /** Deadline of one call the scheduler makes to a node itself (panic's getMeetings/end, version). */
    NODE_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    /**
     * Deadline of the scheduler's own probe of a node a caller reports as failing
     * (a signed isMeetingRunning): only when it fails too is the node marked suspect (decision 083).
     */
    SUSPECT_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2000),
    /** `end` calls in flight at once when a node panics. */
    PANIC_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    /**
     * Seconds a removed node's recording upload token still takes uploads (decision 107): a node
     * unreachable when removed hands over what it holds once back. 0: refused at once.
     */
    RECORDING_TOKEN_GRACE_S: z.coerce
      .number()
      .int()
      .min(0)
      .max(90 * 86_400)
      .default(7 * 86_400),
    /** Digest of every call the scheduler signs for nodes, polls included (sha1 for BBB older than 2.3). */
    NODE_CHECKSUM_ALGORITHM: z.enum(CHECKSUM_ALGORITHMS).default('sha256'),
  });
export type SchedulerConfig = z.infer<typeof schedulerEnvSchema>;

/**
 * The placement rule's parameters, read from config once (their defaults live in the
 * schema above, nowhere else). The Lua scripts get exactly this object as one JSON
 * argument; lua/lib/load.lua is the rule that uses it (docs/decisions/081).
 */
export interface PlacementOptions {
  /** How long (ms) a placed room's load counts on top of its node's samples. */
  readonly pendingTtlMs: number;
  /** Participants a room is assumed to bring when neither the request nor its last meeting says. */
  readonly newRoomSize: number;
  readonly videoWeight: number;
  readonly meetingWeight: number;
  /** BBB: a room bigger than this counts its own load in the ranking (decision 052). */
  readonly steerMinSize: number;
  /** BBB: share of the largest node's multiplier kept free for a late big room (decision 052). */
  readonly largeNodeHeadroom: number;
  /** BBB: seconds a released room's peak size is kept for its next placement (decision 053). */
  readonly rememberSizeS: number;
  /** How long (ms) a room that lost its node without ending still counts for its tenant (decision 112). */
  readonly tenantGraceMs: number;
  /** BBB: release rooms whose meeting is gone from their node's polls (decision 053)... */
  readonly releaseEndedRooms: boolean;
  /** ...after this many lists in a row missed it. */
  readonly endedAfterPolls: number;
  /** Jitsi: how a node's CPU per participant is learned from its samples (decision 050). */
  readonly jitsi: {
    readonly defaultCpuPerParticipant: number;
    readonly alpha: number;
    readonly minParticipants: number;
  };
}

export const placementOptionsFrom = (c: SchedulerConfig): PlacementOptions =>
  Object.freeze({
    pendingTtlMs: c.PENDING_TTL_S * 1000,
    newRoomSize: c.NEW_ROOM_SIZE,
    videoWeight: c.LOAD_VIDEO_WEIGHT,
    meetingWeight: c.LOAD_MEETING_WEIGHT,
    steerMinSize: c.PLACEMENT_STEER_MIN_SIZE,
    largeNodeHeadroom: c.PLACEMENT_LARGE_NODE_HEADROOM,
    rememberSizeS: c.ROOM_SIZE_MEMORY_DAYS * 86_400,
    tenantGraceMs: c.TENANT_QUOTA_GRACE_S * 1000,
    releaseEndedRooms: c.RELEASE_ENDED_ROOMS,
    endedAfterPolls: c.ROOM_ENDED_AFTER_POLLS,
    jitsi: Object.freeze({
      defaultCpuPerParticipant: c.JITSI_CPU_PER_PARTICIPANT,
      alpha: c.JITSI_CPU_LEARN_ALPHA,
      minParticipants: c.JITSI_CPU_LEARN_MIN_PARTICIPANTS,
    }),
  });
