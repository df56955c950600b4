import { z } from 'zod';

/*
 * PLACEHOLDER (decision 114): the parameter policy's schema is `parameterPolicySchema` in
 * `bbb-api/parameter-policy.ts` (decision 111), written on another branch; at the merge this
 * file re-exports it. Until then: the same shape, strict, so that the ops API refuses what
 * that schema will refuse and names the field.
 */

/** A BBB parameter's name as it appears in a create or join query. */
const paramName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a BBB parameter name');
const paramValue = z.string().max(10_000);

const callPolicySchema = z
  .object({
    /** Used when the call does not give the parameter. */
    defaults: z.record(paramName, paramValue).optional(),
    /** Always this value, whatever the call gives. */
    overrides: z.record(paramName, paramValue).optional(),
    /** Removed from the call. */
    block: z.array(paramName).max(200).optional(),
    /** A number the parameter may not exceed (`maxParticipants`, `duration`). */
    caps: z.record(paramName, z.number().int('a whole number').min(0, 'at least 0')).optional(),
  })
  .strict();

/** A tenant's (or the global) parameter policy for `create` and `join`. */
export const tenantPolicySchema = z
  .object({ create: callPolicySchema.optional(), join: callPolicySchema.optional() })
  .strict();
export type TenantPolicy = z.infer<typeof tenantPolicySchema>;
