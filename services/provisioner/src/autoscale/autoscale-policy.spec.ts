import { AutoscalePolicy, type NodeLoad, type RunOutcome } from './autoscale-policy.js';
import { autoscaleStateSchema, type AutoscaleState } from './autoscale-state.js';

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

/**
 * Feeds one snapshot per minute from `fromMin` to `toMin` and returns every decision;
 * each proposed run starts (as the service confirms it), unless `refuse` says why not.
 */
function run(
  policy: AutoscalePolicy,
  fromMin: number,
  toMin: number,
  nodes: (m: number) => NodeLoad[],
  runInProgress = false,
  refuse?: string,
) {
  const out = [];
  const runs: Record<string, RunOutcome> = {};
  for (let m = fromMin; m <= toMin; m++) {
    for (const d of policy.decide({ at: m * MIN, nodes: nodes(m), runInProgress, runs })) {
      const taken = d.action === 'scale-out' || d.action === 'scale-in';
      if (taken && !refuse) runs[`run-${m}`] = { status: 'running' };
      const reported = !taken ? d : refuse ? policy.refused(d, refuse) : policy.started(d, `run-${m}`, m * MIN);
      if (reported) out.push({ minute: m, ...reported });
    }
  }
  return out;
}

/** The autoscaler's own fleet as the scheduler shows it: a seed node and provisioned nodes. */
class SchedulerView {
  readonly nodes = new Map<string, NodeLoad>();
  constructor(...nodes: NodeLoad[]) {
    for (const n of nodes) this.nodes.set(n.id, n);
  }
  list = () => [...this.nodes.values()].map((n) => ({ ...n }));
  set(id: string, over: Partial<NodeLoad>) {
    this.nodes.set(id, { ...this.nodes.get(id)!, ...over });
  }
  /** What the scheduler does by itself (decision 030): an empty cordoned node becomes disabled. */
  schedulerPoll() {
    for (const n of this.nodes.values())
      if (n.state === 'cordoned' && n.rooms === 0 && n.health === 'online') n.state = 'disabled';
  }
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

