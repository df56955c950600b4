import { DomainError, isDomainError, type AuditAction, type AuditActorKind } from '@ensemble/contracts';
import type { Logger } from '@ensemble/shared';
import type { AuditRepository, AuditResult } from './audit.repository.js';

/** Who asks and from where: the operator name (a token's, or X-Ensemble-Operator) and the trusted-proxy-aware address. */
export interface AuditActor {
  actor: string;
  actorKind: AuditActorKind;
  clientAddress: string | null;
}

export interface AuditedAction<T> {
  action: AuditAction;
  target: string | null;
  /** What was asked, built by the route from named fields only: never a secret. */
  details: Record<string, unknown>;
  /** What the answer adds to the record (e.g. the run id of a scale-out, the id of a node registered without one). */
  result?: (result: T) => { details?: Record<string, unknown>; target?: string };
}

/** Codes that mean the action was refused as asked (the caller's to change), not that it failed. */
const REFUSALS = new Set(['invalid-input', 'not-found', 'conflict', 'no-capacity', 'forbidden', 'rate-limited']);

/**
 * Runs an operator action under its audit record: the row first (without PostgreSQL the
 * action is refused with `unavailable` and nothing changes: a fleet change nobody can
 * account for is worse than none), then the action, then its outcome. A failure to write
 * the outcome is logged and the row stays `pending`: the action's own answer stands.
 */
export class AuditLog {
  constructor(
    private readonly repository: AuditRepository,
    private readonly logger: Logger,
  ) {}

  async run<T>(who: AuditActor, a: AuditedAction<T>, act: () => Promise<T>): Promise<T> {
    const id = await this.repository.append({ ...who, action: a.action, target: a.target, details: a.details });
    let result: T;
    try {
      result = await act();
    } catch (e) {
      const code = isDomainError(e) ? e.code : 'internal';
      await this.record(id, a.action, { outcome: REFUSALS.has(code) ? 'refused' : 'failed', errorCode: code });
      throw e;
    }
    await this.record(id, a.action, { outcome: 'ok', ...a.result?.(result) });
    return result;
  }

  private async record(id: string, action: AuditAction, r: AuditResult): Promise<void> {
    try {
      await this.repository.outcome(id, r);
    } catch (e) {
      this.logger.warn('audit outcome not written', {
        auditId: id,
        action,
        outcome: r.outcome,
        error: e instanceof DomainError ? e.message : 'unknown',
      });
    }
  }
}
