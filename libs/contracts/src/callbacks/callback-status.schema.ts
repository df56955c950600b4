import { z } from 'zod';
import { CALLBACK_KINDS } from './outbound-callback.schema.js';

/**
 * Where an outbound callback stands (decision 113). `pending`: enqueued, not tried yet;
 * `retrying`: failed, another attempt is due; `dead`: given up (last attempt, too old, or a
 * 410); `dropped`: its tenant has no secret any more (removed), so it cannot be signed.
 * Delivered callbacks are forgotten.
 */
export const CALLBACK_STATES = ['pending', 'retrying', 'dead', 'dropped'] as const;
export const callbackStateSchema = z.enum(CALLBACK_STATES);
export type CallbackState = z.infer<typeof callbackStateSchema>;

/** One row of `GET /api/ops/callbacks`: the host only of its URL (a path or query may hold a token), no body. */
export const callbackStatusSchema = z.object({
  id: z.string(),
  kind: z.enum(CALLBACK_KINDS),
  tenant: z.string().nullable(),
  meetingId: z.string().nullable(),
  host: z.string(),
  state: callbackStateSchema,
  attempts: z.number().int().nonnegative(),
  /** Why the last attempt failed (`http 500`, `ECONNREFUSED`, `tenant-unknown`...). */
  lastError: z.string().nullable(),
  enqueuedAt: z.number().int(),
  lastAttemptAt: z.number().int().nullable(),
  /** When the next attempt is due (retrying only). */
  nextAttemptAt: z.number().int().nullable(),
});
export type CallbackStatus = z.infer<typeof callbackStatusSchema>;

/** `GET /api/ops/callbacks?state=&kind=&limit=`: `failed` is dead and dropped together. */
export const callbacksQuerySchema = z.object({
  state: z.enum([...CALLBACK_STATES, 'failed']).optional(),
  kind: z.enum(CALLBACK_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type CallbacksQuery = z.infer<typeof callbacksQuerySchema>;

export const callbacksPageSchema = z.object({
  /** Newest first. */
  callbacks: z.array(callbackStatusSchema),
  /** Per state, over every callback known (not only this page). */
  counts: z.record(callbackStateSchema, z.number().int().nonnegative()),
});
export type CallbacksPage = z.infer<typeof callbacksPageSchema>;
