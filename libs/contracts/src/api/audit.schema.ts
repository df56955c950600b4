import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { epochMsSchema, operatorNameSchema } from '../contracts/common.schema.js';

/**
 * Every operator action the ops API audits (one per mutating route but placements, which
 * are the data path: decision 092). A new mutating route adds its action here and records
 * it through the gateway's audit log.
 */
export const AUDIT_ACTIONS = [
  'node.register',
  'node.update',
  'node.remove',
  'node.panic',
  'fleet.scale-out',
  'tenant.add',
  'tenant.update',
  'tenant.remove',
  'tenant.secret-add',
  'tenant.secret-remove',
  'tenant.policy-set',
  'operator-token.add',
  'operator-token.revoke',
  'tenant.identity-set',
  'tenant.identity-remove',
  'tenant.user-role-set',
] as const;
export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;

/** `pending` until the outcome is written: one left pending was interrupted (gateway stopped, PostgreSQL lost). */
export const auditOutcomeSchema = z.enum(['pending', 'ok', 'refused', 'failed']);
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

/**
 * Who acted: `ops-token`, the holder of the shared OPS_TOKEN named by X-Ensemble-Operator;
 * `operator-token`, a personal token, named by the token's name (decision 122).
 */
export const auditActorKindSchema = z.enum(['ops-token', 'operator-token']);
export type AuditActorKind = z.infer<typeof auditActorKindSchema>;

/** A bigserial id, as a string (it outgrows a JSON number's exact range). */
const auditIdSchema = z.string().regex(/^[1-9]\d{0,18}$/, 'an audit event id');

/** One row of `GET /api/ops/audit`. `details` never holds a secret (node secret, token, cloud key). */
export const auditEventSchema = z.object({
  id: auditIdSchema,
  at: epochMsSchema,
  actor: operatorNameSchema,
  actorKind: auditActorKindSchema,
  action: auditActionSchema,
  target: z.string().nullable(),
  clientAddress: z.string().nullable(),
  outcome: auditOutcomeSchema,
  /** The error code of a refused or failed action. */
  errorCode: z.enum(ERROR_CODES).nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** ISO 8601 or epoch milliseconds, as epoch milliseconds. */
const instantSchema = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const ms = /^\d{1,15}$/.test(s) ? Number(s) : Date.parse(s);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'since: an ISO 8601 time or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

/** `GET /api/ops/audit` query: newest first, `before` an id from `next`, filters combined with AND. */
export const auditQuerySchema = z
  .object({
    before: auditIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    actor: operatorNameSchema.optional(),
    action: auditActionSchema.optional(),
    target: z.string().min(1).max(256).optional(),
    since: instantSchema.optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** A page of events, newest first; `next` is the `before` of the following page, null on the last. */
export const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  next: auditIdSchema.nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;
