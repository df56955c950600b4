import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  BUSY_PREFIX,
  DomainError,
  contracts,
  type NodeHoldings,
  type RunEvent,
  type RunFailure,
  type RunRecord,
  type ScaleInRequest,
  type ScaleOutRequest,
} from '@ensemble/contracts';
import { CONFIG, LOGGER, METRICS, NATS_BUS, type Logger, type Metrics, type NatsBus } from '@ensemble/shared';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProvisionerConfig } from '../config.js';
import { FileSdWriter } from '../nodes/file-sd.writer.js';
import { NodeMapFile, type NodeMap } from '../nodes/node-map.file.js';
import { ProvisionedNodesRepository } from '../nodes/provisioned-nodes.repository.js';
import { TerraformRunner } from '../terraform/terraform-runner.js';
import { RunJournal } from './run-journal.js';
import { RunsRepository, queuedRun } from './runs.repository.js';
import { StepFailure, TerraformSteps } from './terraform-steps.js';
import { registerNewNodes } from './register-nodes.js';
import { waitUntilNodeHoldsNothing } from './scale-in-wait.js';

const newRunId = () => `run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const nodeName = (zone: string) => `bbb-${zone.split('-').slice(1).join('')}-${randomBytes(3).toString('hex')}`;

/**
 * Owns provisioning runs: one at a time (the run's row in PostgreSQL holds the one slot,
 * under a lease its heartbeat renews), each a Terraform init/plan/apply over the desired
 * node map, recorded and evented as it goes.
 */
@Injectable()
export class ProvisionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly active = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly runsTotal;
  private readonly runSeconds;
  private readonly badLines;

  constructor(
    @Inject(CONFIG) private readonly config: ProvisionerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly runs: RunsRepository,
    private readonly provisioned: ProvisionedNodesRepository,
    private readonly nodeMap: NodeMapFile,
    private readonly fileSd: FileSdWriter,
    private readonly runner: TerraformRunner,
  ) {
    this.runsTotal = metrics.counter('ensemble_provisioner_runs_total', 'Provisioning runs by outcome', [
      'kind',
      'outcome',
    ]);
    this.runSeconds = metrics.histogram(
      'ensemble_provisioner_run_duration_seconds',
      'Provisioning run duration',
      ['kind', 'outcome'],
      [1, 5, 30, 60, 300, 600, 1200, 1800, 3600, 7200],
    );
    this.badLines = metrics.counter(
      'ensemble_provisioner_terraform_bad_lines_total',
      'Unreadable terraform output lines',
    );
  }

  private get leaseMs(): number {
    return this.config.PROVISION_LEASE_S * 1000;
  }

  /** A run left unfinished by a provisioner that died is marked interrupted once its lease ran out. */
  async onApplicationBootstrap(): Promise<void> {
    const reaped = await this.runs.reapExpired().catch(() => []);
    if (reaped.length > 0) this.logger.warn('runs interrupted (their provisioner stopped)', { runIds: reaped });
  }

  async scaleOut(req: ScaleOutRequest): Promise<{ runId: string }> {
    const params = { count: req.count, offer: req.offer, zone: req.zone };
    return this.start('scale-out', req, params, async (existing) => {
      const added: string[] = [];
      while (added.length < req.count) {
        const name = nodeName(req.zone);
        if (!(name in existing) && !added.includes(name)) added.push(name);
      }
      const desired: NodeMap = { ...existing };
      for (const n of added) desired[n] = { offer: req.offer, zone: req.zone };
      return { nodes: added, desired, offer: req.offer, zone: req.zone };
    });
  }

  async scaleIn(req: ScaleInRequest): Promise<{ runId: string }> {
    const { nodes } = await this.bus.request(contracts.listNodes, {});
    const node = nodes.find((n) => n.id === req.nodeId);
    if (node && (node.state === 'enabled' || node.rooms > 0))
      throw new DomainError('conflict', `node ${req.nodeId} must be cordoned and empty before scale-in`);
    return this.start('scale-in', req, { nodeId: req.nodeId }, async (existing) => {
      if (!(req.nodeId in existing)) throw new DomainError('not-found', `${req.nodeId} is not in the node map`);
      const { [req.nodeId]: gone, ...desired } = existing;
      return { nodes: [req.nodeId], desired, offer: gone?.offer ?? null, zone: gone?.zone ?? null };
    });
  }

  /**
   * What the node still holds; null once it left the scheduler's inventory. A node enabled again
   * meanwhile (the autoscaler took it back, or an operator) ends the run: it takes rooms again.
   */
  private async holdings(nodeId: string): Promise<NodeHoldings | null> {
    const { nodes } = await this.bus.request(contracts.listNodes, {});
    if (nodes.find((n) => n.id === nodeId)?.state === 'enabled')
      throw new StepFailure({
        code: 'node-not-empty',
        message: `${nodeId} was enabled again while the scale-in waited; nothing destroyed`,
      });
    return this.bus.request(contracts.nodeHoldings, { id: nodeId }, { timeoutMs: 20_000 }).catch((e: unknown) => {
      if (e instanceof DomainError && e.code === 'not-found') return null;
      throw e;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    for (const { abort } of this.active.values())
      abort.abort({ code: 'terraform-failed', message: 'provisioner stopped' });
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  private async start(
    kind: RunRecord['kind'],
    req: { reason: string; by: string },
    params: Record<string, unknown>,
    plan: (
      existing: NodeMap,
    ) => Promise<{ nodes: string[]; desired: NodeMap; offer: string | null; zone: string | null }>,
  ): Promise<{ runId: string }> {
    const claimed = await this.runs.claim(
      queuedRun({ id: newRunId(), kind, reason: req.reason, requestedBy: req.by, params }),
      this.leaseMs,
    );
    if ('heldBy' in claimed) throw new DomainError('conflict', `${BUSY_PREFIX}: run ${claimed.heldBy} is in progress`);
    const run = claimed.run;
    // Planned under the claim: the node map is only changed by the run holding the slot.
    let existing: NodeMap;
    let p: Awaited<ReturnType<typeof plan>>;
    try {
      existing = await this.nodeMap.read();
      p = await plan(existing);
      Object.assign(run, { nodes: p.nodes, offer: p.offer, zone: p.zone });
      await this.runs.save(run);
    } catch (e) {
      // Refused before anything started: the claim goes, as if it had never been made.
      await this.runs.abandon(run.id).catch(() => this.logger.warn('claim not withdrawn; its lease runs out'));
      throw e;
    }
    const abort = new AbortController();
    const done = this.execute(run, existing, p.desired, abort).finally(() => this.active.delete(run.id));
    this.active.set(run.id, { abort, done });
    return { runId: run.id };
  }

  private async execute(run: RunRecord, existing: NodeMap, desired: NodeMap, abort: AbortController): Promise<void> {
    const started = Date.now();
    const journal = new RunJournal(run);
    const log = this.logger.child({ runId: run.id, kind: run.kind });
    let writes = Promise.resolve();
    // Stored, then published: whoever reads a run that has not ended yet (the CLI's
    // --follow, subscribed first) is sure to get its end as an event.
    const emit = (e: RunEvent) => {
      const phaseChange = e.phase !== 'progress';
      writes = writes
        .then(async () => {
          await this.runs.appendEvent(e);
          if (phaseChange) await this.runs.save(run);
        })
        .catch(() => log.warn('run event not stored'))
        .then(() => this.bus.publish(contracts.provisionRun, e))
        .catch(() => log.warn('run event not published'));
    };
    // Armed once the run starts changing things: a scale-in's wait has its own deadline.
    let timeout: NodeJS.Timeout | undefined;
    const armTimeout = () => {
      timeout = setTimeout(
        () =>
          abort.abort({
            code: 'timeout',
            message: `run exceeded ${this.config.PROVISION_RUN_TIMEOUT_S} s`,
          } satisfies RunFailure),
        this.config.PROVISION_RUN_TIMEOUT_S * 1000,
      );
    };
    // The lease is renewed every quarter of it. Lost (another instance marked the run
    // interrupted), or not confirmed for three quarters of it (PostgreSQL away: another
    // instance may soon take the slot), the run stops: two applies never overlap.
    let confirmedAt = Date.now();
    const heartbeat = setInterval(() => {
      void this.runs.renew(run.id, this.leaseMs).then(
        (held) => {
          if (held) confirmedAt = Date.now();
          else abort.abort({ code: 'lost-lock', message: 'provisioning lease lost' } satisfies RunFailure);
        },
        () => {
          log.warn('lease renewal failed');
          if (Date.now() - confirmedAt > (this.leaseMs * 3) / 4)
            abort.abort({
              code: 'lost-lock',
              message: 'provisioning lease not confirmed in time',
            } satisfies RunFailure);
        },
      );
    }, this.leaseMs / 4);
    const planFile = `ensemble-${run.id}.tfplan`;
    try {
      log.info('run started', { nodes: run.nodes, reason: run.reason });
      emit(journal.event('queued', `${run.kind} of ${run.nodes.join(', ')}: ${run.reason}`));
      if (run.kind === 'scale-in')
        await waitUntilNodeHoldsNothing(run.nodes[0]!, () => this.holdings(run.nodes[0]!), journal, emit, {
          pollMs: this.config.SCALE_IN_POLL_S * 1000,
          timeoutMs: this.config.SCALE_IN_WAIT_S * 1000,
          signal: abort.signal,
        });
      armTimeout();
      await this.nodeMap.write(desired);
      const steps = new TerraformSteps(this.runner, journal, emit, abort.signal, () => this.badLines.inc());
      await steps.init();
      await steps.plan(planFile);
      await steps.apply(planFile);
      if (!(await this.runs.renew(run.id, this.leaseMs).catch(() => false)))
        throw new StepFailure({ code: 'lost-lock', message: 'provisioning lease lost before touching the fleet' });
      emit(journal.setPhase('registering', run.kind === 'scale-out' ? 'registering new nodes' : 'removing node'));
      if (run.kind === 'scale-out') {
        const outputs = await steps.outputs();
        run.registered = await registerNewNodes(this.bus, run, outputs, emit, journal);
        await this.provisioned.add(
          run.nodes.map((name) => ({
            name,
            hostname: outputs[name]!.hostname,
            ipv4: outputs[name]!.ipv4,
            runId: run.id,
            at: Date.now(),
          })),
        );
      } else {
        const name = run.nodes[0]!;
        // Destroyed after the wait: nothing left to ask the node, so the removal is forced.
        await this.bus
          .request(contracts.removeNode, { id: name, by: 'provisioner', force: true })
          .catch((e: unknown) => {
            if (!(e instanceof DomainError && e.code === 'not-found')) throw e;
          });
        await this.provisioned.remove(name);
      }
      await this.fileSd
        .write(await this.provisioned.all())
        .catch((e: unknown) => log.warn('file-sd not written', { error: e }));
      emit(journal.setPhase('succeeded', `${run.kind} done: ${run.nodes.join(', ')}`));
      log.info('run succeeded', { durationMs: Date.now() - started });
    } catch (e) {
      const failure: RunFailure =
        e instanceof StepFailure
          ? e.failure
          : { code: 'terraform-failed', message: e instanceof Error ? e.message.slice(0, 500) : 'run failed' };
      run.failure = failure;
      // The desired map goes back to what it was: a half-applied run is not desired state.
      await this.nodeMap.write(existing).catch(() => log.error('could not restore the node map'));
      emit(journal.setPhase('failed', `${failure.code}: ${failure.message}`));
      log.warn('run failed', {
        failure,
        diagnostics: run.diagnostics.map((d) => d.summary),
        durationMs: Date.now() - started,
      });
    } finally {
      if (timeout) clearTimeout(timeout);
      clearInterval(heartbeat);
      await rm(join(this.config.TERRAFORM_DIR, planFile), { force: true }).catch(() => undefined);
      await writes;
      // The outcome and the freed slot in one statement. Not stored: the lease runs out and the
      // run is marked interrupted (by whichever instance looks next).
      const finishedAt = Date.now();
      run.finishedAt = finishedAt;
      const ended = await this.runs.finish({ ...run, finishedAt }).catch(() => null);
      if (ended === null) log.error('run outcome not stored; its lease runs out');
      else if (!ended) log.warn('run had been marked interrupted meanwhile; its outcome is in the log only');
      const outcome = run.failure ? run.failure.code : 'succeeded';
      this.runsTotal.inc({ kind: run.kind, outcome });
      this.runSeconds.observe({ kind: run.kind, outcome }, (Date.now() - started) / 1000);
    }
  }
}
