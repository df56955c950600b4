import { BbbSim } from '@ensemble/bbb-sim';
import { loadCollectorEnvSchema, startLoadCollector, type RunningLoadCollector } from '@ensemble/load-collector';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import { contracts, type LoadSample } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, parseConfig, signedApiUrl } from '@ensemble/shared';
import { startNats, startPostgres, startRedis, waitFor, type TestServer } from '@ensemble/testing';

/** Polls are signed like every other call the scheduler signs: with NODE_CHECKSUM_ALGORITHM. */
describe('poll signing', () => {
  let nats: TestServer;
  let redis: TestServer;
  let postgres: TestServer;
  let sim: BbbSim;
  let scheduler: RunningScheduler;
  let collector: RunningLoadCollector;
  let bus: NatsBus;

  beforeAll(async () => {
    [nats, redis, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
    sim = await BbbSim.start({ nodes: 1, checksumAlgorithms: ['sha1'] }); // an old BBB
    scheduler = await startScheduler(
      parseConfig('scheduler', schedulerEnvSchema, {
        NATS_URL: nats.url,
        REDIS_URL: redis.url,
        DATABASE_URL: postgres.url,
        METRICS_PORT: '0',
        NODE_CHECKSUM_ALGORITHM: 'sha1',
        // One refused poll would take the node offline.
        HEALTH_OFFLINE_AFTER: '1',
        HEALTH_ONLINE_AFTER: '1',
      }),
      { logSink: () => {} },
    );
    bus = await NatsBus.connect({
      url: nats.url,
      name: 'test',
      logger: new Logger('test', 'error', () => {}),
      metrics: new Metrics('test'),
    });
  });
  afterAll(async () => {
    await collector?.close();
    await bus?.close();
    await scheduler?.close();
    await sim?.stop();
    await Promise.all([nats?.stop(), redis?.stop(), postgres?.stop()]);
  });

  it('signs polls with sha1 when NODE_CHECKSUM_ALGORITHM=sha1: a node accepting only sha1 goes and stays online', async () => {
    const node = sim.nodes[0]!;
    const getMeetings = (alg: 'sha1' | 'sha256') =>
      fetch(signedApiUrl(node.apiUrl, 'getMeetings', {}, node.secret, alg)).then((r) => r.text());
    expect(await getMeetings('sha256')).toContain('checksumError'); // what a sha256 poll would get
    expect(await getMeetings('sha1')).toContain('SUCCESS');
    const created = await fetch(
      signedApiUrl(node.apiUrl, 'create', { meetingID: 'm1', name: 'm1' }, node.secret, 'sha1'),
    );
    expect(await created.text()).toContain('SUCCESS');

    await bus.request(contracts.registerNode, { id: node.id, url: node.baseUrl, secret: node.secret });
    const { targets } = await bus.request(contracts.pollTargets, {});
    expect(targets[0]!.pollUrl).toMatch(/[?&]checksum=[0-9a-f]{40}$/);

    const samples: LoadSample[] = [];
    bus.subscribe(contracts.loadSample, (s) => void samples.push(s));
    collector = await startLoadCollector(
      parseConfig('load-collector', loadCollectorEnvSchema, {
        NATS_URL: nats.url,
        METRICS_PORT: '0',
        POLL_INTERVAL_S: '0.2',
      }),
      { logSink: () => {} },
    );
    const online = await waitFor('the node online, its meeting seen', async () => {
      const { nodes } = await bus.request(contracts.listNodes, {});
      const n = nodes[0];
      return n?.health === 'online' && n.lastSample?.meetings === 1 ? n : undefined;
    });
    expect(online.lastSample).toMatchObject({ reachable: true, error: null });
    await waitFor('five more polls', () => samples.length >= 6);
    expect(samples.every((s) => s.reachable)).toBe(true);
    const { nodes } = await bus.request(contracts.listNodes, {});
    expect(nodes[0]).toMatchObject({ health: 'online', lastSample: { reachable: true, meetings: 1 } });
  });
});
