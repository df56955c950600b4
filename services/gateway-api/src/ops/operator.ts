import { DomainError, operatorNameSchema, type AuditActorKind, type OperatorTokenScope } from '@ensemble/contracts';
import type { FastifyRequest } from 'fastify';

/**
 * Who the ops guard let in (decision 122): the shared OPS_TOKEN (anyone who holds it, named
 * by X-Ensemble-Operator) or a personal token (named by itself).
 */
export type OpsPrincipal =
  { kind: 'ops-token' } | { kind: 'operator-token'; id: string; name: string; scope: OperatorTokenScope };

const principals = new WeakMap<FastifyRequest, OpsPrincipal>();

/** Set by the guard once the bearer is checked. */
export function setPrincipal(req: FastifyRequest, p: OpsPrincipal): void {
  principals.set(req, p);
}

/** The shared token's unless the guard found a personal one. */
export const principalOf = (req: FastifyRequest): OpsPrincipal => principals.get(req) ?? { kind: 'ops-token' };

/**
 * Who makes an ops change, for logs and fleet events: a personal token's name (its holder
 * cannot say otherwise: the header is ignored), else the `X-Ensemble-Operator` header when
 * given (validated: it ends up in logs and events), else `ops`.
 */
export function operatorOf(req: FastifyRequest): string {
  const p = principalOf(req);
  if (p.kind === 'operator-token') return p.name;
  const raw = req.headers['x-ensemble-operator'];
  if (raw === undefined) return 'ops';
  const r = operatorNameSchema.safeParse(raw);
  if (!r.success) throw new DomainError('invalid-input', `X-Ensemble-Operator: ${r.error.issues[0]!.message}`);
  return r.data;
}

/** The operator, how it signed in, and the client address (Fastify's `req.ip`: TRUSTED_PROXIES-aware, as the rate limits). */
export function auditActorOf(req: FastifyRequest): {
  actor: string;
  actorKind: AuditActorKind;
  clientAddress: string | null;
} {
  return { actor: operatorOf(req), actorKind: principalOf(req).kind, clientAddress: req.ip || null };
}
