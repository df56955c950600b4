import { z } from 'zod';

export const engineSchema = z.enum(['bbb', 'jitsi']);
export type Engine = z.infer<typeof engineSchema>;

/** A node id is one NATS subject token: lower-case slug, no dots or wildcards. */
export const nodeIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'node id: 1-63 chars of a-z, 0-9, - and _');

/** Room keys come from integrations (BBB meetingID): printable, bounded. */
export const roomKeySchema = z
  .string()
  .min(1)
  .max(256)
  .refine((k) => !hasControlChar(k), 'room key: no control characters');

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

export const nodeStateSchema = z.enum(['enabled', 'cordoned', 'disabled']);
export type NodeState = z.infer<typeof nodeStateSchema>;

/**
 * What polls (and callers' evidence) say of a node. `suspect`: a caller's call to an
 * online node failed and the scheduler's own probe confirmed it; treated as offline
 * (no new rooms, its rooms move at their next placement) until the next good poll
 * makes it online again or failed polls take it offline (docs/decisions/083).
 */
export const nodeHealthSchema = z.enum(['unknown', 'online', 'suspect', 'offline']);
export type NodeHealth = z.infer<typeof nodeHealthSchema>;

/** Who makes an ops change (`X-Ensemble-Operator`, the CLI's `--operator`): it ends up in logs and fleet events. */
export const operatorNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}$/, 'operator: 1-64 chars of A-Z, a-z, 0-9, . _ @ : -');

/**
 * A tenant's name (decision 110): a DNS label, so that it can be the first label of the
 * tenant's host name. Defined here so that contracts validate it; `libs/shared` re-exports it.
 */
export const TENANT_NAME_REGEX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const tenantNameSchema = z
  .string()
  .regex(TENANT_NAME_REGEX, 'tenant: a DNS label, 1-63 chars of a-z, 0-9 and - (not at either end)');

export const tagSchema = z.string().regex(/^[a-z0-9][a-z0-9:._-]{0,31}$/, 'tag: 1-32 chars of a-z, 0-9, : . _ -');

export const httpUrlSchema = z
  .string()
  .max(2048)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'expected an http(s) URL');

export const epochMsSchema = z.number().int().nonnegative();
