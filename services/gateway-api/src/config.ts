import { z } from 'zod';
import {
  CHECKSUM_ALGORITHMS,
  baseEnvSchema,
  callbackEnvSchema,
  commaList,
  databaseEnvSchema,
  port,
  redisEnvSchema,
} from '@ensemble/shared';
import { globalPolicyProblems, parameterPolicyEnvShape } from './bbb-api/parameter-policy.config.js';
import { callbacksEnvShape } from './callbacks/callbacks.config.js';
import { trustedProxiesSchema } from './http/trusted-proxies.js';
import { playbackEnvShape } from './playback/playback.config.js';
import { recordingsEnvShape } from './recordings/recordings.config.js';
import { tenantsEnvShape } from './tenants/tenants.config.js';

export const gatewayEnvSchema = baseEnvSchema
  .extend(redisEnvSchema.shape)
  .extend(databaseEnvSchema.shape)
  .extend(callbackEnvSchema.shape)
  .extend({
    GATEWAY_PORT: port(8080),
    GATEWAY_HOST: z.string().default('127.0.0.1'),
    /** Proxies (addresses or CIDR blocks) whose X-Forwarded-For is believed; default none. */
    TRUSTED_PROXIES: trustedProxiesSchema,
    /** Bearer token for `/api/ops/*`; long and random (npm start makes one). */
    OPS_TOKEN: z.string().min(16, 'OPS_TOKEN must be at least 16 characters'),
    /**
     * Whether the shared OPS_TOKEN opens the ops API (decision 122). `false`: only personal
     * operator tokens do. OPS_TOKEN stays required either way: it keys the events tickets and,
     * unless CALLBACK_TOKEN_SECRET is set, the callback tokens.
     */
    OPS_TOKEN_ENABLED: z
      .enum(['true', 'false'], { message: 'OPS_TOKEN_ENABLED: true or false' })
      .default('true')
      .transform((v) => v === 'true'),
    /** Shared secret of the BBB-compatible API (`/bigbluebutton/api`). */
    BBB_API_SECRET: z.string().min(8).optional(),
    /** Base of the links handed out (`<PUBLIC_URL>/j/<token>`); default: the origin the request came to. */
    PUBLIC_URL: z
      .string()
      .url()
      .regex(/^https?:\/\//, 'PUBLIC_URL: expected an http(s) URL')
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /** More accepted secrets (comma-separated), e.g. the old and the new one during a rotation. */
    BBB_API_SECRETS: z
      .string()
      .optional()
      .transform(commaList)
      .pipe(z.array(z.string().min(8, 'each of BBB_API_SECRETS must be at least 8 characters'))),
    /** Checksum digests accepted from integrations (BBB's `supportedChecksumAlgorithms`). */
    BBB_API_CHECKSUM_ALGORITHMS: z
      .string()
      .default(CHECKSUM_ALGORITHMS.join(','))
      .transform((s) => commaList(s.toLowerCase()))
      .pipe(z.array(z.enum(CHECKSUM_ALGORITHMS)).min(1)),
    /**
     * Deadline of one call to a BBB node, from a web join or the BBB API (create, join,
     * isMeetingRunning, end...); fan-outs (getMeetings, recordings) use BBB_API_FANOUT_TIMEOUT_MS
     * per node. Replaces BBB_CALL_TIMEOUT_MS and BBB_API_NODE_TIMEOUT_MS (see DEPRECATED_NAMES).
     */
    BBB_NODE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    BBB_API_FANOUT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
    /** How long the create parameters of a BBB API meeting are kept after its last create or join (then purged). */
    BBB_API_MEETING_TTL_S: z.coerce
      .number()
      .int()
      .min(60)
      .max(90 * 86_400)
      .default(7 * 86_400),
    /** The global parameter policy of create and join: defaults, overrides, blocked names, caps (decision 111). */
    ...parameterPolicyEnvShape,
    NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3000),
    /** Idempotent requests (place, locate, sign, end, list) are sent again this many times within the timeout. */
    NATS_REQUEST_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
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
    /** Jitsi token authentication (prosody `app_id` / `app_secret`); unset: no Jitsi rooms. */
    JITSI_APP_ID: z.string().min(1).max(200).optional(),
    JITSI_APP_SECRET: z.string().min(16, 'JITSI_APP_SECRET must be at least 16 characters').optional(),
    /** Lifetime of a Jitsi join token: enough to open the link, not to keep it. */
    JITSI_TOKEN_TTL_S: z.coerce.number().int().min(30).max(86_400).default(300),
    /** `POST /api/join/:token` attempts per address within JOIN_WINDOW_S (a classroom behind one NAT is ~40). */
    JOIN_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(300),
    JOIN_WINDOW_S: z.coerce.number().int().min(1).default(60),
    /**
     * Access codes (decision 123): wrong codes per room and per address within
     * ACCESS_CODE_WINDOW_S; past either, every code attempt is 429 until the window ends.
     */
    ACCESS_CODE_MAX_FAILURES_PER_ROOM: z.coerce.number().int().min(1).default(30),
    ACCESS_CODE_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(10),
    ACCESS_CODE_WINDOW_S: z.coerce.number().int().min(1).default(900),
    /** `GET /api/ops/events`: comment line every so often (keeps proxies and EventSource content). */
    SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
    /** A client whose socket stays full this long is closed. */
    SSE_STALL_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
    SSE_MAX_CLIENTS: z.coerce.number().int().min(1).max(10_000).default(100),
    /** Lifetime of an events ticket (`POST /api/ops/events/ticket`, for EventSource). */
    SSE_TICKET_TTL_S: z.coerce.number().int().min(10).max(86_400).default(300),
    ...recordingsEnvShape,
    ...playbackEnvShape,
    ...tenantsEnvShape,
    ...callbacksEnvShape,
  })
  .superRefine((env, ctx) => {
    for (const { path, message } of globalPolicyProblems(env)) ctx.addIssue({ code: 'custom', path, message });
  });

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

/** Old variable names still read (the first one set wins) when the new one is unset. */
export const DEPRECATED_NAMES: Readonly<Record<string, readonly string[]>> = {
  BBB_NODE_TIMEOUT_MS: ['BBB_API_NODE_TIMEOUT_MS', 'BBB_CALL_TIMEOUT_MS'],
};

/**
 * The environment with deprecated names copied to their new names (unless the new
 * one is set), and the deprecated names that were used, for a warning at start.
 */
export function withDeprecatedNames(env: Record<string, string | undefined>): {
  env: Record<string, string | undefined>;
  used: string[];
} {
  const out = { ...env };
  const used: string[] = [];
  for (const [name, old] of Object.entries(DEPRECATED_NAMES)) {
    for (const o of old) {
      if (env[o] === undefined || env[o] === '') continue;
      used.push(o);
      if (out[name] === undefined || out[name] === '') out[name] = env[o];
    }
  }
  return { env: out, used };
}
