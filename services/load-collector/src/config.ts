import { z } from 'zod';
import { httpUrlSchema } from '@ensemble/contracts';
import { baseEnvSchema, port, positiveNumber } from '@ensemble/shared';

const ms = (fallback: number) => z.coerce.number().int().min(1).max(600_000).default(fallback);

const promQl = (fallback: string) => z.string().min(1).max(2000).default(fallback);

export const loadCollectorEnvSchema = baseEnvSchema
  .extend({
    METRICS_PORT: port(9102),
    /** Address of `/metrics` and `/healthz`; 0.0.0.0 in containers so Prometheus and the healthcheck reach it. */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** Seconds between the starts of two poll cycles; fractional values (0.5) are for tests. */
    POLL_INTERVAL_S: positiveNumber(30),
    /** Polls in flight at once, across the whole fleet. */
    POLL_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(32),
    /** TCP (and TLS) connect timeout per node. */
    POLL_CONNECT_TIMEOUT_MS: ms(2000),
    /** Deadline for one getMeetings call, from request to last body byte. */
    POLL_TIMEOUT_MS: ms(5000),
    /** Shorter deadline for nodes the scheduler already reports offline, so dead nodes cannot stretch a cycle. */
    POLL_OFFLINE_TIMEOUT_MS: ms(1000),
    /** A getMeetings body larger than this is abandoned (`too-large`). */
    POLL_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(8 * 1024 * 1024),
    /** How long to wait for the scheduler's poll-target list. */
    TARGETS_TIMEOUT_MS: ms(2000),
    /** Prometheus that scrapes the Jitsi nodes; unset: no Jitsi measurement. */
    PROMETHEUS_URL: httpUrlSchema.optional(),
    /** Seconds between two rounds of Prometheus queries. */
    PROM_POLL_INTERVAL_S: positiveNumber(30),
    /** Deadline for one Prometheus query. */
    PROM_TIMEOUT_MS: ms(5000),
    /** After this long without an answer from Prometheus, Jitsi nodes' load is published as unknown (cpu null). */
    PROM_STALE_AFTER_S: positiveNumber(90),
    /** Instances that are Jitsi nodes, up right now. */
    PROM_JITSI_SELECTOR: promQl('up{job="jitsi"} == 1'),
    /** CPU in use per instance, 0..1. */
    PROM_CPU_QUERY: promQl('1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m]))'),
    PROM_CONFERENCES_QUERY: promQl('sum by (instance) (jitsi_conferences)'),
    PROM_PARTICIPANTS_QUERY: promQl('sum by (instance) (jitsi_participants)'),
    PROM_LARGEST_QUERY: promQl('max by (instance) (jitsi_largest_conference)'),
    /** A discovered node's join base URL: `{host}` is the instance without port, `{instance}` the whole label. */
    PROM_JITSI_URL_TEMPLATE: z
      .string()
      .max(512)
      .regex(/^https?:\/\/\S*\{(host|instance)\}/, 'an http(s) URL template with {host} or {instance}')
      .default('https://{host}/'),
    /** This collector's shard (0-based) when several collectors split the fleet by a stable hash of nodeId. */
    COLLECTOR_SHARD_INDEX: z.coerce.number().int().min(0).max(1023).default(0),
    /** How many collectors split the fleet; each node is polled by exactly one of them. */
    COLLECTOR_SHARD_COUNT: z.coerce.number().int().min(1).max(1024).default(1),
  })
  .refine((c) => c.COLLECTOR_SHARD_INDEX < c.COLLECTOR_SHARD_COUNT, {
    message: 'COLLECTOR_SHARD_INDEX must be below COLLECTOR_SHARD_COUNT',
    path: ['COLLECTOR_SHARD_INDEX'],
  });
export type LoadCollectorConfig = z.infer<typeof loadCollectorEnvSchema>;
