import { z } from 'zod';
import { baseEnvSchema, databaseEnvSchema, port, positiveNumber } from '@ensemble/shared';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((v) => v === 'true' || v === '1');
const share = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

// Runs, their lease, autoscale state and decisions are in PostgreSQL; nothing in Redis (decision 093).
export const provisionerEnvSchema = baseEnvSchema
  .extend(databaseEnvSchema.shape)
  .extend({
    METRICS_PORT: port(9103),
    /** Address of `/metrics` and `/healthz`; 0.0.0.0 in containers so Prometheus and the healthcheck reach it. */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** The terraform executable (a stand-in in tests). */
    TERRAFORM_BIN: z.string().min(1).default('terraform'),
    /** The module's working directory (infra/terraform or a copy); `nodes.auto.tfvars.json` is written here. */
    TERRAFORM_DIR: z.string().min(1).default('infra/terraform'),
    /** A run (init + plan + apply + output) that takes longer is stopped and failed. */
    PROVISION_RUN_TIMEOUT_S: positiveNumber(3600),
    /**
     * A run holds the one provisioning slot under a lease in PostgreSQL, renewed every quarter
     * of it; a run whose provisioner died is marked interrupted once it runs out.
     */
    PROVISION_LEASE_S: positiveNumber(60),
    /**
     * A scale-in waits until its node holds no meeting, no recording processing and no published
     * recording missing from storage (decision 105), asking every SCALE_IN_POLL_S, for at most
     * SCALE_IN_WAIT_S (then it fails, nothing destroyed). The run's timeout starts after the wait.
     */
    SCALE_IN_WAIT_S: positiveNumber(7200),
    SCALE_IN_POLL_S: positiveNumber(15),
    /** After SIGINT, how long terraform gets to stop before SIGKILL. */
    PROVISION_KILL_GRACE_S: positiveNumber(10),
    /** Prometheus file-SD target files for provisioned nodes go here (unset: none written). */
    PROM_FILE_SD_DIR: z.string().min(1).optional(),
    /** Cloud credentials: handed to the terraform child process only, never logged or evented. */
    /** Passed on to terraform (it needs PATH and HOME); other env of ours is not. */
    PATH: z.string().optional(),
    HOME: z.string().optional(),
    TF_PLUGIN_CACHE_DIR: z.string().optional(),
    TF_CLI_CONFIG_FILE: z.string().optional(),
    SCW_ACCESS_KEY: z.string().min(1).optional(),
    SCW_SECRET_KEY: z.string().min(1).optional(),
    SCW_DEFAULT_PROJECT_ID: z.string().min(1).optional(),
    SCW_DEFAULT_ORGANIZATION_ID: z.string().min(1).optional(),
    AUTOSCALE_ENABLED: flag,
    AUTOSCALE_INTERVAL_S: positiveNumber(30),
    /** Used share of capacity above which the fleet is "hot"; below LOW it is "cold". */
    AUTOSCALE_HIGH_SHARE: share(0.75),
    AUTOSCALE_LOW_SHARE: share(0.25),
    /** How long hot must last before a scale-out (and cold + idle before a scale-in). */
    AUTOSCALE_WINDOW_S: positiveNumber(600),
    AUTOSCALE_COOLDOWN_S: positiveNumber(1800),
    AUTOSCALE_MAX_FLEET: z.coerce.number().int().min(1).max(1000).default(20),
    /** Nodes per autoscale scale-out (K). */
    AUTOSCALE_STEP: z.coerce.number().int().min(1).max(20).default(2),
    /** Load units one node carries at loadMultiplier 1 (participants + 2 x video + meetings). */
    AUTOSCALE_NODE_CAPACITY: positiveNumber(300),
    AUTOSCALE_OFFER: z.string().default('GP-BM1-M'),
    AUTOSCALE_ZONE: z.string().default('fr-par-2'),
  })
  .refine((c) => c.AUTOSCALE_LOW_SHARE < c.AUTOSCALE_HIGH_SHARE, {
    message: 'AUTOSCALE_LOW_SHARE must be below AUTOSCALE_HIGH_SHARE',
    path: ['AUTOSCALE_LOW_SHARE'],
  });
export type ProvisionerConfig = z.infer<typeof provisionerEnvSchema>;
