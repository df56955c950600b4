import { z } from 'zod';
import { epochMsSchema } from './common.schema.js';

/** `ensemble.provision.scaleout`. */
export const scaleOutRequestSchema = z.object({
  count: z.number().int().min(1).max(20),
  offer: z
    .string()
    .regex(/^[A-Z0-9-]{2,32}$/)
    .default('GP-BM1-M'),
  zone: z
    .string()
    .regex(/^[a-z]{2}-[a-z]{3}-\d$/)
    .default('fr-par-2'),
  reason: z.string().min(1).max(200),
});
export const scaleOutReplySchema = z.object({ runId: z.string() });

export const runPhaseSchema = z.enum(['queued', 'planning', 'applying', 'progress', 'succeeded', 'failed']);

/** `ensemble.provision.run.<runId>`. */
export const runEventSchema = z.object({
  runId: z.string().regex(/^[a-z0-9-]{1,64}$/),
  phase: runPhaseSchema,
  message: z.string().max(500),
  at: epochMsSchema,
});
export type RunEvent = z.infer<typeof runEventSchema>;
