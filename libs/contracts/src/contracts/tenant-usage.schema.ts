import { z } from 'zod';
import { tenantNameSchema } from './common.schema.js';

/**
 * `ensemble.fleet.tenant-usage` (queue group `scheduler`): what each tenant runs now, as the
 * scheduler accounts it for the quotas (decision 112). `tenant` asks for one (answered even
 * when it runs nothing); without it, every tenant that runs something, by name.
 */
export const tenantUsageRequestSchema = z.object({ tenant: tenantNameSchema.optional() }).strict();
export type TenantUsageRequest = z.infer<typeof tenantUsageRequestSchema>;

export const tenantLiveUsageSchema = z.object({
  name: tenantNameSchema,
  /** Rooms placed for the tenant, and those that lost their node without ending, for a grace period. */
  meetings: z.number().int().nonnegative(),
  /** Participants its rooms' nodes last listed, plus the joins counted since. */
  participants: z.number().int().nonnegative(),
});
export type TenantLiveUsage = z.infer<typeof tenantLiveUsageSchema>;

export const tenantUsageReplySchema = z.object({ tenants: z.array(tenantLiveUsageSchema) });
export type TenantUsageReply = z.infer<typeof tenantUsageReplySchema>;
