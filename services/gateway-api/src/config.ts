import { z } from 'zod';
import { baseEnvSchema, port } from '@ensemble/shared';

export const gatewayEnvSchema = baseEnvSchema.extend({
  GATEWAY_PORT: port(8080),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  /** Bearer token for `/api/ops/*`; long and random (npm start makes one). */
  OPS_TOKEN: z.string().min(16, 'OPS_TOKEN must be at least 16 characters'),
  /** Shared secret of the BBB-compatible API (`/bigbluebutton/api`). */
  BBB_API_SECRET: z.string().min(8).optional(),
  PUBLIC_URL: z.string().url().optional(),
  NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3000),
  /** Largest request body accepted on any route. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  WEB_DIR: z.string().optional(),
});
export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
