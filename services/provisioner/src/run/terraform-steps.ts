import type { RunFailure } from '@ensemble/contracts';
import { parseUiLine, bbbNodesOutputSchema, type BbbNodeOutput } from '../terraform/terraform-ui.schema.js';
import type { TerraformRunner } from '../terraform/terraform-runner.js';
import type { RunJournal } from './run-journal.js';
import type { RunEvent } from '@ensemble/contracts';

/** A failed step: the run fails with this. */
export class StepFailure extends Error {
  constructor(readonly failure: RunFailure) {
    super(failure.message);
  }
}

/**
 * init -> plan -> apply -> output for one run, each line of `-json` output folded
 * into the journal and emitted as an event. Throws StepFailure with the right code.
 */
export class TerraformSteps {
  constructor(
    private readonly runner: TerraformRunner,
    private readonly journal: RunJournal,
    private readonly emit: (e: RunEvent) => void,
    private readonly signal: AbortSignal,
    private readonly onBadLine: () => void,
  ) {}

  async init(): Promise<void> {
    this.emit(this.journal.setPhase('initializing', 'terraform init'));
    await this.step('init', ['init', '-input=false', '-no-color'], false);
  }

  async plan(planFile: string): Promise<void> {
    this.emit(this.journal.setPhase('planning', 'terraform plan'));
    await this.step('plan', ['plan', '-json', '-input=false', `-out=${planFile}`], true);
  }

  async apply(planFile: string): Promise<void> {
    this.emit(this.journal.setPhase('applying', 'terraform apply'));
    await this.step('apply', ['apply', '-json', '-input=false', planFile], true);
  }

  /**
   * `terraform output -json bbb_nodes`, validated. Only that output: the module's others
   * (the database URLs) are secrets this process has no use for.
   */
  async outputs(): Promise<Record<string, BbbNodeOutput>> {
    const res = await this.runner.run({ args: ['output', '-json', 'bbb_nodes'], signal: this.signal, collect: true });
    if (res.aborted) throw this.abortFailure();
    if (res.code !== 0)
      throw new StepFailure({ code: 'terraform-failed', message: `terraform output exited ${res.code}` });
    let json: unknown;
    try {
      json = JSON.parse(res.stdout);
    } catch {
      throw new StepFailure({ code: 'bad-output', message: 'terraform output -json is not JSON' });
    }
    const parsed = bbbNodesOutputSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // The path names the node and field, never a value (values are secrets).
      const where = ['bbb_nodes', ...(issue?.path ?? [])].join('.');
      throw new StepFailure({
        code: 'bad-output',
        message: `terraform output: ${where}: ${issue?.message ?? 'invalid'}`,
      });
    }
    return parsed.data;
  }

  private async step(name: string, args: string[], json: boolean): Promise<void> {
    const res = await this.runner.run({
      args,
      signal: this.signal,
      onLine: (line) => {
        if (!json || line.trim() === '') return;
        const parsed = parseUiLine(line);
        if (parsed.kind === 'garbage') this.onBadLine();
        const event = this.journal.apply(parsed);
        if (event) this.emit(event);
      },
    });
    if (res.aborted) throw this.abortFailure();
    if (res.code === 0) return;
    const { signals } = this.journal;
    if (res.stderrTail && this.journal.run.diagnostics.every((d) => d.severity !== 'error')) {
      this.emit(
        this.journal.diagnose({ severity: 'error', summary: `terraform ${name} failed`, detail: res.stderrTail }),
      );
    }
    if (signals.stateLock)
      throw new StepFailure({ code: 'state-lock', message: 'the Terraform state is locked by another operation' });
    if (signals.applyErrored) {
      const errored = this.journal.run.resources.filter((r) => r.status === 'errored').map((r) => r.address);
      throw new StepFailure({
        code: 'apply-errored',
        message: `apply errored on ${errored.join(', ') || 'a resource'}`,
      });
    }
    throw new StepFailure({
      code: 'terraform-failed',
      message: `terraform ${name} exited ${res.code ?? 'abnormally'}`,
    });
  }

  private abortFailure(): StepFailure {
    const reason = this.signal.reason as RunFailure | undefined;
    return new StepFailure(reason?.code ? reason : { code: 'timeout', message: 'run stopped' });
  }
}
