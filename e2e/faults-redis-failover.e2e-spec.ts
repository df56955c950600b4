import { DomainError, contracts } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, createRedis, parseConfig } from '@ensemble/shared';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import {
  loadSample,
  startNats,
  startPostgres,
  startRedis,
  startSentinel,
  waitFor,
  type TestServer,
} from '@ensemble/testing';

/** The Redis primary killed under a scheduler that reaches Redis through Sentinel (decision 043). */
describe('a Redis primary failing over to its replica', () => {
  let nats: TestServer, primary: TestServer, replica: TestServer, sentinel: TestServer, postgres: TestServer;
  let scheduler: RunningScheduler;
  let bus: NatsBus;
  const log = new Logger('test', 'error');

  beforeAll(async () => {
    [nats, primary, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
    replica = await startRedis({ replicaOf: primary.port });
    const direct = createRedis(replica.url, log, 'test-replica');
    await direct.connect();
    await waitFor('the replica in sync', async () =>
      (await direct.info('replication')).includes('master_link_status:up'),
    );
    direct.disconnect();
    sentinel = await startSentinel(primary.port);
    scheduler = await startScheduler(
      parseConfig('scheduler', schedulerEnvSchema, {
        NATS_URL: nats.url,
        REDIS_URL: sentinel.url,
        DATABASE_URL: postgres.url,
        METRICS_PORT: '0',
      }),
      { logSink: () => {} },
    );
    bus = await NatsBus.connect({ url: nats.url, name: 'test', logger: log, metrics: new Metrics('test') });
  }, 60_000);
  afterAll(async () => {
    await bus?.close();
    await scheduler?.close();
    for (const s of [sentinel, replica, primary, nats, postgres]) await s?.stop();
  });

  const place = (roomKey: string) => bus.request(contracts.place, { roomKey, engine: 'bbb' }, { timeoutMs: 5000 });

  it('keeps every assignment and places again once Sentinel has promoted the replica', async () => {
    for (const id of ['n1', 'n2']) {
      await bus.request(contracts.registerNode, {
        id,
        url: `http://127.0.0.1:9/${id}/bigbluebutton/`,
        secret: 's-0123456789',
      });
      bus.publish(contracts.loadSample, loadSample(id));
    }
    await waitFor('nodes online', async () =>
      (await bus.request(contracts.listNodes, {})).nodes.every((n) => n.health === 'online'),
    );
    const before = new Map<string, string>();
    for (let i = 0; i < 40; i++) before.set(`fo-${i}`, (await place(`fo-${i}`)).nodeId);
    // Replication is asynchronous: wait until the replica has every write before the primary dies.
    const onPrimary = createRedis(primary.url, log, 'test-primary');
    await onPrimary.connect();
    expect(await onPrimary.call('WAIT', '1', '5000')).toBe(1);
    onPrimary.disconnect();

    const killed = Date.now();
    await primary.process.stop('SIGKILL');
    let failures = 0;
    await waitFor(
      'a placement after the failover',
      async () => {
        try {
          await place('fo-after');
          return true;
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          failures++;
          return false;
        }
      },
      { timeoutMs: 30_000 },
    );
    const outageMs = Date.now() - killed;
    process.stdout.write(
      `faults-redis-failover: placements again ${outageMs} ms after the primary died (${failures} typed failures)\n`,
    );
    for (const [room, node] of before) expect(await place(room)).toMatchObject({ nodeId: node, outcome: 'existing' });
  }, 60_000);
});
