import { z } from 'zod';

export const tenantNameSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a tenant name is a DNS label: a-z, 0-9 and -, at most 63');

/**
 * A tenant was added, changed (rules, policy, a secret) or removed through one gateway:
 * every gateway re-reads the tenants at once (decision 110). Never carries a secret.
 */
export const tenantsChangedSchema = z
  .object({ tenant: tenantNameSchema, change: z.enum(['added', 'updated', 'removed']) })
  .strict();
export type TenantsChanged = z.infer<typeof tenantsChangedSchema>;
