import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, LOGGER, PeriodicTask, type Logger } from '@ensemble/shared';
import type { SchedulerConfig } from '../config.js';
import { FleetStore } from './fleet.store.js';
import { NodesRepository } from './nodes.repository.js';

/**
 * Keeps Redis mirroring the node inventory of PostgreSQL (decision 090). At start, and
 * every NODE_MIRROR_CHECK_S, every node of the inventory that Redis lacks (a FLUSHALL, a
 * fresh Redis after a failover) is written back with its operator-set state, multiplier
 * and tags; its health starts unknown and the next polls bring it online. Placement reads
 * only Redis, so it never waits on PostgreSQL.
 */
@Injectable()
export class NodeMirrorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly loop: PeriodicTask;

  constructor(
    private readonly store: FleetStore,
    private readonly nodes: NodesRepository,
    @Inject(CONFIG) private readonly config: SchedulerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.loop = new PeriodicTask({
      intervalMs: () => this.config.NODE_MIRROR_CHECK_S * 1000,
      run: () => this.restore().then(() => undefined),
      onError: (error) => this.logger.warn('node mirror check failed', { error: (error as Error).message }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.adopt();
    await this.restore();
    this.loop.start(this.config.NODE_MIRROR_CHECK_S * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /**
   * Writes back the nodes of the inventory that Redis lacks; their ids. Redis is read before
   * PostgreSQL: a registration in flight (recorded, not yet mirrored) is mirrored twice, to
   * the same result; a node removed meanwhile is not in the second read.
   */
  async restore(): Promise<string[]> {
    const mirrored = new Set(await this.store.ids());
    const missing = (await this.nodes.ids()).filter((id) => !mirrored.has(id));
    const restored: string[] = [];
    for (const id of missing) {
      const record = await this.nodes.get(id);
      if (record && (await this.store.mirror(record)) === 'added') restored.push(id);
    }
    if (restored.length > 0) this.logger.warn('nodes restored into redis', { nodes: restored.join(',') });
    return restored;
  }

  /**
   * Nodes registered before the inventory moved to PostgreSQL live only in Redis: they are
   * copied once, as they are, so every later change finds them in the record.
   */
  private async adopt(): Promise<void> {
    const adopted: string[] = [];
    for (const record of await this.store.records()) {
      if (await this.nodes.adopt(record)) adopted.push(record.id);
    }
    if (adopted.length > 0) this.logger.info('nodes copied from redis into postgres', { nodes: adopted.join(',') });
  }
}
