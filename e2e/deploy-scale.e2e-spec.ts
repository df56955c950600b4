import { contracts, type LoadSample } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, parseConfig } from '@ensemble/shared';
import {
  loadSample,
  startNats,
  startPostgres,
  startRedis,
  waitFor,
  type TestServer,
  type PostgresServer,
} from '@ensemble/testing';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import { gatewayEnvSchema, startGateway, type RunningGateway } from '@ensemble/gateway-api';

const TOKEN = 'scale-e2e-ops-token-0123456789';
const NODES = ['bbb-1', 'bbb-2', 'bbb-3', 'bbb-4'];
const ROOMS = 200;
const PLACEMENTS = 2000;
const IN_FLIGHT = 100; // bounded so a 2-core machine shared with other suites copes

const idle = (nodeId: string): LoadSample => loadSample(nodeId);

interface Answer {
  status: number;
  body: { nodeId?: string; outcome?: string; error?: { code: string } };
}

/** Running past one machine: stateless gateways and schedulers share one NATS and one Redis. */
describe('two gateways and two schedulers against one NATS and Redis', () => {
  let nats: TestServer;
  let redis: TestServer;
  let postgres: PostgresServer;
  const schedulers: RunningScheduler[] = [];
  const gateways: RunningGateway[] = [];
  let bus: NatsBus;

  const call = async (gateway: RunningGateway, method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  };

  beforeAll(async () => {
    [nats, redis, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
    const quiet = { logSink: () => {} };
    // Instances of one service share its database, as they share Redis: each scheduler's
    // mirror makes Redis agree with the one inventory (decision 091).
    const schedulerDb = await postgres.createDatabase();
    for (let i = 0; i < 2; i++) {
      schedulers.push(
        await startScheduler(
          parseConfig('scheduler', schedulerEnvSchema, {
            NATS_URL: nats.url,
            REDIS_URL: redis.url,
            DATABASE_URL: schedulerDb,
            METRICS_PORT: '0',
          }),
          quiet,
        ),
      );
      gateways.push(
        await startGateway(
          parseConfig('gateway-api', gatewayEnvSchema, {
            DATABASE_URL: postgres.url,
            NATS_URL: nats.url,
            GATEWAY_PORT: '0',
            OPS_TOKEN: TOKEN,
            NATS_REQUEST_TIMEOUT_MS: '10000',
          }),
          quiet,
        ),
      );
    }
    bus = await NatsBus.connect({
      url: nats.url,
      name: 'test',
      logger: new Logger('test', 'error'),
      metrics: new Metrics('test'),
    });
    for (const [i, id] of NODES.entries()) {
      const res = await call(gateways[i % 2]!, 'POST', '/api/ops/nodes', {
        id,
        url: `http://10.0.0.${i + 1}/bigbluebutton/`,
        secret: `secret-of-${id}`,
      });
      if (res.status !== 201) throw new Error(`registering ${id}: ${res.status} ${JSON.stringify(res.body)}`);
      bus.publish(contracts.loadSample, idle(id));
    }
    await waitFor('every node online', async () => {
      const cluster = (await call(gateways[0]!, 'GET', '/api/ops/cluster')).body as {
        nodes?: Array<{ health: string }>;
      };
      return cluster.nodes?.filter((n) => n.health === 'online').length === NODES.length;
    });
  }, 60_000);

  afterAll(async () => {
    await bus?.close();
    for (const g of gateways) await g.close();
    for (const s of schedulers) await s.close();
    await Promise.all([nats?.stop(), redis?.stop(), postgres?.stop()]);
  });

  it('places 2,000 concurrent joins over 200 rooms through both gateways: each room on exactly one node, no error', async () => {
    const jobs = Array.from({ length: PLACEMENTS }, (_, i) => ({
      roomKey: `room-${i % ROOMS}`,
      gateway: gateways[i % 2]!,
    }));
    const answers: Array<Answer & { roomKey: string }> = [];
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const { roomKey, gateway } = jobs[next++]!;
        answers.push({ roomKey, ...(await call(gateway, 'POST', '/api/ops/placements', { roomKey, engine: 'bbb' })) });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const nodesOf = new Map<string, Set<string>>();
    for (const a of answers) nodesOf.set(a.roomKey, (nodesOf.get(a.roomKey) ?? new Set()).add(a.body.nodeId!));
    expect(nodesOf.size).toBe(ROOMS);
    expect([...nodesOf].filter(([, nodes]) => nodes.size !== 1)).toEqual([]);
    expect(answers.filter((a) => a.body.outcome === 'new')).toHaveLength(ROOMS);
    expect(answers.filter((a) => a.body.outcome === 'moved')).toEqual([]);

    // The state agrees: 200 rooms in all, spread over every node, whichever gateway is asked.
    for (const g of gateways) {
      const cluster = (await call(g, 'GET', '/api/ops/cluster')).body as {
        nodes: Array<{ id: string; rooms: number }>;
        totals: { rooms: number };
      };
      expect(cluster.totals.rooms).toBe(ROOMS);
      for (const n of cluster.nodes) expect(n.rooms).toBeGreaterThan(0);
    }
    // Both schedulers took part (NATS queue group), as both gateways did.
    const served = await Promise.all(
      schedulers.map(async (s) => {
        const text = await (await fetch(`http://127.0.0.1:${s.metricsPort}/metrics`)).text();
        return text
          .split('\n')
          .filter((l) => l.startsWith('ensemble_scheduler_placements_total{'))
          .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
      }),
    );
    expect(served.reduce((a, b) => a + b, 0)).toBe(PLACEMENTS);
    for (const count of served) expect(count).toBeGreaterThan(0);
  }, 120_000);
});
