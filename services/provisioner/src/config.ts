import { z } from 'zod';
import { baseEnvSchema, port, redisEnvSchema } from '@ensemble/shared';

export const provisionerEnvSchema = baseEnvSchema.extend(redisEnvSchema.shape).extend({
  METRICS_PORT: port(9103),
  /** Address of `/metrics` and `/healthz`; 0.0.0.0 in containers so Prometheus and the healthcheck reach it. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
});
export type ProvisionerConfig = z.infer<typeof provisionerEnvSchema>;
