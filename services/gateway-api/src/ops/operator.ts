import { DomainError, operatorNameSchema } from '@ensemble/contracts';
import type { FastifyRequest } from 'fastify';

/**
 * Who makes an ops change, for logs and fleet events: the `X-Ensemble-Operator`
 * header when given (validated: it ends up in logs and events), else `ops`.
 */
export function operatorOf(req: FastifyRequest): string {
  const raw = req.headers['x-ensemble-operator'];
  if (raw === undefined) return 'ops';
  const r = operatorNameSchema.safeParse(raw);
  if (!r.success) throw new DomainError('invalid-input', `X-Ensemble-Operator: ${r.error.issues[0]!.message}`);
  return r.data;
}

/** The operator and the client address (Fastify's `req.ip`: TRUSTED_PROXIES-aware, as the rate limits). */
export function auditActorOf(req: FastifyRequest): { actor: string; clientAddress: string | null } {
  return { actor: operatorOf(req), clientAddress: req.ip || null };
}
