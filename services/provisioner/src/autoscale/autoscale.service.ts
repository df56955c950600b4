import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { contracts, type AutoscaleDecision } from '@ensemble/contracts';
import { CONFIG, LOGGER, NATS_BUS, PeriodicTask, type Logger, type NatsBus } from '@ensemble/shared';
import type { ProvisionerConfig } from '../config.js';
import { ProvisionedNodesRepository } from '../nodes/provisioned-nodes.repository.js';
import { ProvisionService } from '../run/provision.service.js';
import { RunsRepository } from '../run/runs.repository.js';
import { AutoscalePolicy, type PolicyDecision, type RunOutcome } from './autoscale-policy.js';
import type { AutoscaleState } from './autoscale-state.js';
import { AutoscaleRepository } from './autoscale.repository.js';

/** Who the autoscaler's runs are recorded as asked by. */
export const AUTOSCALER = 'autoscaler';

/**
 * Every AUTOSCALE_INTERVAL_S: loads the policy's state from PostgreSQL, feeds it the
 * scheduler's node list, the provisioned nodes, the run holding the slot and the draining
 * nodes' runs, carries out its decisions, and saves the new state with the decisions (one
 * transaction, over the revision it read). Each decision is published on `ensemble.provision.decision`
 * and kept for `ensemble runs`. Off unless AUTOSCALE_ENABLED.
 */
@Injectable()
export class AutoscaleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PeriodicTask;

  constructor(
    @Inject(CONFIG) private readonly config: ProvisionerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly provision: ProvisionService,
    private readonly provisioned: ProvisionedNodesRepository,
    private readonly store: AutoscaleRepository,
    private readonly runs: RunsRepository,
  ) {
    this.loop = new PeriodicTask({
      intervalMs: () => this.config.AUTOSCALE_INTERVAL_S * 1000,
      run: () => this.tick(),
      onError: (error) => this.logger.warn('autoscale tick failed', { error }),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.AUTOSCALE_ENABLED) return;
    this.logger.info('autoscale enabled', { intervalS: this.config.AUTOSCALE_INTERVAL_S });
    this.loop.start(this.config.AUTOSCALE_INTERVAL_S * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  async tick(): Promise<void> {
    const { rev, state } = await this.store.load();
    // Runs whose provisioner died end as interrupted first; then a draining node's run that
    // is not the one holding the slot has ended (its end is stored with the slot's release).
    await this.runs.reapExpired();
    const holder = await this.runs.active();
    // The cool-down runs from the last scale-out the runs table holds, even if the state that
    // followed it was never saved: a lost save never lets the autoscaler scale out twice.
    const lastOut = await this.runs.lastStarted('scale-out', AUTOSCALER);
    if (lastOut !== null && (state.lastScaleOutAt === null || lastOut > state.lastScaleOutAt))
      state.lastScaleOutAt = lastOut;
    const [{ nodes }, provisioned, runs] = await Promise.all([
      this.bus.request(contracts.listNodes, { engine: 'bbb' }),
      this.provisioned.all(),
      this.drainRuns(state),
    ]);
    const mine = new Set(provisioned.map((p) => p.name));
    const policy = new AutoscalePolicy(this.settings(), state);
    const proposed = policy.decide({
      at: Date.now(),
      runInProgress: holder !== null,
      provisioned: [...mine],
      runs: Object.fromEntries(
        Object.entries(runs).map(([id, outcome]) => [
          id,
          outcome.status === 'running' && holder !== id
            ? { status: 'interrupted', why: 'its provisioner stopped before it ended' }
            : outcome,
        ]),
      ),
      nodes: nodes.map((n) => ({
        id: n.id,
        state: n.state,
        health: n.health,
        load: n.load,
        loadMultiplier: n.loadMultiplier,
        rooms: n.rooms,
        provisioned: mine.has(n.id),
      })),
    });
    const done: AutoscaleDecision[] = [];
    for (const d of proposed) {
      const outcome = await this.carryOut(policy, d);
      if (outcome) done.push(this.toEvent(outcome));
    }
    if (!(await this.store.save(rev, policy.state, done))) {
      this.logger.warn('autoscale state changed during the tick (another provisioner?): this tick not saved');
      return;
    }
    for (const event of done) {
      this.bus.publish(contracts.autoscaleDecision, event);
      this.logger.info('autoscale decision', { ...event });
    }
  }

  /** Carries out one decision; returns what to report (the decision, its held form, or nothing). */
  private async carryOut(policy: AutoscalePolicy, d: PolicyDecision): Promise<PolicyDecision | null> {
    const reason = `autoscale: ${d.reason}`.slice(0, 200);
    try {
      if (d.action === 'scale-out') {
        const { runId } = await this.provision.scaleOut({
          count: d.count ?? this.config.AUTOSCALE_STEP,
          offer: this.config.AUTOSCALE_OFFER,
          zone: this.config.AUTOSCALE_ZONE,
          reason,
          by: AUTOSCALER,
        });
        return policy.started(d, runId, Date.now());
      }
      if (d.action === 'scale-in' && d.nodeId) {
        const { runId } = await this.provision.scaleIn({ nodeId: d.nodeId, reason, by: AUTOSCALER });
        return policy.started(d, runId, Date.now());
      }
      if ((d.action === 'cordon' || d.action === 'uncordon') && d.nodeId) {
        const state = d.action === 'cordon' ? 'cordoned' : 'enabled';
        await this.bus.request(contracts.updateNode, { id: d.nodeId, state, by: 'autoscaler' });
      }
      return d;
    } catch (e) {
      // Refused (busy, conflict) or failed: no run started, so no cool-down either.
      return policy.refused(d, e instanceof Error ? e.message : String(e));
    }
  }

  /** What became of the scale-in run of each draining node that has one. */
  private async drainRuns(state: AutoscaleState): Promise<Record<string, RunOutcome>> {
    const ids = Object.values(state.draining).flatMap((d) => (d.runId ? [d.runId] : []));
    const entries = await Promise.all(
      ids.map(async (id): Promise<[string, RunOutcome]> => {
        const run = await this.runs.get(id).catch(() => null);
        if (!run) return [id, { status: 'interrupted', why: 'its run left no record' }];
        if (run.phase === 'succeeded') return [id, { status: 'succeeded' }];
        if (run.phase === 'failed')
          return [
            id,
            { status: 'failed', why: run.failure ? `${run.failure.code}: ${run.failure.message}` : 'failed' },
          ];
        return [id, { status: 'running' }];
      }),
    );
    return Object.fromEntries(entries);
  }

  private settings() {
    const c = this.config;
    return {
      highShare: c.AUTOSCALE_HIGH_SHARE,
      lowShare: c.AUTOSCALE_LOW_SHARE,
      windowMs: c.AUTOSCALE_WINDOW_S * 1000,
      cooldownMs: c.AUTOSCALE_COOLDOWN_S * 1000,
      maxFleet: c.AUTOSCALE_MAX_FLEET,
      step: c.AUTOSCALE_STEP,
      nodeCapacity: c.AUTOSCALE_NODE_CAPACITY,
    };
  }

  private toEvent(d: PolicyDecision): AutoscaleDecision {
    return {
      action: d.action,
      reason: d.reason.slice(0, 300),
      usedShare: d.usedShare,
      fleetSize: d.fleetSize,
      at: Date.now(),
      ...(d.count !== undefined ? { count: d.count } : {}),
      ...(d.nodeId ? { nodeId: d.nodeId } : {}),
      ...(d.runId ? { runId: d.runId } : {}),
    };
  }
}
