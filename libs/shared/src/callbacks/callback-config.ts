import { z } from 'zod';
import type { CallbackRetryPolicy } from './retry-policy.js';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Outbound callbacks (decision 103). Production: 5 s after the first failure, doubled
 * up to 1 h between attempts, 25 attempts within 24 h (about 15 h of trying), then dead.
 */
export const callbackEnvSchema = z.object({
  CALLBACK_RETRY_FIRST_MS: ms(5_000),
  CALLBACK_RETRY_MAX_MS: ms(3_600_000),
  CALLBACK_MAX_ATTEMPTS: ms(25),
  CALLBACK_MAX_AGE_S: ms(86_400),
  CALLBACK_TIMEOUT_MS: ms(10_000),
  /** Copies of the stream in a JetStream cluster (3 in the HA compose). */
  CALLBACK_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
});
export type CallbackEnv = z.infer<typeof callbackEnvSchema>;

export const callbackRetryPolicy = (env: CallbackEnv): CallbackRetryPolicy => ({
  firstDelayMs: env.CALLBACK_RETRY_FIRST_MS,
  maxDelayMs: env.CALLBACK_RETRY_MAX_MS,
  maxAttempts: env.CALLBACK_MAX_ATTEMPTS,
  maxAgeMs: env.CALLBACK_MAX_AGE_S * 1000,
  attemptTimeoutMs: env.CALLBACK_TIMEOUT_MS,
});
