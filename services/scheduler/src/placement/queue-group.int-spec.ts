import { Redis } from 'ioredis';
import { keys } from '../keys.js';
import { SchedulerHarness } from '../harness.test-support.js';

describe('two scheduler instances in the queue group', () => {
  let h: SchedulerHarness;

  beforeAll(async () => {
    h = await new SchedulerHarness().start({ instances: 2 });
  });
  afterAll(() => h.stop());

  it('map each of 100 room keys to exactly one node under 1,000 concurrent placements', async () => {
    const ids = ['q1', 'q2', 'q3', 'q4'];
    await h.addNodes(ids);
    for (const id of ids) await h.sample(id);
    const requests = Array.from({ length: 1000 }, (_, i) => h.place(`key-${i % 100}`));
    const placements = await Promise.all(requests);
    const nodeOf = new Map<string, Set<string>>();
    for (const p of placements) nodeOf.set(p.roomKey, (nodeOf.get(p.roomKey) ?? new Set()).add(p.nodeId));
    expect(nodeOf.size).toBe(100);
    for (const nodes of nodeOf.values()) expect(nodes.size).toBe(1);
    expect(placements.filter((p) => p.outcome === 'new')).toHaveLength(100);

    const redis = new Redis(h.redis.url);
    try {
      let total = 0;
      for (const id of ids) {
        const rooms = await redis.smembers(keys.nodeRooms(id));
        total += rooms.length;
        for (const roomKey of rooms) expect(nodeOf.get(roomKey)).toEqual(new Set([id]));
        expect(Number(await redis.hget(keys.node(id), 'rooms'))).toBe(rooms.length);
      }
      expect(total).toBe(100);
    } finally {
      redis.disconnect();
    }
  }, 90_000);

  it('both instances answer (the queue group spreads the work)', async () => {
    const served = await Promise.all(
      h.schedulers.map(async (s) => {
        const text = await (await fetch(`http://127.0.0.1:${s.metricsPort}/metrics`)).text();
        const m = /ensemble_scheduler_placements_total\{[^}]*outcome="(new|existing)"[^}]*\} (\d+)/g;
        let n = 0;
        for (const hit of text.matchAll(m)) n += Number(hit[2]);
        return n;
      }),
    );
    expect(served.every((n) => n > 0)).toBe(true);
  });
});
