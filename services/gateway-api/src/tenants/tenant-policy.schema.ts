import { parameterPolicySchema, type ParameterPolicyInput } from '../bbb-api/parameter-policy.js';

/** A tenant's parameter policy for `create` and `join`: the one schema of decision 111. */
export const tenantPolicySchema = parameterPolicySchema;
export type TenantPolicy = ParameterPolicyInput;
