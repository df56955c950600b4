import { contracts } from '@ensemble/contracts';
import { Logger, createRedis } from '@ensemble/shared';
import { waitFor } from '@ensemble/testing';
import type { Redis } from 'ioredis';
import { SchedulerHarness } from '../harness.test-support.js';
import { fleetKeys as keys } from '../keys.js';
import { NodeMirrorService } from './node-mirror.service.js';
import { FleetStore } from './fleet.store.js';

/** Redis loses everything under a running scheduler: the inventory comes back from PostgreSQL (decision 090). */
describe('the node inventory after Redis lost everything', () => {
  let h: SchedulerHarness;
  let redis: Redis;
  // r1 runs a meeting: cordoned and not empty, it stays cordoned (an empty one would be disabled).
  // Each poll lists the node's meetings, as the load-collector's do for BBB.
  const online = async (id: string) => {
    const busy = id === 'r1' ? { meetings: 1, participants: 3 } : {};
    const runningMeetings = id === 'r1' ? [{ meetingID: 'kept', participants: 3 }] : [];
    for (let i = 1; i <= 3; i++) await h.sample(id, { at: Date.now() + i, ...busy, runningMeetings });
    await waitFor(`${id} online`, async () => (await h.node(id))?.health === 'online');
  };

  beforeAll(async () => {
    h = await new SchedulerHarness().start({ env: { NODE_MIRROR_CHECK_S: '0.2' } });
    redis = createRedis(h.redis.url, new Logger('test', 'error'), 'test');
    await redis.connect();
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.stop();
  });

  it('mirrors every node back by itself, operator-set state, multiplier and tags intact, and places again', async () => {
    await h.addNodes(['r1', 'r2', 'r3', 'r4']);
    await h.bus.request(contracts.updateNode, { id: 'r1', state: 'cordoned', by: 'carol' });
    await h.bus.request(contracts.updateNode, { id: 'r2', loadMultiplier: 4, tags: ['eu', 'big'], by: 'carol' });
    await h.bus.request(contracts.panicNode, { id: 'r4', by: 'carol' });
    for (const id of ['r1', 'r2', 'r3', 'r4']) await online(id);
    const before = (await h.bus.request(contracts.listNodes, {})).nodes;

    await redis.flushall();

    await waitFor('every node back in redis', async () => (await redis.scard(keys.nodes)) === 4);
    const after = (await h.bus.request(contracts.listNodes, {})).nodes;
    const admin = (ns: typeof before) =>
      ns.map(({ id, engine, url, state, loadMultiplier, tags, createdAt }) => ({
        id,
        engine,
        url,
        state,
        loadMultiplier,
        tags,
        createdAt,
      }));
    expect(admin(after)).toEqual(admin(before));
    expect(after.find((n) => n.id === 'r1')?.state).toBe('cordoned');
    expect(after.find((n) => n.id === 'r2')).toMatchObject({ loadMultiplier: 4, tags: ['eu', 'big'] });
    expect(after.find((n) => n.id === 'r4')?.state).toBe('disabled');
    // Health is Redis's own: unknown until the next polls.
    expect(after.every((n) => n.health === 'unknown')).toBe(true);

    for (const id of ['r1', 'r2', 'r3', 'r4']) await online(id);
    // r1's meeting is its room again (decision 091); new rooms place once every node listed.
    expect(await h.place('bbb:kept')).toMatchObject({ nodeId: 'r1', outcome: 'existing' });
    expect(await h.place('after-the-loss', { tags: ['big'] })).toMatchObject({ nodeId: 'r2' });
    const placed = await h.place('another');
    expect(['r2', 'r3']).toContain(placed.nodeId);
  });

  it('brings back a single node that Redis lost, and keeps a change made while it was gone', async () => {
    await redis.del(keys.node('r3'));
    await redis.srem(keys.nodes, 'r3');
    await h.bus.request(contracts.updateNode, { id: 'r3', loadMultiplier: 2, by: 'carol' });
    await waitFor('r3 back', async () => (await h.node('r3'))?.loadMultiplier === 2);
  });

  it('corrects a node whose record differs from the inventory (an old snapshot), keeping its health and samples', async () => {
    const before = await h.node('r2');
    // As a Redis restored from a snapshot taken before the operator's changes would hold it.
    await redis.hset(keys.node('r2'), 'loadMultiplier', '1', 'tags', '', 'state', 'disabled', 'secret', 'old');
    await waitFor('r2 corrected', async () => (await h.node('r2'))?.loadMultiplier === 4);
    const after = await h.node('r2');
    expect(after).toMatchObject({ state: 'enabled', tags: ['eu', 'big'], health: before?.health });
    expect(after?.lastSample).toEqual(before?.lastSample);
    expect(await redis.hget(keys.node('r2'), 'secret')).toBe('secret-of-r2');
    const told = h.logs.find((l) => l.includes('node corrected to the inventory'));
    expect(told).toContain('loadMultiplier');
    expect(told).not.toContain('secret-of-r2');
  });

  it('never puts back an older record over a change made between its two reads (compare-and-set)', async () => {
    const store = h.schedulers[0]!.app.get(FleetStore);
    const read = (await store.mirrored()).find((m) => m.record.id === 'r2')!;
    // An operator's change lands after the mirror read Redis: PostgreSQL first, then Redis.
    await h.bus.request(contracts.updateNode, { id: 'r2', loadMultiplier: 5, by: 'carol' });
    const older = { ...read.record, loadMultiplier: 4, state: 'disabled' as const };
    expect(await store.correct(read.fields, older)).toEqual({ kind: 'changed' });
    expect(await h.node('r2')).toMatchObject({ loadMultiplier: 5, state: 'enabled' });
  });

  it('removes a node only Redis holds (removed from the inventory while that Redis was away)', async () => {
    await redis.hset(
      keys.node('ghost'),
      'id',
      'ghost',
      'engine',
      'bbb',
      'url',
      'http://ghost.test/',
      'state',
      'enabled',
    );
    await redis.sadd(keys.nodes, 'ghost');
    await waitFor('the ghost removed', async () => (await h.node('ghost')) === undefined);
    expect(await redis.exists(keys.node('ghost'))).toBe(0);
  });

  it('never brings back a node that was removed', async () => {
    expect(await h.bus.request(contracts.removeNode, { id: 'r3', by: 'carol' })).toEqual({ removed: true });
    await redis.flushall();
    await waitFor('the others back', async () => (await redis.scard(keys.nodes)) === 3);
    await new Promise((r) => setTimeout(r, 500)); // two more checks
    expect(await h.node('r3')).toBeUndefined();
  });

  it('writes no node into a Redis that lost its data after the check looked: the check that begins re-learning does', async () => {
    // No background checks from here on: this test is one check's interleaving, played by hand.
    for (const s of h.schedulers) await s.app.get(NodeMirrorService).onApplicationShutdown();
    const mirror = h.schedulers[0]!.app.get(NodeMirrorService);
    const store = h.schedulers[0]!.app.get(FleetStore);
    const record = (await store.mirrored()).find((m) => m.record.id === 'r2')!.record;
    await redis.flushall(); // after the check read the phase (no loss then), before it writes back
    expect(await store.mirror(record, { onlyIfSeen: true })).toBe('unseen');
    expect(await redis.exists(keys.node('r2'))).toBe(0);
    const next = await mirror.check();
    expect(next.restored).toContain('r2');
    expect(await redis.exists(keys.relearn)).toBe(1);
  });
});
