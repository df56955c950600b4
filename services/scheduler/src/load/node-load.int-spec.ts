import { contracts, type FleetNodeView } from '@ensemble/contracts';
import { SchedulerHarness } from '../harness.test-support.js';

/** The ops view (`ensemble.fleet.list`) and the ranking (`ensemble.scheduler.place`) read one definition of load. */
describe("a node's load", () => {
  let h: SchedulerHarness;
  beforeEach(async () => {
    h = await new SchedulerHarness().start(); // default headroom 0.05
  });
  afterEach(() => h.stop());

  const placeable = async () => {
    const { nodes } = await h.bus.request(contracts.listNodes, { engine: 'bbb' });
    return nodes.filter((n) => n.state === 'enabled' && n.health === 'online');
  };
  /** What the ranking must pick if it ranks by the ops view's load: lowest load, then fewer rooms, then id. */
  const lowest = (nodes: FleetNodeView[]) =>
    [...nodes].sort((a, b) => a.load - b.load || a.rooms - b.rooms || a.id.localeCompare(b.id))[0]!;

  it('in the ops view equals the load the ranking uses, for a node with pending rooms, a multiplier and headroom', async () => {
    await h.addNodes(['small']);
    await h.addNodes(['mid'], { loadMultiplier: 2 });
    await h.addNodes(['large'], { loadMultiplier: 4 });
    // The same load per unit of multiplier: only headroom and pending rooms tell them apart.
    await h.sample('small', { participants: 10, meetings: 1, videoStreams: 2 });
    await h.sample('mid', { participants: 20, meetings: 2, videoStreams: 4 });
    await h.sample('large', { participants: 40, meetings: 4, videoStreams: 8 });

    const large = (await placeable()).find((n) => n.id === 'large')!;
    // (40 + 8 x 2 + 4 x 1) / (4 x (1 - 0.05 x (4/4)^2)): headroom shrinks the largest node's multiplier.
    expect(large.load).toBeCloseTo(60 / 3.8, 12);

    const chosen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const before = await placeable();
      const expected = lowest(before);
      const placed = await h.place(`room-${i}`, { expectedSize: 1 + (i % 7) });
      expect({ room: i, node: placed.nodeId }).toEqual({ room: i, node: expected.id });
      chosen.add(placed.nodeId);
      const after = (await placeable()).find((n) => n.id === placed.nodeId)!;
      expect(after.pendingLoad).toBe(expected.pendingLoad + 1 + (i % 7) + 1); // size + meeting weight
      expect(after.load).toBeGreaterThan(expected.load);
    }
    expect(chosen).toEqual(new Set(['small', 'mid', 'large']));
  });

  it("of a Jitsi node in the ops view is its CPU plus its pending rooms' CPU, per multiplier", async () => {
    await h.bus.request(contracts.registerNode, {
      id: 'meet',
      engine: 'jitsi',
      url: 'https://meet.example.org/',
      loadMultiplier: 2,
    });
    await h.sample('meet', { engine: 'jitsi', cpu: 0.3, participants: 2 }); // too few to learn from: 1 % each
    await h.bus.request(contracts.place, { roomKey: 'talk', engine: 'jitsi', expectedSize: 10 });
    const meet = (await h.node('meet'))!;
    expect(meet.pendingLoad).toBe(10);
    expect(meet.load).toBeCloseTo((0.3 + 10 * 0.01) / 2, 12);
  });
});
