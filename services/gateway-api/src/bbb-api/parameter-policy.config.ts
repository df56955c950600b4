import { z } from 'zod';
import { commaList } from '@ensemble/shared';
import { parameterPolicySchema, type ParameterPolicy, type PolicyCall } from './parameter-policy.js';

/** A query string (`a=1&b=2`), as BBB parameters are written; empty names dropped. */
const queryParams = () =>
  z
    .string()
    .max(8192)
    .default('')
    .transform((s) => [...new URLSearchParams(s)].filter(([k]) => k !== ''));

const nameList = () => z.string().max(8192).optional().transform(commaList);

/**
 * The global parameter policy (decision 111): for create and for join, defaults and
 * overrides as query strings (as before), blocked names comma-separated, caps as a
 * query string of whole numbers. A join has no numeric parameter, so no BBB_JOIN_CAPS.
 */
export const parameterPolicyEnvShape = {
  BBB_CREATE_DEFAULTS: queryParams(),
  BBB_CREATE_OVERRIDES: queryParams(),
  BBB_CREATE_BLOCK: nameList(),
  BBB_CREATE_CAPS: queryParams(),
  BBB_JOIN_DEFAULTS: queryParams(),
  BBB_JOIN_OVERRIDES: queryParams(),
  BBB_JOIN_BLOCK: nameList(),
};

type PolicyEnv = z.output<z.ZodObject<typeof parameterPolicyEnvShape>>;
type Field = 'defaults' | 'overrides' | 'block' | 'caps';

/** The variable each part of the policy comes from. */
const VARIABLES: Record<PolicyCall, Partial<Record<Field, keyof PolicyEnv>>> = {
  create: {
    defaults: 'BBB_CREATE_DEFAULTS',
    overrides: 'BBB_CREATE_OVERRIDES',
    block: 'BBB_CREATE_BLOCK',
    caps: 'BBB_CREATE_CAPS',
  },
  join: { defaults: 'BBB_JOIN_DEFAULTS', overrides: 'BBB_JOIN_OVERRIDES', block: 'BBB_JOIN_BLOCK' },
};

interface Problem {
  path: (string | number | symbol)[];
  message: string;
}

/** The policy as the schema reads it, and the names given twice in one variable. */
function fromEnv(env: PolicyEnv): { input: Record<PolicyCall, Record<string, unknown>>; twice: Problem[] } {
  const twice: Problem[] = [];
  const record = (variable: keyof PolicyEnv, pairs: [string, string][], value: (v: string) => unknown) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of pairs) {
      if (Object.hasOwn(out, k)) twice.push({ path: [variable, k], message: 'given twice' });
      out[k] = value(v);
    }
    return out;
  };
  // A cap that is not written as a whole number stays a string, which the schema refuses.
  const number = (v: string) => (/^\d+$/.test(v) ? Number(v) : v);
  const input = {
    create: {
      defaults: record('BBB_CREATE_DEFAULTS', env.BBB_CREATE_DEFAULTS, String),
      overrides: record('BBB_CREATE_OVERRIDES', env.BBB_CREATE_OVERRIDES, String),
      block: env.BBB_CREATE_BLOCK,
      caps: record('BBB_CREATE_CAPS', env.BBB_CREATE_CAPS, number),
    },
    join: {
      defaults: record('BBB_JOIN_DEFAULTS', env.BBB_JOIN_DEFAULTS, String),
      overrides: record('BBB_JOIN_OVERRIDES', env.BBB_JOIN_OVERRIDES, String),
      block: env.BBB_JOIN_BLOCK,
    },
  };
  return { input, twice };
}

/**
 * What is wrong with the global policy, each problem under the variable at fault
 * (`BBB_CREATE_CAPS.welcome: not a numeric create parameter ...`); for the env
 * schema's superRefine, so a bad policy stops the start.
 */
export function globalPolicyProblems(env: PolicyEnv): Problem[] {
  const { input, twice } = fromEnv(env);
  const parsed = parameterPolicySchema.safeParse(input);
  if (parsed.success) return twice;
  return [
    ...twice,
    ...parsed.error.issues.map((i) => {
      const [call, field, ...rest] = i.path;
      const variable = VARIABLES[call as PolicyCall]?.[field as Field];
      return { path: variable ? [variable, ...rest] : i.path, message: i.message };
    }),
  ];
}

/** The global policy of a parsed config (validated at start: this cannot fail then). */
export function globalParameterPolicy(env: PolicyEnv): ParameterPolicy {
  return parameterPolicySchema.parse(fromEnv(env).input);
}
