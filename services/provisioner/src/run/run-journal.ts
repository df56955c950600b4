import type { RunDiagnostic, RunEvent, RunPhase, RunRecord, RunResource } from '@ensemble/contracts';
import type { ParsedLine } from '../terraform/terraform-ui.schema.js';

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** What a Terraform step told us beyond the record itself. */
export interface StepSignals {
  applyErrored: boolean;
  stateLock: boolean;
}

/**
 * Folds Terraform's UI messages into a run record (resources, change summary,
 * diagnostics) and says which event to publish. Plain domain code: no I/O.
 */
export class RunJournal {
  readonly signals: StepSignals = { applyErrored: false, stateLock: false };

  constructor(readonly run: RunRecord) {}

  event(phase: RunPhase, message: string, extra: Partial<Pick<RunEvent, 'resource' | 'diagnostic'>> = {}): RunEvent {
    return { runId: this.run.id, phase, message: cut(message, 500), at: Date.now(), ...extra };
  }

  setPhase(phase: RunPhase, message: string): RunEvent {
    this.run.phase = phase;
    return this.event(phase, message);
  }

  diagnose(d: RunDiagnostic): RunEvent {
    const diagnostic = { ...d, summary: cut(d.summary, 500), detail: cut(d.detail, 4000) };
    this.run.diagnostics.push(diagnostic);
    if (/state lock/i.test(d.summary)) this.signals.stateLock = true;
    return this.event(this.run.phase, `${d.severity}: ${diagnostic.summary}`, { diagnostic });
  }

  /** One line of `-json` output -> an event to publish, or null for noise. */
  apply(line: ParsedLine): RunEvent | null {
    if (line.kind === 'garbage') {
      return this.diagnose({
        severity: 'warning',
        summary: 'Unreadable terraform output line',
        detail: `${line.why}: ${line.excerpt}`,
      });
    }
    if (line.kind === 'other') return null;
    const m = line.message;
    switch (m.type) {
      case 'version':
        return this.event(this.run.phase, m['@message']);
      case 'planned_change':
        this.upsert({ address: m.change.resource.addr, action: m.change.action, status: 'planned' });
        return this.event('planning', m['@message'], { resource: m.change.resource.addr });
      case 'change_summary':
        this.run.changes = { add: m.changes.add, change: m.changes.change, remove: m.changes.remove };
        return this.event(this.run.phase, m['@message']);
      case 'apply_start':
      case 'apply_progress':
      case 'apply_complete':
      case 'apply_errored': {
        const status = m.type === 'apply_complete' ? 'complete' : m.type === 'apply_errored' ? 'errored' : 'applying';
        if (m.type === 'apply_errored') this.signals.applyErrored = true;
        this.upsert({
          address: m.hook.resource.addr,
          action: m.hook.action,
          status,
          ...(m.hook.elapsed_seconds !== undefined ? { elapsedSeconds: m.hook.elapsed_seconds } : {}),
        });
        return this.event('progress', m['@message'], { resource: m.hook.resource.addr });
      }
      case 'diagnostic':
        return this.diagnose({
          severity: m.diagnostic.severity,
          summary: m.diagnostic.summary,
          detail: m.diagnostic.detail,
          ...(m.diagnostic.address ? { address: m.diagnostic.address } : {}),
        });
      case 'outputs':
        return this.event(this.run.phase, `outputs: ${Object.keys(m.outputs).sort().join(', ')}`);
    }
    return null;
  }

  private upsert(r: RunResource): void {
    const i = this.run.resources.findIndex((x) => x.address === r.address);
    if (i >= 0) this.run.resources[i] = { ...this.run.resources[i], ...r };
    else this.run.resources.push(r);
  }
}
