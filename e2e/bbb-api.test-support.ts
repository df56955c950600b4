import { contracts, type LoadSample } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, parseConfig, signQuery, type ChecksumAlgorithm } from '@ensemble/shared';
import {
  applySample,
  startNats,
  startPostgres,
  startRedis,
  type PostgresServer,
  type TestServer,
} from '@ensemble/testing';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import { gatewayEnvSchema, startGateway, type RunningGateway } from '@ensemble/gateway-api';
import { BbbSim } from '@ensemble/bbb-sim';
import { XMLParser } from 'fast-xml-parser';

export const API_SECRET = 'gateway-bbb-secret-0123456789';
export const OLD_SECRET = 'gateway-old-secret-9876543210';

export interface Answer {
  status: number;
  location: string | null;
  contentType: string | null;
  body: string;
  /** `<response>` as an object (strings kept as strings). */
  xml: Record<string, unknown>;
}

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true });

/** nats + redis + postgres + scheduler + gateway (in-process) + a bbb-sim fleet, all real. */
export class BbbApiHarness {
  nats!: TestServer;
  redis!: TestServer;
  postgres!: PostgresServer;
  scheduler!: RunningScheduler;
  gateway!: RunningGateway;
  sim!: BbbSim;
  bus!: NatsBus;
  logs: string[] = [];

  async start(
    opts: {
      nodes?: number;
      tags?: Record<string, string[]>;
      gatewayEnv?: Record<string, string>;
      schedulerEnv?: Record<string, string>;
    } = {},
  ): Promise<this> {
    [this.nats, this.redis, this.postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
    const sink = (l: string) => void this.logs.push(l);
    this.scheduler = await startScheduler(
      parseConfig('scheduler', schedulerEnvSchema, {
        NATS_URL: this.nats.url,
        REDIS_URL: this.redis.url,
        DATABASE_URL: await this.postgres.createDatabase(),
        METRICS_PORT: '0',
        HEALTH_OFFLINE_AFTER: '1',
        HEALTH_ONLINE_AFTER: '1',
        ...opts.schedulerEnv,
      }),
      { logSink: sink },
    );
    this.gateway = await startGateway(
      parseConfig('gateway-api', gatewayEnvSchema, {
        NATS_URL: this.nats.url,
        REDIS_URL: this.redis.url,
        DATABASE_URL: this.postgres.url,
        GATEWAY_PORT: '0',
        OPS_TOKEN: 'bbb-api-test-ops-token',
        BBB_API_SECRET: API_SECRET,
        BBB_API_SECRETS: OLD_SECRET,
        BBB_API_FANOUT_TIMEOUT_MS: '500',
        ...opts.gatewayEnv,
      }),
      { logSink: sink },
    );
    this.bus = await NatsBus.connect({
      url: this.nats.url,
      name: 'test',
      logger: new Logger('test', 'error'),
      metrics: new Metrics('test'),
    });
    this.sim = await BbbSim.start({ nodes: opts.nodes ?? 3 });
    for (const n of this.sim.nodes) {
      await this.bus.request(contracts.registerNode, {
        id: n.id,
        url: n.baseUrl,
        secret: n.secret,
        tags: opts.tags?.[n.id] ?? [],
      });
      await this.sample(n.id);
    }
    return this;
  }

  async stop(): Promise<void> {
    await this.bus?.close();
    await this.gateway?.close();
    await this.scheduler?.close();
    await this.sim?.stop();
    await Promise.all([this.nats?.stop(), this.redis?.stop(), this.postgres?.stop()]);
  }

  /** Publishes a load sample (reachable or not) and waits until the scheduler applied it. */
  sample(nodeId: string, over: Partial<LoadSample> = {}): Promise<void> {
    return applySample(this.bus, nodeId, over);
  }

  /** A signed gateway URL; params keep their order (`[name, value]` pairs). */
  url(
    call: string,
    params: Array<[string, string]> = [],
    opts: { secret?: string; algorithm?: ChecksumAlgorithm } = {},
  ): string {
    const query = new URLSearchParams(params).toString();
    return `${this.gateway.url}/bigbluebutton/api/${call}?${signQuery(call, query, opts.secret ?? API_SECRET, opts.algorithm ?? 'sha256')}`;
  }

  async get(url: string, init: RequestInit = {}): Promise<Answer> {
    const res = await fetch(url, { redirect: 'manual', ...init });
    const body = await res.text();
    let xml: Record<string, unknown> = {};
    if (body.startsWith('<')) xml = (parser.parse(body) as { response?: Record<string, unknown> }).response ?? {};
    return {
      status: res.status,
      location: res.headers.get('location'),
      contentType: res.headers.get('content-type'),
      body,
      xml,
    };
  }

  call(call: string, params: Array<[string, string]> = [], opts: { algorithm?: ChecksumAlgorithm } = {}) {
    return this.get(this.url(call, params, opts));
  }

  /** Which simulated node holds a meeting now. */
  nodeOf(meetingID: string): string | undefined {
    return this.sim.nodes.find((n) => n.meetings().some((m) => m.meetingID === meetingID))?.id;
  }
}
