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
  /** `GET /api/ops/events`: comment line every so often (keeps proxies and EventSource content). */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** A client whose socket stays full this long is closed. */
  SSE_STALL_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  SSE_MAX_CLIENTS: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Lifetime of an events ticket (`POST /api/ops/events/ticket`, for EventSource). */
  SSE_TICKET_TTL_S: z.coerce.number().int().min(10).max(86_400).default(300),
});
export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
