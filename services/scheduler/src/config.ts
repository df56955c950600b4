import { z } from 'zod';
import { CHECKSUM_ALGORITHMS, baseEnvSchema, port, positiveNumber, redisEnvSchema } from '@ensemble/shared';

export const schedulerEnvSchema = baseEnvSchema.extend(redisEnvSchema.shape).extend({
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
  /** Jitsi: CPU share (0..1) one participant is assumed to take until samples teach better. */
  JITSI_CPU_PER_PARTICIPANT: z.coerce.number().positive().max(1).default(0.01),
  /** Jitsi: weight of the newest sample in the learned CPU per participant (EWMA). */
  JITSI_CPU_LEARN_ALPHA: z.coerce.number().positive().max(1).default(0.3),
  /** Jitsi: a sample teaches the CPU per participant only with at least this many participants. */
  JITSI_CPU_LEARN_MIN_PARTICIPANTS: z.coerce.number().int().min(1).max(100_000).default(5),
  /** Digest for calls the scheduler signs for nodes (sha1 for BBB older than 2.3). */
  /** BBB: seconds between two readings of an online node's version (an upgrade in place shows within this); 0: only on going online. */
  NODE_VERSION_REFRESH_S: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(3600),
  /** Deadline of one call the scheduler makes to a node itself (panic's getMeetings/end, version). */
  NODE_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** `end` calls in flight at once when a node panics. */
  PANIC_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  NODE_CHECKSUM_ALGORITHM: z.enum(CHECKSUM_ALGORITHMS).default('sha256'),
});
export type SchedulerConfig = z.infer<typeof schedulerEnvSchema>;
