import { z } from 'zod';
import { BbbParams, type Param } from './bbb-params.js';

/**
 * What an operator decides about the parameters of BBB API `create` and `join`
 * calls before they are placed and signed for a node (decision 111): defaults
 * (used when absent), overrides (always this value), block (removed) and caps
 * (a number never above it). One policy is global (env); a tenant may have its
 * own, stored as JSON and validated by `parameterPolicySchema`.
 */

export const POLICY_CALLS = ['create', 'join'] as const;
export type PolicyCall = (typeof POLICY_CALLS)[number];

/**
 * The numeric parameters a cap may bound, as BBB reads them (Integer.parseInt; a
 * value that is absent, unreadable or 0 means the server default or no limit).
 * A join has none.
 */
export const CAPPABLE_PARAMS: Readonly<Record<PolicyCall, readonly string[]>> = {
  create: [
    'maxParticipants',
    'duration',
    'meetingCameraCap',
    'userCameraCap',
    'maxPinnedCameras',
    'meetingExpireIfNoUserJoinedInMinutes',
    'meetingExpireWhenLastUserLeftInMinutes',
    'endWhenNoModeratorDelayInMinutes',
    'learningDashboardCleanupDelayInMinutes',
    'logoutTimer',
  ],
  join: [],
};

/** Names no policy may name: the gateway reads or strips them itself. */
const RESERVED: Readonly<Record<PolicyCall, Readonly<Record<string, string>>>> = {
  create: {
    checksum: 'the checksum is the gateway’s, never forwarded',
    meetingID: 'the meeting’s identity is the integration’s (the gateway routes by it)',
  },
  join: {
    checksum: 'the checksum is the gateway’s, never forwarded',
    meetingID: 'the meeting’s identity is the integration’s (the gateway routes by it)',
    redirect: 'the gateway answers redirect itself, from the call as sent',
  },
};
/** Parameters BBB requires: a policy may set them but not block them. */
const REQUIRED: Readonly<Record<PolicyCall, readonly string[]>> = { create: ['name'], join: ['fullName'] };

export const POLICY_LIMITS = { entries: 100, nameLength: 128, valueLength: 4096, cap: 2_147_483_647 } as const;

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** BBB's own test for a metadata parameter; its name is lower-cased (`meta_Foo` is `meta_foo`). */
const META = /^meta_[a-zA-Z][a-zA-Z0-9-]*$/;

/** The name as BBB tells parameters apart: metadata case-insensitively, the rest exactly. */
const canonical = (name: string): string => (META.test(name) ? `meta_${name.slice(5).toLowerCase()}` : name);

const callPolicyShape = {
  defaults: z.record(z.string(), z.string()).default(() => ({})),
  overrides: z.record(z.string(), z.string()).default(() => ({})),
  block: z.array(z.string()).default(() => []),
  caps: z
    .record(
      z.string(),
      z
        .number({ error: 'a cap is a whole number' })
        .int('a cap is a whole number')
        .min(1, 'a cap is at least 1 (BBB reads 0 as no limit)')
        .max(POLICY_LIMITS.cap, `a cap is at most ${POLICY_LIMITS.cap} (BBB reads a Java int)`),
    )
    .default(() => ({})),
};

const callPolicyObject = z.strictObject(callPolicyShape);
type CallPolicyFields = z.output<typeof callPolicyObject>;

const emptyCallPolicy = (): CallPolicyFields => ({ defaults: {}, overrides: {}, block: [], caps: {} });

const callPolicySchema = (call: PolicyCall) =>
  callPolicyObject.superRefine((p, ctx) => {
    for (const { path, message } of callPolicyProblems(call, p)) ctx.addIssue({ code: 'custom', path, message });
  });

/**
 * A parameter policy: `{ create, join }`, each `{ defaults, overrides, block, caps }`;
 * every part may be left out (empty). Unknown keys, bad names and contradictions are
 * refused with the field named (`create.caps.maxParticipants: ...`).
 */
export const parameterPolicySchema = z.strictObject({
  create: callPolicySchema('create').default(emptyCallPolicy),
  join: callPolicySchema('join').default(emptyCallPolicy),
});

/** A policy as stored and applied: every part present. */
export type ParameterPolicy = z.output<typeof parameterPolicySchema>;
/** A policy as written (JSON, the CLI): parts may be missing. */
export type ParameterPolicyInput = z.input<typeof parameterPolicySchema>;
export type CallPolicy = ParameterPolicy[PolicyCall];

export const EMPTY_POLICY: ParameterPolicy = Object.freeze({
  create: Object.freeze(emptyCallPolicy()),
  join: Object.freeze(emptyCallPolicy()),
});

interface Problem {
  path: (string | number)[];
  message: string;
}

function nameProblem(call: PolicyCall, name: string): string | undefined {
  if (name.length > POLICY_LIMITS.nameLength)
    return `a parameter name has at most ${POLICY_LIMITS.nameLength} characters`;
  if (!NAME.test(name)) return 'not a BBB parameter name (a letter, then letters, digits, _ or -)';
  if (name.startsWith('meta_') && !META.test(name)) {
    return 'not a BBB metadata name (meta_, a letter, then letters, digits or -)';
  }
  // Own keys only: `constructor` or `toString` are names like any other.
  return Object.hasOwn(RESERVED[call], name) ? RESERVED[call][name] : undefined;
}

