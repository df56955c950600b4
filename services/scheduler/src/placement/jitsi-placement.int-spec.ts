import { contracts, type LoadSample } from '@ensemble/contracts';
import { SchedulerHarness } from '../harness.test-support.js';
import { seedPick } from './seed-rule.test-support.js';

/** Jitsi nodes measured through Prometheus: no secret, CPU in the samples. */
describe('Jitsi placement by free CPU', () => {
  let h: SchedulerHarness;
  beforeEach(async () => {
    h = await new SchedulerHarness().start();
  });
  afterEach(() => h.stop());

  const addJitsi = async (ids: string[]) => {
    for (const [i, id] of ids.entries()) {
      await h.bus.request(contracts.registerNode, {
        id,
        engine: 'jitsi',
        url: `https://meet${i}.example.org/`,
        prometheusInstance: `meet${i}.example.org:9100`,
      });
    }
  };
  const sample = (nodeId: string, over: Partial<LoadSample>) => h.sample(nodeId, { engine: 'jitsi', ...over });
  const place = (roomKey: string, expectedSize?: number) =>
    h.bus.request(contracts.place, { roomKey, engine: 'jitsi', ...(expectedSize ? { expectedSize } : {}) });
  const countByNode = (ids: string[]) => {
    const m = new Map<string, number>();
    for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
    return m;
  };

  it('spreads a burst of 300 rooms within one poll interval over 5 nodes (max/mean <= 1.2), where the seed rule sends all to one', async () => {
    const last = [
      { id: 'j1', cpu: 0.3, participants: 30 },
      { id: 'j2', cpu: 0.22, participants: 20 },
      { id: 'j3', cpu: 0.25, participants: 24 },
      { id: 'j4', cpu: 0.2, participants: 15 },
      { id: 'j5', cpu: 0.35, participants: 33 },
    ];
    await addJitsi(last.map((n) => n.id));
    for (const n of last) await sample(n.id, { cpu: n.cpu, participants: n.participants, meetings: 3 });

    const seed: string[] = [];
    const ours: string[] = [];
    for (let i = 0; i < 300; i++) {
      seed.push(seedPick(last)); // the seed's input does not change until the next sample
      ours.push((await place(`burst-${i}`)).nodeId);
    }
    expect([...countByNode(seed)]).toEqual([['j4', 300]]);
    const counts = [...countByNode(ours).values()];
    expect(counts).toHaveLength(5);
    const mean = 300 / 5;
    expect(Math.max(...counts) / mean).toBeLessThanOrEqual(1.2);
  });

  it('sends a new room to the node with the most free CPU, counting the rooms placed since its sample', async () => {
    await addJitsi(['busy', 'free']);
    await sample('busy', { cpu: 0.8, participants: 80 });
    await sample('free', { cpu: 0.1, participants: 10 });
    expect((await place('first', 20)).nodeId).toBe('free');
    // free: 0.1 + 20 x 0.01 pending; a room of 60 more would take it past busy's 0.8
    expect((await place('second', 60)).nodeId).toBe('free');
    expect((await place('third', 20)).nodeId).toBe('busy');
  });

  it("applies a tenant's load weight to a Jitsi room, not its quotas (no poll sees a call end)", async () => {
    await addJitsi(['busy', 'free']);
    await sample('busy', { cpu: 0.8, participants: 80 });
    await sample('free', { cpu: 0.1, participants: 10 });
    const tenant = { name: 'uni', loadWeight: 4, maxMeetings: 0, maxParticipants: 0 };
    const first = await h.bus.request(contracts.place, {
      roomKey: 'web-j1',
      engine: 'jitsi',
      expectedSize: 20,
      join: true,
      tenant,
    });
    expect(first.nodeId).toBe('free');
    // 20 participants x 4 pending: 0.1 + 0.8 CPU on free, more than busy's 0.8: the next room goes there.
    expect((await h.node('free'))?.pendingLoad).toBeCloseTo(80);
    expect((await place('second', 5)).nodeId).toBe('busy');
    expect(await h.usage()).toEqual([]);
  });

  it('learns the CPU per participant from samples, so pending rooms weigh what they cost on that node', async () => {
    await addJitsi(['heavy', 'light']);
    // heavy: samples say 2 % CPU per participant (learned from the 1 % default); light: 1 %
    for (let i = 0; i < 6; i++) {
      await sample('heavy', { at: Date.now() + i, cpu: 0.4, participants: 20 });
      await sample('light', { at: Date.now() + i, cpu: 0.4, participants: 40 });
      await place(`learn-${i}`, 1); // the script learns from each new sample when it ranks the nodes
      await h.bus.request(contracts.end, { roomKey: `learn-${i}` });
    }
    // Same CPU now; 12 rooms of 10 people: a room costs heavy about twice what it costs light.
    const placed = await Promise.all(Array.from({ length: 12 }, (_, i) => place(`weighed-${i}`, 10)));
    const counts = countByNode(placed.map((p) => p.nodeId));
    expect(counts.get('light')).toBeGreaterThanOrEqual(7);
    expect(counts.get('heavy')).toBeGreaterThanOrEqual(3);
  });

  it('keeps a room on its node (sticky) and moves it when the node goes offline, like BBB', async () => {
    await addJitsi(['a', 'b']);
    await sample('a', { cpu: 0.1 });
    await sample('b', { cpu: 0.5 });
    const first = await place('sticky');
    expect(first.nodeId).toBe('a');
    await sample('a', { cpu: 0.9, at: Date.now() + 1 });
    expect(await place('sticky')).toMatchObject({ nodeId: 'a', outcome: 'existing' });
    for (let i = 2; i < 5; i++)
      await sample('a', { reachable: false, cpu: null, error: 'not-discovered', at: Date.now() + i });
    expect(await place('sticky')).toMatchObject({ nodeId: 'b', outcome: 'moved', previousNodeId: 'a' });
  });

  it('ranks nodes with unknown CPU after every node with a known CPU, and still places when all are unknown', async () => {
    await addJitsi(['known', 'unknown']);
    await sample('known', { cpu: 0.95, participants: 95 });
    await sample('unknown', { cpu: null, error: 'prometheus-unavailable' });
    expect((await place('u1')).nodeId).toBe('known');
    await sample('known', { cpu: null, error: 'prometheus-unavailable', at: Date.now() + 1 });
    const placed = await Promise.all(Array.from({ length: 10 }, (_, i) => place(`blind-${i}`)));
    const counts = countByNode(placed.map((p) => p.nodeId));
    // Blind: spread by the rooms' pending load alone.
    expect(counts.get('known')).toBeGreaterThanOrEqual(4);
    expect(counts.get('unknown')).toBeGreaterThanOrEqual(4);
  });

  it('leaves BBB placement as it was (Jitsi nodes never take BBB rooms, BBB nodes never Jitsi ones)', async () => {
    await addJitsi(['jitsi-only']);
    await h.addNodes(['bbb-only']);
    await sample('jitsi-only', { cpu: 0 });
    await h.sample('bbb-only');
    expect((await h.place('bbb-room')).nodeId).toBe('bbb-only');
    expect((await place('jitsi-room')).nodeId).toBe('jitsi-only');
  });
});