  it('starts no cool-down when the scale-out request is refused, and says so once', () => {
    const p = new AutoscalePolicy(settings);
    const refused = run(p, 0, 14, () => fleet(3, 80), false, 'busy: run run-x is in progress');
    expect(refused).toEqual([
      expect.objectContaining({
        minute: 10,
        action: 'scale-out-held',
        reason: expect.stringContaining('not done: busy'),
      }),
    ]);
    expect(p.state.lastScaleOutAt).toBeNull();
    // The next evaluation that can start a run does, without waiting for a cool-down.
    expect(run(p, 15, 15, () => fleet(3, 80))).toEqual([
      expect.objectContaining({ action: 'scale-out', runId: 'run-15' }),
    ]);
    expect(p.state.lastScaleOutAt).toBe(15 * MIN);
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

  it('follows a drained node through cordoned, disabled by the scheduler when empty, a scale-in run, and removed', () => {
    const p = new AutoscalePolicy(settings);
    const sched = new SchedulerView(
      node('seed-1', 20),
      node('bbb-p-1', 0, { provisioned: true }),
      node('bbb-p-2', 5, { provisioned: true }),
    );
    const ds = [];
    const outcomes: Record<string, RunOutcome> = {};
    for (let m = 0; m <= 14; m++) {
      for (const d of p.decide({ at: m * MIN, nodes: sched.list(), runInProgress: false, runs: outcomes })) {
        ds.push({ minute: m, ...(d.action === 'scale-in' ? p.started(d, 'run-in', m * MIN) : d) });
        if (d.action === 'cordon') sched.set(d.nodeId!, { state: 'cordoned' });
        if (d.action === 'scale-in') outcomes['run-in'] = { status: 'running' };
      }
      sched.schedulerPoll();
      if (m === 13) {
        outcomes['run-in'] = { status: 'succeeded' };
        sched.nodes.delete('bbb-p-1');
      }
    }
    expect(ds.map((d) => [d.minute, d.action, d.nodeId, d.runId])).toEqual([
      [10, 'cordon', 'bbb-p-1', undefined],
      [11, 'scale-in', 'bbb-p-1', 'run-in'],
      [14, 'removed', 'bbb-p-1', 'run-in'],
    ]);
    expect(ds[1]!.reason).toBe('bbb-p-1 is disabled and empty');
    expect(p.state.draining).toEqual({});
  });

  it('waits, saying why once, while the cordoned node still holds rooms', () => {
    const p = new AutoscalePolicy(settings);
    const sched = new SchedulerView(node('seed-1', 10), node('bbb-p-1', 0, { provisioned: true }));
    const ds = [];
    for (let m = 0; m <= 16; m++) {
      for (const d of p.decide({ at: m * MIN, nodes: sched.list(), runInProgress: false })) {
        ds.push({ minute: m, ...d });
        // A room lands on it just as it is cordoned: it stays cordoned until the room ends.
        if (d.action === 'cordon') sched.set('bbb-p-1', { state: 'cordoned', rooms: 1, load: 2 });
      }
      if (m === 15) sched.set('bbb-p-1', { rooms: 0, load: 0 });
      sched.schedulerPoll();
    }
    expect(ds.map((d) => [d.minute, d.action])).toEqual([
      [10, 'cordon'],
      [11, 'scale-in-held'],
      [16, 'scale-in'],
    ]);
    expect(ds[1]!.reason).toContain('still holds 1 rooms');
  });

  it('resumes a drain from its saved state, as a restarted provisioner does', () => {
    const first = new AutoscalePolicy(settings);
    const sched = new SchedulerView(node('seed-1', 10), node('bbb-p-1', 0, { provisioned: true }));
    let cordonedAt = -1;
    for (let m = 0; m <= 10; m++)
      for (const d of first.decide({ at: m * MIN, nodes: sched.list(), runInProgress: false }))
        if (d.action === 'cordon') {
          cordonedAt = m;
          sched.set('bbb-p-1', { state: 'cordoned' });
        }
    expect(cordonedAt).toBe(10);
    sched.schedulerPoll(); // while the provisioner is down
    const saved = JSON.parse(JSON.stringify(first.state)) as AutoscaleState;
    const second = new AutoscalePolicy(settings, autoscaleStateSchema.parse(saved));
    expect(second.decide({ at: 11 * MIN, nodes: sched.list(), runInProgress: false })).toEqual([
      expect.objectContaining({ action: 'scale-in', nodeId: 'bbb-p-1' }),
    ]);
  });

  it('tries a failed or interrupted scale-in run again after the window, not before', () => {
    for (const outcome of [
      { status: 'failed', why: 'apply-errored: out of stock' },
      { status: 'interrupted', why: 'its provisioner stopped' },
    ] as const) {
      const p = new AutoscalePolicy(settings);
      const sched = new SchedulerView(node('seed-1', 10), node('bbb-p-1', 0, { provisioned: true, state: 'disabled' }));
      p.state.draining['bbb-p-1'] = { since: 0, reason: 'cold', stage: 'scaling-in', runId: 'run-1' };
      const ds = [];
      for (let m = 0; m <= 12; m++)
        for (const d of p.decide({
          at: m * MIN,
          nodes: sched.list(),
          runInProgress: false,
          runs: { 'run-1': outcome, 'run-2': { status: 'running' } },
        }))
          ds.push({ minute: m, ...(d.action === 'scale-in' ? p.started(d, 'run-2', m * MIN) : d) });
      expect(ds.map((d) => [d.minute, d.action, d.runId])).toEqual([
        [0, 'scale-in-held', 'run-1'],
        [10, 'scale-in', 'run-2'],
      ]);
      expect(ds[0]!.reason).toContain(outcome.why);
    }
  });

  it('holds a scale-in while another provisioning run holds the lock', () => {
    const p = new AutoscalePolicy(settings);
    p.state.draining['bbb-p-1'] = { since: 0, reason: 'cold', stage: 'cordoned' };
    const nodes = () => [node('seed-1', 10), node('bbb-p-1', 0, { provisioned: true, state: 'disabled' })];
    expect(run(p, 0, 3, nodes, true).map((d) => [d.minute, d.action])).toEqual([[0, 'scale-in-held']]);
    expect(run(p, 4, 5, nodes).map((d) => [d.minute, d.action])).toEqual([[4, 'scale-in']]);
  });

  it('keeps an idle node whose drain would push the rest of the fleet above the low mark', () => {
    const p = new AutoscalePolicy(settings);
    const ds = run(p, 0, 20, () => [node('seed-1', 40), node('bbb-p-1', 0, { provisioned: true })]);
    expect(ds).toEqual([expect.objectContaining({ minute: 10, action: 'scale-in-held', nodeId: 'bbb-p-1' })]);
    expect(ds[0]!.reason).toContain('would be 40% > 25%');
  });

  it('forgets a draining node that someone else enabled again, and says so', () => {
    const p = new AutoscalePolicy(settings);
    p.state.coldSince = 0;
    p.state.draining['bbb-p-1'] = { since: 0, reason: 'cold', stage: 'cordoned' };
    const ds = p.decide({
      at: MIN,
      nodes: [node('seed-1', 10), node('bbb-p-1', 0, { provisioned: true })],
      runInProgress: false,
    });
    expect(ds).toEqual([expect.objectContaining({ action: 'abandoned', nodeId: 'bbb-p-1' })]);
    expect(p.state.draining).toEqual({});
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
