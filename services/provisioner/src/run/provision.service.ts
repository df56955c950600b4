import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  BUSY_PREFIX,
  DomainError,
  contracts,
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
import { ProvisionedNodesStore } from '../nodes/provisioned-nodes.store.js';
import { TerraformRunner } from '../terraform/terraform-runner.js';
import { RunJournal } from './run-journal.js';
import { RunLockStore, type HeldLock } from './run-lock.store.js';
import { RunStore } from './run.store.js';
import { StepFailure, TerraformSteps } from './terraform-steps.js';
import { registerNewNodes } from './register-nodes.js';

/** The provisioning lock's lifetime; a live run extends it every quarter of it. */
const LOCK_TTL_MS = 60_000;
const newRunId = () => `run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const nodeName = (zone: string) => `bbb-${zone.split('-').slice(1).join('')}-${randomBytes(3).toString('hex')}`;

/**
 * Owns provisioning runs: one at a time (Redis lock with fencing), each a Terraform
 * init/plan/apply over the desired node map, recorded and evented as it goes.
 */
@Injectable()
export class ProvisionService implements OnApplicationShutdown {
  private readonly active = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly runsTotal;
  private readonly runSeconds;
  private readonly badLines;

  constructor(
    @Inject(CONFIG) private readonly config: ProvisionerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly lock: RunLockStore,
    private readonly runs: RunStore,
    private readonly provisioned: ProvisionedNodesStore,
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

  async scaleOut(req: ScaleOutRequest): Promise<{ runId: string }> {
    return this.start('scale-out', req.reason, async (existing) => {
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
    return this.start('scale-in', req.reason, async (existing) => {
      if (!(req.nodeId in existing)) throw new DomainError('not-found', `${req.nodeId} is not in the node map`);
      const { [req.nodeId]: gone, ...desired } = existing;
      return { nodes: [req.nodeId], desired, offer: gone?.offer ?? null, zone: gone?.zone ?? null };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    for (const { abort } of this.active.values())
      abort.abort({ code: 'terraform-failed', message: 'provisioner stopped' });
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  private async start(
    kind: RunRecord['kind'],
    reason: string,
    plan: (
      existing: NodeMap,
    ) => Promise<{ nodes: string[]; desired: NodeMap; offer: string | null; zone: string | null }>,
  ): Promise<{ runId: string }> {
    const runId = newRunId();
    const got = await this.lock.acquire(runId, LOCK_TTL_MS);
    if ('heldBy' in got) throw new DomainError('conflict', `${BUSY_PREFIX}: run ${got.heldBy} is in progress`);
    const lock = got.lock;
    try {
      const existing = await this.nodeMap.read();
      const p = await plan(existing);
      const run: RunRecord = {
        id: runId,
        kind,
        phase: 'queued',
        reason,
        nodes: p.nodes,
        offer: p.offer,
        zone: p.zone,
        changes: null,
        resources: [],
        diagnostics: [],
        events: [],
        registered: [],
        failure: null,
        fence: lock.token,
        createdAt: Date.now(),
        finishedAt: null,
      };
      await this.runs.save(run);
      await this.runs.prune();
      const abort = new AbortController();
      const done = this.execute(run, lock, existing, p.desired, abort).finally(() => this.active.delete(runId));
      this.active.set(runId, { abort, done });
      return { runId };
    } catch (e) {
      await this.lock.release(lock).catch(() => false);
      throw e;
    }
  }

  private async execute(
    run: RunRecord,
    lock: HeldLock,
    existing: NodeMap,
    desired: NodeMap,
    abort: AbortController,
  ): Promise<void> {
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
    const timeout = setTimeout(
      () =>
        abort.abort({
          code: 'timeout',
          message: `run exceeded ${this.config.PROVISION_RUN_TIMEOUT_S} s`,
        } satisfies RunFailure),
      this.config.PROVISION_RUN_TIMEOUT_S * 1000,
    );
    const heartbeat = setInterval(() => {
      void this.lock.extend(lock, LOCK_TTL_MS).then(
        (held) => held || abort.abort({ code: 'lost-lock', message: 'provisioning lock lost' } satisfies RunFailure),
        () => log.warn('lock heartbeat failed'),
      );
    }, LOCK_TTL_MS / 4);
    const planFile = `ensemble-${run.id}.tfplan`;
    try {
      log.info('run started', { nodes: run.nodes, reason: run.reason });
      emit(journal.event('queued', `${run.kind} of ${run.nodes.join(', ')}: ${run.reason}`));
      await this.nodeMap.write(desired);
      const steps = new TerraformSteps(this.runner, journal, emit, abort.signal, () => this.badLines.inc());
      await steps.init();
      await steps.plan(planFile);
      await steps.apply(planFile);
      if (!(await this.lock.extend(lock, LOCK_TTL_MS)))
        throw new StepFailure({ code: 'lost-lock', message: 'provisioning lock lost before touching the fleet' });
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
        await this.bus.request(contracts.removeNode, { id: name, by: 'provisioner' }).catch((e: unknown) => {
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
      clearTimeout(timeout);
      clearInterval(heartbeat);
      await rm(join(this.config.TERRAFORM_DIR, planFile), { force: true }).catch(() => undefined);
      await writes;
      // Lock first, then the finished record: whoever sees the run finished can start the next.
      await this.lock.release(lock).catch(() => log.warn('lock not released; it expires by itself'));
      run.finishedAt = Date.now();
      await this.runs.save(run).catch(() => log.error('run record not stored'));
      const outcome = run.failure ? run.failure.code : 'succeeded';
      this.runsTotal.inc({ kind: run.kind, outcome });
      this.runSeconds.observe({ kind: run.kind, outcome }, (Date.now() - started) / 1000);
    }
  }
}
