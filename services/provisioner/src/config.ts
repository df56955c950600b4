import { z } from 'zod';
import { baseEnvSchema, port, redisEnvSchema } from '@ensemble/shared';

export const provisionerEnvSchema = baseEnvSchema.extend(redisEnvSchema.shape).extend({
  METRICS_PORT: port(9103),
});
export type ProvisionerConfig = z.infer<typeof provisionerEnvSchema>;
