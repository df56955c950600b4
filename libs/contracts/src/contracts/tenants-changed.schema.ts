import { z } from 'zod';
import { tenantNameSchema } from './common.schema.js';

/**
 * A tenant was added, changed (rules, policy, a secret) or removed through one gateway:
 * every gateway re-reads the tenants at once (decision 110). Never carries a secret.
 */
export const tenantsChangedSchema = z
  .object({ tenant: tenantNameSchema, change: z.enum(['added', 'updated', 'removed']) })
  .strict();
export type TenantsChanged = z.infer<typeof tenantsChangedSchema>;
