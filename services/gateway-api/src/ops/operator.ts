import { DomainError } from '@ensemble/shared';
import type { FastifyRequest } from 'fastify';

const OPERATOR = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}$/;

/**
 * Who makes an ops change, for logs and fleet events: the `X-Ensemble-Operator`
 * header when given (validated: it ends up in logs and events), else `ops`.
 */
export function operatorOf(req: FastifyRequest): string {
  const raw = req.headers['x-ensemble-operator'];
  if (raw === undefined) return 'ops';
  if (typeof raw !== 'string' || !OPERATOR.test(raw)) {
    throw new DomainError('invalid-input', 'X-Ensemble-Operator: 1-64 chars of A-Z, a-z, 0-9, . _ @ : -');
  }
  return raw;
}
