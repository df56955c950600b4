import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, LOGGER, METRICS, PeriodicTask, type Logger, type Metrics } from '@ensemble/shared';
import type { SchedulerConfig } from '../config.js';
import { FleetEventsPublisher } from './fleet-events.publisher.js';
import { FleetStore, mirroredFieldsOf } from './fleet.store.js';
import { planMirror } from './mirror-plan.js';
import { NodesRepository, type NodeRecord } from './nodes.repository.js';

/** What one check changed in Redis. */
export interface MirrorCheck {
  restored: string[];
  corrected: string[];
  removed: string[];
}

/**
 * Keeps Redis mirroring the node inventory of PostgreSQL (decisions 090, 091). At start, and
 * every NODE_MIRROR_CHECK_S: a Redis that lost its data (no epoch) begins re-learning rooms
 * from the next polls (lib/relearn.lua); every node Redis lacks is written back (operator-set
 * state, multiplier and tags intact, health unknown until the next polls), every node whose
 * record fields differ (a Redis restored from an old snapshot) is corrected, its health and
 * samples kept, and every node only Redis holds (removed from the inventory) is removed.
 * Placement reads only Redis, so it never waits on PostgreSQL.
 */
@Injectable()
export class NodeMirrorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PeriodicTask;
  private readonly changes;
  private readonly losses;

  constructor(
    private readonly store: FleetStore,
    private readonly nodes: NodesRepository,
    private readonly events: FleetEventsPublisher,
    @Inject(CONFIG) private readonly config: SchedulerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) metrics: Metrics,
  ) {
    this.changes = metrics.counter(
      'ensemble_scheduler_mirror_changes_total',
      'Nodes the mirror wrote back, corrected or removed in Redis to match PostgreSQL',
      ['change'],
    );
    this.losses = metrics.counter(
      'ensemble_scheduler_redis_losses_total',
      'Times Redis was found without its data: rooms were re-learned from the next polls',
    );
    this.loop = new PeriodicTask({
      intervalMs: () => this.config.NODE_MIRROR_CHECK_S * 1000,
      run: () => this.check().then(() => undefined),
      onError: (error) => this.logger.warn('node mirror check failed', { error: (error as Error).message }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // A Redis a scheduler has seen (epoch) holds nothing the inventory lacks.
    if (!(await this.store.hasEpoch())) await this.adopt();
    await this.check();
    this.loop.start(this.config.NODE_MIRROR_CHECK_S * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /**
   * One check. Redis is read before PostgreSQL: a registration in flight (recorded, not yet
   * mirrored) is mirrored twice, to the same result; a node removed meanwhile is not in the
   * second read; a node changed meanwhile is left to the next check (compare-and-set).
   */
  async check(): Promise<MirrorCheck> {
    const maxMs = this.config.RELEARN_MAX_S * 1000;
    const phase = await this.store.relearn(maxMs, false);
    const mirrored = await this.store.mirrored();
    const inventory = await this.nodes.list();
    // A new installation's first Redis begins a phase too, which ends at once: nothing to tell.
    if (phase.kind === 'began' && inventory.length > 0) this.lossNoticed();
    const plan = planMirror(mirrored, inventory, mirroredFieldsOf);
    const done: MirrorCheck = { restored: [], corrected: [], removed: [] };
    for (const record of plan.missing) {
      // Redis may lose its data again after the phase was read: then the next check restores.
      if ((await this.store.mirror(record, { onlyIfSeen: true })) === 'added') done.restored.push(record.id);
    }
    for (const { read, record } of plan.differing) {
      if (await this.correct(read, record)) done.corrected.push(record.id);
    }
    for (const id of plan.onlyInRedis) {
      if (await this.store.remove(id)) done.removed.push(id);
    }
    this.report(done);
    if (phase.kind !== 'off') {
      const after = await this.store.relearn(maxMs, true);
      if (after.kind === 'began') this.lossNoticed();
      if (after.kind === 'off') this.logger.info('rooms re-learned: every node listed its meetings');
    }
    return done;
  }

  private lossNoticed(): void {
    this.losses.inc();
    this.logger.warn('redis lost its data: rooms are re-learned from the next polls', {
      maxS: this.config.RELEARN_MAX_S,
    });
  }

  /** True when Redis now holds the record. */
  private async correct(read: string[], record: NodeRecord): Promise<boolean> {
    const r = await this.store.correct(read, record);
    if (r.kind === 'corrected') {
      await this.events.changed(record.id, 'updated', 'scheduler', 'node corrected to the inventory', {
        fields: r.fields.join(','),
      });
      return true;
    }
    if (r.kind !== 'other-node') return false;
    // Another node under this id (engine or URL differ): the record wins, with a fresh health.
    await this.store.remove(record.id);
    return (await this.store.mirror(record, { onlyIfSeen: true })) === 'added';
  }

  private report(done: MirrorCheck): void {
    for (const [change, ids] of Object.entries(done)) {
      if (ids.length === 0) continue;
      this.changes.inc({ change }, ids.length);
      this.logger.warn(`nodes ${change} in redis to match postgres`, { nodes: ids.join(',') });
    }
  }

  /**
   * Nodes registered before the inventory moved to PostgreSQL live only in Redis: they are
   * copied once, as they are, so every later change finds them in the record. Only from a
   * Redis no scheduler has seen yet: in any other, a node the inventory lacks was removed.
   */
  private async adopt(): Promise<void> {
    const adopted: string[] = [];
    for (const { record } of await this.store.mirrored()) {
      if (await this.nodes.adopt(record)) adopted.push(record.id);
    }
    if (adopted.length > 0) this.logger.info('nodes copied from redis into postgres', { nodes: adopted.join(',') });
  }
}
