import { AutoscalePolicy, type NodeLoad } from './autoscale-policy.js';

const MIN = 60_000;
const settings = {
  highShare: 0.75,
  lowShare: 0.25,
  windowMs: 10 * MIN,
  cooldownMs: 30 * MIN,
  maxFleet: 6,
  step: 2,
  nodeCapacity: 100,
};
const node = (id: string, load: number, over: Partial<NodeLoad> = {}): NodeLoad => ({
  id,
  state: 'enabled',
  health: 'online',
  load,
  loadMultiplier: 1,
  rooms: load > 0 ? 1 : 0,
  provisioned: false,
  ...over,
});
const fleet = (n: number, load: number) => Array.from({ length: n }, (_, i) => node(`bbb-${i}`, load));

/** Feeds one snapshot per minute from `fromMin` to `toMin` and returns every decision. */
function run(
  policy: AutoscalePolicy,
  fromMin: number,
  toMin: number,
  nodes: (m: number) => NodeLoad[],
  runInProgress = false,
) {
  const out = [];
  for (let m = fromMin; m <= toMin; m++) {
    for (const d of policy.decide({ at: m * MIN, nodes: nodes(m), runInProgress })) out.push({ minute: m, ...d });
  }
  return out;
}

describe('the autoscale policy', () => {
  it('scales out by K only once the fleet has been hot for the whole window', () => {
    const p = new AutoscalePolicy(settings);
    const ds = run(p, 0, 10, () => fleet(3, 80));
    expect(ds).toEqual([
      expect.objectContaining({ minute: 10, action: 'scale-out', count: 2, fleetSize: 3, usedShare: 0.8 }),
    ]);
    expect(ds[0]!.reason).toMatch(/used share 80% >= 75% for 600 s/);
  });

  it('does not scale out when a hot spell ends before the window', () => {
    const p = new AutoscalePolicy(settings);
    expect(run(p, 0, 20, (m) => fleet(3, m === 9 ? 10 : 80))).toEqual([
      expect.objectContaining({ minute: 20, action: 'scale-out' }), // hot again from minute 10
    ]);
  });

  it('holds a second scale-out within the cool-down, says so once, and scales out again after it', () => {
    const p = new AutoscalePolicy(settings);
    const ds = run(p, 0, 45, () => fleet(3, 90));
    expect(ds.filter((d) => d.action === 'scale-out').map((d) => d.minute)).toEqual([10, 40]);
    const held = ds.filter((d) => d.action === 'scale-out-held');
    expect(held).toEqual([expect.objectContaining({ minute: 21, reason: expect.stringContaining('cool-down') })]);
  });

  it('never grows the fleet above its maximum', () => {
    const p = new AutoscalePolicy({ ...settings, cooldownMs: 0 });
    const five = run(p, 0, 10, () => fleet(5, 90));
    expect(five).toEqual([expect.objectContaining({ action: 'scale-out', count: 1 })]);
    const six = run(new AutoscalePolicy(settings), 0, 30, () => fleet(6, 90));
    expect(six.map((d) => d.action)).toEqual(['scale-out-held']);
    expect(six[0]!.reason).toContain('maximum of 6');
  });

  it('holds while a provisioning run is in progress', () => {
    const p = new AutoscalePolicy(settings);
    expect(run(p, 0, 12, () => fleet(2, 90), true).map((d) => d.action)).toEqual(['scale-out-held']);
  });

  it('counts only enabled, online nodes as capacity, weighted by their load multiplier', () => {
    const p = new AutoscalePolicy(settings);
    const share = p.usedShare([
      node('a', 50, { loadMultiplier: 2 }),
      node('b', 50),
      node('c', 0, { state: 'cordoned' }),
      node('d', 0, { health: 'offline' }),
    ]);
    expect(share).toBeCloseTo(100 / 300);
  });

  it('cordons an idle provisioned node when the fleet is cold, then scales it in once empty', () => {
    const p = new AutoscalePolicy(settings);
    let cordoned = false;
    const nodes = () => [
      node('seed-1', 20),
      node('bbb-p-1', 0, { provisioned: true, ...(cordoned ? { state: 'cordoned' as const } : {}) }),
      node('bbb-p-2', 5, { provisioned: true }),
    ];
    const ds = [];
    for (let m = 0; m <= 12; m++) {
      for (const d of p.decide({ at: m * MIN, nodes: nodes(), runInProgress: false })) {
        ds.push({ minute: m, ...d });
        if (d.action === 'cordon') cordoned = true;
      }
    }
    expect(ds).toEqual([
      expect.objectContaining({ minute: 10, action: 'cordon', nodeId: 'bbb-p-1' }),
      expect.objectContaining({ minute: 11, action: 'scale-in', nodeId: 'bbb-p-1' }),
    ]);
  });

  it('never proposes scale-in for a node it did not provision, and uncordons its node if the fleet warms up', () => {
    const p = new AutoscalePolicy(settings);
    expect(run(p, 0, 30, () => [node('seed-1', 0), node('seed-2', 0)])).toEqual([]);
    const q = new AutoscalePolicy(settings);
    let state: 'enabled' | 'cordoned' = 'enabled';
    const ds = [];
    for (let m = 0; m <= 12; m++) {
      // A room lands on the node right as it is cordoned, then the fleet heats up.
      const busy = m >= 11;
      const nodes = [node('seed-1', busy ? 200 : 10), node('bbb-p-1', busy ? 5 : 0, { provisioned: true, state })];
      for (const d of q.decide({ at: m * MIN, nodes, runInProgress: false })) {
        ds.push({ minute: m, ...d });
        if (d.action === 'cordon') state = 'cordoned';
        if (d.action === 'uncordon') state = 'enabled';
      }
    }
    expect(ds.map((d) => [d.minute, d.action, d.nodeId])).toEqual([
      [10, 'cordon', 'bbb-p-1'],
      [11, 'uncordon', 'bbb-p-1'],
    ]);
  });
});