/** Everything wrong with one call's policy, each at the path of the field at fault. */
function callPolicyProblems(call: PolicyCall, p: CallPolicyFields): Problem[] {
  const problems: Problem[] = [];
  const fields = {
    defaults: Object.keys(p.defaults),
    overrides: Object.keys(p.overrides),
    block: p.block,
    caps: Object.keys(p.caps),
  };
  for (const [field, names] of Object.entries(fields)) {
    if (names.length > POLICY_LIMITS.entries) {
      problems.push({ path: [field], message: `at most ${POLICY_LIMITS.entries} parameters` });
    }
    const seen = new Map<string, string>();
    names.forEach((name, i) => {
      const path = [field, field === 'block' ? i : name];
      const bad = nameProblem(call, name);
      if (bad) return problems.push({ path, message: bad });
      const same = seen.get(canonical(name));
      if (same !== undefined) return problems.push({ path, message: `the same parameter as ${same}` });
      seen.set(canonical(name), name);
    });
  }
  for (const field of ['defaults', 'overrides'] as const) {
    for (const [name, value] of Object.entries(p[field])) {
      if (value.length > POLICY_LIMITS.valueLength) {
        problems.push({ path: [field, name], message: `a value has at most ${POLICY_LIMITS.valueLength} characters` });
      }
    }
  }
  const blocked = new Set(p.block.map(canonical));
  p.block.forEach((name, i) => {
    if (REQUIRED[call].includes(name)) problems.push({ path: ['block', i], message: `BBB requires ${name}` });
  });
  for (const field of ['defaults', 'overrides'] as const) {
    for (const name of fields[field]) {
      if (blocked.has(canonical(name))) {
        problems.push({ path: [field, name], message: 'also blocked: a parameter is either blocked or given a value' });
      }
    }
  }
  const cappable = CAPPABLE_PARAMS[call];
  for (const [name, cap] of Object.entries(p.caps)) {
    if (!cappable.includes(name)) {
      problems.push({
        path: ['caps', name],
        message:
          cappable.length === 0
            ? `${call} has no numeric parameter to cap`
            : `not a numeric ${call} parameter (caps apply to ${cappable.join(', ')})`,
      });
    } else if (blocked.has(name)) {
      problems.push({ path: ['caps', name], message: 'also blocked: a capped parameter always reaches the node' });
    }
    for (const field of ['defaults', 'overrides'] as const) {
      const value = Object.hasOwn(p[field], name) ? p[field][name] : undefined;
      if (value !== undefined && withinCap(value, cap) !== value) {
        problems.push({ path: [field, name], message: `${name} is capped: a whole number from 1 to ${cap}` });
      }
    }
  }
  return problems;
}

/**
 * A capped value: a whole number from 1 to the cap is kept; a bigger one becomes the
 * cap, and so does anything BBB would read as its default or as no limit (absent,
 * empty, 0, negative, not a number).
 */
function withinCap(value: string | undefined, cap: number): string {
  if (value === undefined || !/^\d+$/.test(value)) return String(cap);
  const n = Number(value);
  return n >= 1 && n <= cap ? String(n) : String(cap);
}

/** One call's policy looked up by canonical name. */
class Lookup {
  readonly defaults: Map<string, Param>;
  readonly overrides: Map<string, Param>;
  readonly block: Set<string>;
  readonly caps: Map<string, number>;

  constructor(p: CallPolicy) {
    const byName = (r: Record<string, string>) =>
      new Map(Object.entries(r).map(([k, v]) => [canonical(k), [k, v] as Param]));
    this.defaults = byName(p.defaults);
    this.overrides = byName(p.overrides);
    this.block = new Set(p.block.map(canonical));
    this.caps = new Map(Object.entries(p.caps));
  }

  names(): string[] {
    return [...this.defaults.keys(), ...this.overrides.keys(), ...this.block, ...this.caps.keys()];
  }
}

/**
 * The call as its node gets it, under the global policy and the tenant's (decision 111).
 * Per parameter: a global block removes it, and nothing brings it back; else a global
 * override, else a tenant override, else (unless the tenant blocks it) the value sent,
 * else the tenant's default, else the global default. Then the lower of the two caps
 * bounds it (absent, 0 or unreadable becomes the cap). So the tenant refines what the
 * global policy leaves open and never lifts a global override, block or cap.
 */
export function applyPolicy(
  params: BbbParams,
  call: PolicyCall,
  global: ParameterPolicy,
  tenant: ParameterPolicy = EMPTY_POLICY,
): BbbParams {
  const g = new Lookup(global[call]);
  const t = new Lookup(tenant[call]);
  const names = new Set([...g.names(), ...t.names()]);
  if (names.size === 0) return params;
  const sent = (n: string) => params.entries.find(([k]) => canonical(k) === n);
  const decided = new Map<string, Param | undefined>();
  for (const n of names) {
    if (g.block.has(n)) {
      decided.set(n, undefined);
      continue;
    }
    const sentParam = sent(n);
    let value: Param | undefined = g.overrides.get(n) ?? t.overrides.get(n);
    if (!value && !t.block.has(n)) value = sentParam ?? t.defaults.get(n) ?? g.defaults.get(n);
    const caps = [g.caps.get(n), t.caps.get(n)].filter((c) => c !== undefined);
    if (caps.length > 0) value = [value?.[0] ?? n, withinCap(value?.[1], Math.min(...caps))];
    // A value as sent stays where it was, with any second value of the same name; a
    // capped one is always replaced (BBB must not find a second, uncapped value).
    if (value !== sentParam || caps.length > 0) decided.set(n, value);
  }
  if (decided.size === 0) return params;
  const kept = params.entries.filter(([k]) => !decided.has(canonical(k)));
  return BbbParams.of([...kept, ...[...decided.values()].filter((v) => v !== undefined)]);
}
