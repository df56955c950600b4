import { fnv1a32, shardOf, targetsOfShard } from './node-shard.js';

const nodes = (n: number) => Array.from({ length: n }, (_, i) => ({ nodeId: `bbb-${i}` }));

describe('sharding nodes between collectors', () => {
  it('hashes with FNV-1a, matching the published test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('gives every node to exactly one of several collectors', () => {
    const fleet = nodes(500);
    for (const count of [2, 3, 5]) {
      const shards = Array.from({ length: count }, (_, index) => targetsOfShard(fleet, { index, count }));
      const polled = shards.flat().map((t) => t.nodeId);
      expect(polled).toHaveLength(fleet.length);
      expect(new Set(polled).size).toBe(fleet.length);
    }
  });

  it('keeps a node on the same shard whatever the order or size of the target list', () => {
    const fleet = nodes(50);
    const mine = targetsOfShard(fleet, { index: 1, count: 3 }).map((t) => t.nodeId);
    const shuffled = [...fleet].reverse().concat({ nodeId: 'bbb-new' });
    const again = targetsOfShard(shuffled, { index: 1, count: 3 }).map((t) => t.nodeId);
    expect(again.filter((id) => id !== 'bbb-new').sort()).toEqual([...mine].sort());
  });

  it('spreads nodes roughly evenly', () => {
    const counts = [0, 0, 0, 0];
    for (const { nodeId } of nodes(4000)) counts[shardOf(nodeId, 4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it('polls every node when there is a single shard', () => {
    expect(targetsOfShard(nodes(7), { index: 0, count: 1 })).toHaveLength(7);
  });
});
