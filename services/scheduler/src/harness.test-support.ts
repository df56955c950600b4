import { contracts, type LoadSample, type PlacementTenant } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, parseConfig } from '@ensemble/shared';
import { applySample, startNats, startRedis, type PostgresServer, type TestServer } from '@ensemble/testing';
import { startScheduler, type RunningScheduler } from './bootstrap.js';
import { schedulerEnvSchema } from './config.js';
import { startSchedulerPostgres } from './db/scheduler-db.test-support.js';

/** Real nats-server + redis-server + PostgreSQL + N scheduler instances + a client bus. */
export class SchedulerHarness {
  nats!: TestServer;
  redis!: TestServer;
  postgres!: PostgresServer;
  schedulers: RunningScheduler[] = [];
  bus!: NatsBus;
  logs: string[] = [];

  async start(opts: { instances?: number; env?: Record<string, string> } = {}): Promise<this> {
    [this.nats, this.redis, this.postgres] = await Promise.all([startNats(), startRedis(), startSchedulerPostgres()]);
    const config = parseConfig('scheduler', schedulerEnvSchema, {
      NATS_URL: this.nats.url,
      REDIS_URL: this.redis.url,
      DATABASE_URL: await this.postgres.createDatabase(),
      METRICS_PORT: '0',
      ...opts.env,
    });
    for (let i = 0; i < (opts.instances ?? 1); i++) {
      this.schedulers.push(await startScheduler(config, { logSink: (l) => void this.logs.push(l) }));
    }
    this.bus = await NatsBus.connect({
      url: this.nats.url,
      name: 'test',
      logger: new Logger('test', 'error'),
      metrics: new Metrics('test'),
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.bus?.close();
    for (const s of this.schedulers) await s.close();
    await Promise.all([this.nats?.stop(), this.redis?.stop(), this.postgres?.stop()]);
  }

  async addNodes(
    ids: string[],
    extra: { state?: 'enabled' | 'cordoned' | 'disabled'; loadMultiplier?: number; tags?: string[] } = {},
  ): Promise<void> {
    for (const [i, id] of ids.entries()) {
      await this.bus.request(contracts.registerNode, {
        id,
        url: `http://127.0.0.1:${20000 + i}/${id}/bigbluebutton/`,
        secret: `secret-of-${id}`,
        ...extra,
      });
    }
  }

  /** Publishes a sample and waits until the scheduler has applied it. */
  sample(nodeId: string, over: Partial<LoadSample> = {}): Promise<void> {
    return applySample(this.bus, nodeId, over);
  }

  async node(id: string) {
    const { nodes } = await this.bus.request(contracts.listNodes, {});
    return nodes.find((n) => n.id === id);
  }

  place(
    roomKey: string,
    extra: { expectedSize?: number; tags?: string[]; join?: boolean; tenant?: PlacementTenant } = {},
  ) {
    // Generous timeout: tests assert outcomes, not speed (benchmarks measure that).
    return this.bus.request(contracts.place, { roomKey, engine: 'bbb', ...extra }, { timeoutMs: 30_000 });
  }

  /** What tenants run now, as their quotas count it: one tenant's, or every tenant's that runs something. */
  async usage(tenant?: string) {
    return (await this.bus.request(contracts.tenantUsage, tenant ? { tenant } : {})).tenants;
  }
}
