import { z } from 'zod';

/**
 * A node the autoscaler is draining. `cordoned`: cordoned by us, waiting for the
 * scheduler to disable it once empty (docs/decisions/030); `scaling-in`: a run removing
 * it started (`runId`). A failed run sends it back to `cordoned` until `retryAt`.
 */
export const drainSchema = z.object({
  since: z.number(),
  reason: z.string().max(300),
  stage: z.enum(['cordoned', 'scaling-in']),
  runId: z.string().max(64).optional(),
  retryAt: z.number().optional(),
  /** The cause of the last held decision said about it (each cause is said once). */
  said: z.string().max(64).optional(),
});
export type Drain = z.infer<typeof drainSchema>;

/** Everything the policy remembers between ticks; kept in Redis, so a restart resumes it. */
export const autoscaleStateSchema = z.object({
  hotSince: z.number().nullable().default(null),
  coldSince: z.number().nullable().default(null),
  /** When the last scale-out run really started (the cool-down runs from here). */
  lastScaleOutAt: z.number().nullable().default(null),
  /** The cause of the last held scale-out (said once per cause). */
  lastHeld: z.string().max(64).nullable().default(null),
  /** Since when each node has had no rooms and no load. */
  idleSince: z.record(z.string(), z.number()).default({}),
  /** The cause of the last held drain (a candidate kept because the fleet would heat up). */
  drainHeld: z.string().max(128).nullable().default(null),
  draining: z.record(z.string(), drainSchema).default({}),
});
export type AutoscaleState = z.infer<typeof autoscaleStateSchema>;

export const emptyAutoscaleState = (): AutoscaleState => autoscaleStateSchema.parse({});
