import { contracts, type FleetNodeView } from '@ensemble/contracts';
import { parseConfig, type NatsBus } from '@ensemble/shared';
import {
  startNats,
  startNodeExporter,
  startPostgres,
  startPrometheus,
  startRedis,
  waitFor,
  type PrometheusServer,
  type TestServer,
} from '@ensemble/testing';
import { JitsiSim } from '@ensemble/jitsi-sim';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import { loadCollectorEnvSchema, startLoadCollector, type RunningLoadCollector } from '@ensemble/load-collector';
import { testBus } from './ops-stack.test-support.js';

/**
 * The Jitsi fleet through a real Prometheus: jitsi-sim nodes scraped every 0.5 s,
 * the load-collector querying Prometheus every 0.5 s, the scheduler deciding.
 */
describe('a Jitsi fleet measured through Prometheus', () => {
  let nats: TestServer;
  let redis: TestServer;
  let postgres: TestServer;
  let prometheus: PrometheusServer;
  let sim: JitsiSim;
  let scheduler: RunningScheduler;
  let collector: RunningLoadCollector;
  let bus: NatsBus;
  const logs: string[] = [];

  const jitsiNodes = async (): Promise<FleetNodeView[]> =>
    (await bus.request(contracts.listNodes, { engine: 'jitsi' })).nodes;
  const nodeOf = async (i: number) => (await jitsiNodes()).find((n) => n.prometheusInstance === sim.nodes[i]!.instance);

  beforeAll(async () => {
    [nats, redis, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
    sim = await JitsiSim.start({ nodes: 3, cpu: { base: 0.05, perParticipant: 0.01 } });
    prometheus = await startPrometheus({ targets: sim.targets(), scrapeIntervalS: 0.5 });
    const sink = (l: string) => void logs.push(l);
    scheduler = await startScheduler(
      parseConfig('scheduler', schedulerEnvSchema, {
        NATS_URL: nats.url,
        REDIS_URL: redis.url,
        DATABASE_URL: postgres.url,
        METRICS_PORT: '0',
      }),
      { logSink: sink },
    );
    collector = await startLoadCollector(
      parseConfig('load-collector', loadCollectorEnvSchema, {
        NATS_URL: nats.url,
        METRICS_PORT: '0',
        POLL_INTERVAL_S: '60',
        PROMETHEUS_URL: prometheus.url,
        PROM_POLL_INTERVAL_S: '0.5',
        PROM_STALE_AFTER_S: '2',
        PROM_TIMEOUT_MS: '1000',
        // A short window: the default [1m] would average over the whole test.
        PROM_CPU_QUERY: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[3s]))',
        PROM_JITSI_URL_TEMPLATE: 'http://{instance}/',
      }),
      { logSink: sink },
    );
    bus = await testBus(nats.url);
  });

  afterAll(async () => {
    await bus?.close();
    await collector?.close();
    await scheduler?.close();
    await sim?.stop();
    await Promise.all([prometheus?.stop(), nats?.stop(), redis?.stop(), postgres?.stop()]);
  });

  it('discovers every Jitsi node Prometheus scrapes and registers it online, with its instance and URL', async () => {
    const nodes = await waitFor(
      'three online jitsi nodes',
      async () => {
        const list = await jitsiNodes();
        return list.length === 3 && list.every((n) => n.health === 'online' && n.state === 'enabled') && list;
      },
      { timeoutMs: 20_000 },
    );
    expect(new Set(nodes.map((n) => n.prometheusInstance))).toEqual(new Set(sim.targets()));
    for (const n of nodes) expect(n.url).toBe(`http://${n.prometheusInstance}/`);
    expect(nodes.map((n) => n.id)).toContain(`127-0-0-1-${sim.nodes[0]!.port}`);
  });

  it('reads each node CPU from node_cpu_seconds_total and its participants from the videobridge gauges', async () => {
    sim.nodes[0]!.addParticipants('big-room', 50); // 0.05 + 50 x 0.01 = 0.55 busy
    // rate() over a window not yet full of scrapes under-counts idle time: wait for both to settle.
    const near = (cpu: number | null | undefined, want: number) =>
      typeof cpu === 'number' && Math.abs(cpu - want) < 0.03;
    const [busy, idle] = await waitFor(
      'cpu of the busy and an idle node',
      async () => {
        const [b, i] = [(await nodeOf(0))?.lastSample, (await nodeOf(1))?.lastSample];
        return b && i && near(b.cpu, 0.55) && near(i.cpu, 0.05) ? ([b, i] as const) : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(busy).toMatchObject({ participants: 50, meetings: 1, largestMeeting: 50, reachable: true, error: null });
    expect(idle).toMatchObject({ participants: 0, meetings: 0, reachable: true });
    // and the scheduler places by it
    const p = await bus.request(contracts.place, { roomKey: 'jitsi-room', engine: 'jitsi' });
    expect(p.nodeId).not.toBe((await nodeOf(0))!.id);
  });

  it('takes a node that stops answering offline', async () => {
    await sim.nodes[1]!.setDown(true);
    await waitFor('node 2 offline', async () => (await nodeOf(1))?.health === 'offline', { timeoutMs: 20_000 });
    expect((await nodeOf(1))?.lastSample).toMatchObject({ reachable: false, error: 'not-discovered' });
    expect((await nodeOf(0))?.health).toBe('online');
    await sim.nodes[1]!.setDown(false);
    await waitFor('node 2 back online', async () => (await nodeOf(1))?.health === 'online', { timeoutMs: 20_000 });
  });

  it('publishes unknown load (cpu null) once Prometheus has been away past the deadline, without crashing', async () => {
    await prometheus.process.stop();
    const unknown = await waitFor(
      'unknown load on every node',
      async () => {
        const list = await jitsiNodes();
        return list.every((n) => n.lastSample?.error === 'prometheus-unavailable') && list;
      },
      { timeoutMs: 20_000 },
    );
    for (const n of unknown) expect(n).toMatchObject({ health: 'online', lastSample: { cpu: null, reachable: true } });
    // the last counts are kept, only the CPU is unknown
    expect(unknown.find((n) => n.prometheusInstance === sim.nodes[0]!.instance)?.lastSample?.participants).toBe(50);
    const health = await fetch(`http://127.0.0.1:${collector.metricsPort}/healthz`);
    expect(health.status).toBe(200);
    await prometheus.process.start();
    await waitFor(
      'cpu known again',
      async () => (await jitsiNodes()).every((n) => typeof n.lastSample?.cpu === 'number'),
      { timeoutMs: 30_000 },
    );
  });

  it('discovers a real prometheus-node-exporter as a node, with its real CPU', async () => {
    const exporter = await startNodeExporter();
    try {
      const instance = `127.0.0.1:${exporter.port}`;
      await prometheus.setScrapeConfigs([{ job: 'jitsi', targets: [...sim.targets(), instance] }]);
      const real = await waitFor(
        'the node exporter node with a cpu reading',
        async () => {
          const n = (await jitsiNodes()).find((x) => x.prometheusInstance === instance);
          return n?.health === 'online' && typeof n.lastSample?.cpu === 'number' && n;
        },
        { timeoutMs: 30_000 },
      );
      expect(real.lastSample!.cpu).toBeGreaterThanOrEqual(0);
      expect(real.lastSample!.cpu).toBeLessThanOrEqual(1);
      expect(real.lastSample!.participants).toBe(0); // no videobridge there
    } finally {
      await exporter.stop();
    }
  });
});
