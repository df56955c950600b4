import { z } from 'zod';
import { baseEnvSchema, port, redisEnvSchema } from '@ensemble/shared';

export const gatewayEnvSchema = baseEnvSchema.extend(redisEnvSchema.shape).extend({
  GATEWAY_PORT: port(8080),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  /** Bearer token for `/api/ops/*`; long and random (npm start makes one). */
  OPS_TOKEN: z.string().min(16, 'OPS_TOKEN must be at least 16 characters'),
  /** Shared secret of the BBB-compatible API (`/bigbluebutton/api`). */
  BBB_API_SECRET: z.string().min(8).optional(),
  /** Base of the links handed out (`<PUBLIC_URL>/j/<token>`); default: the origin the request came to. */
  PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'PUBLIC_URL: expected an http(s) URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3000),
  /** Largest request body accepted on any route. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  WEB_DIR: z.string().optional(),
  SESSION_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .default(7 * 24 * 3600),
  /** Failed logins per account, and login/register attempts per address, within LOGIN_WINDOW_S. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  LOGIN_WINDOW_S: z.coerce.number().int().min(1).default(900),
  /** Deadline of each call to a BBB node (create, isMeetingRunning, end). */
  BBB_CALL_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5000),
});
export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
