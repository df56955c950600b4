import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { contracts, type AutoscaleDecision } from '@ensemble/contracts';
import { CONFIG, LOGGER, NATS_BUS, PeriodicTask, type Logger, type NatsBus } from '@ensemble/shared';
import type { ProvisionerConfig } from '../config.js';
import { ProvisionedNodesStore } from '../nodes/provisioned-nodes.store.js';
import { ProvisionService } from '../run/provision.service.js';
import { AutoscalePolicy, type PolicyDecision } from './autoscale-policy.js';

/**
 * Feeds the policy with the scheduler's node list every AUTOSCALE_INTERVAL_S and
 * carries out its decisions; each decision is published on
 * `ensemble.provision.decision` with its reason. Off unless AUTOSCALE_ENABLED.
 */
@Injectable()
export class AutoscaleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PeriodicTask;
  private readonly policy: AutoscalePolicy;

  constructor(
    @Inject(CONFIG) private readonly config: ProvisionerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    private readonly provision: ProvisionService,
    private readonly provisioned: ProvisionedNodesStore,
  ) {
    this.loop = new PeriodicTask({
      intervalMs: () => this.config.AUTOSCALE_INTERVAL_S * 1000,
      run: () => this.tick(),
      onError: (error) => this.logger.warn('autoscale tick failed', { error }),
    });
    const c = config;
    this.policy = new AutoscalePolicy({
      highShare: c.AUTOSCALE_HIGH_SHARE,
      lowShare: c.AUTOSCALE_LOW_SHARE,
      windowMs: c.AUTOSCALE_WINDOW_S * 1000,
      cooldownMs: c.AUTOSCALE_COOLDOWN_S * 1000,
      maxFleet: c.AUTOSCALE_MAX_FLEET,
      step: c.AUTOSCALE_STEP,
      nodeCapacity: c.AUTOSCALE_NODE_CAPACITY,
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
    const [{ nodes }, provisioned] = await Promise.all([
      this.bus.request(contracts.listNodes, { engine: 'bbb' }),
      this.provisioned.all(),
    ]);
    const mine = new Set(provisioned.map((p) => p.name));
    const decisions = this.policy.decide({
      at: Date.now(),
      runInProgress: this.provision.busy,
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
    for (const d of decisions) await this.carryOut(d);
  }

  private async carryOut(d: PolicyDecision): Promise<void> {
    let runId: string | undefined;
    let decision: PolicyDecision = d;
    try {
      if (d.action === 'scale-out') {
        ({ runId } = await this.provision.scaleOut({
          count: d.count ?? this.config.AUTOSCALE_STEP,
          offer: this.config.AUTOSCALE_OFFER,
          zone: this.config.AUTOSCALE_ZONE,
          reason: `autoscale: ${d.reason}`.slice(0, 200),
        }));
      } else if (d.action === 'scale-in' && d.nodeId) {
        ({ runId } = await this.provision.scaleIn({
          nodeId: d.nodeId,
          reason: `autoscale: ${d.reason}`.slice(0, 200),
        }));
      } else if ((d.action === 'cordon' || d.action === 'uncordon') && d.nodeId) {
        const state = d.action === 'cordon' ? 'cordoned' : 'enabled';
        await this.bus.request(contracts.updateNode, { id: d.nodeId, state, by: 'autoscaler' });
      }
    } catch (e) {
      decision = {
        ...d,
        action: d.action === 'scale-out' ? 'scale-out-held' : d.action,
        reason: `${d.reason}; not done: ${(e as Error).message}`,
      };
    }
    const event: AutoscaleDecision = {
      action: decision.action,
      reason: decision.reason.slice(0, 300),
      usedShare: decision.usedShare,
      fleetSize: decision.fleetSize,
      at: Date.now(),
      ...(decision.count !== undefined ? { count: decision.count } : {}),
      ...(decision.nodeId ? { nodeId: decision.nodeId } : {}),
      ...(runId ? { runId } : {}),
    };
    this.bus.publish(contracts.autoscaleDecision, event);
    this.logger.info('autoscale decision', { ...event });
  }
}
