import { z } from 'zod';

/** Tenants (decision 110). */
export const tenantsEnvShape = {
  /**
   * The domain under which each tenant has a host name (`<tenant>.<TENANT_BASE_DOMAIN>`, as
   * Scalelite does). Unset: tenants are reached by path only (`/t/<tenant>/bigbluebutton/api`).
   */
  TENANT_BASE_DOMAIN: z
    .string()
    .toLowerCase()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, {
      message: 'TENANT_BASE_DOMAIN: expected a domain name such as bbb.example.org',
    })
    .optional(),
  /** Each gateway re-reads the tenants this often (and at once when one changes through any gateway). */
  TENANTS_REFRESH_S: z.coerce.number().int().min(1).max(3600).default(30),
  /**
   * Tenants with their own `tenant` label in the per-tenant metrics (decision 114); the ones
   * beyond are counted as `_other`, so that a fleet of many tenants cannot flood Prometheus.
   */
  TENANT_METRICS_MAX_LABELS: z.coerce.number().int().min(0).max(10_000).default(100),
};
