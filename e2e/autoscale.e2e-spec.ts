import { contracts, type AutoscaleDecision, type FleetNodeEvent, type FleetNodeView } from '@ensemble/contracts';
import { parseConfig } from '@ensemble/shared';
import { startPostgres, waitFor, type PostgresServer } from '@ensemble/testing';
import { BbbSim } from '@ensemble/bbb-sim';
import { schedulerEnvSchema, startScheduler, type RunningScheduler } from '@ensemble/scheduler';
import { loadCollectorEnvSchema, startLoadCollector, type RunningLoadCollector } from '@ensemble/load-collector';
import { gatewayEnvSchema, startGateway, type RunningGateway } from '@ensemble/gateway-api';
import { ProvisionerHarness } from '../services/provisioner/src/provisioner-harness.test-support.js';

const TOKEN = 'test-ops-token-0123456789';
/** Generous: every step waits for polls, ticks and stand-in terraform processes on a loaded machine. */
const STEP = { timeoutMs: 60_000, intervalMs: 100 };

/**
 * The autoscaler on the production code path (only its interval, window and node capacity
 * shortened through env) against the real scheduler, load-collector and a bbb-sim fleet,
 * with the stand-in terraform: load rises -> scale-out -> nodes registered; load falls ->
 * a node drains -> disabled when empty -> scale-in run -> removed; a provisioner restart
 * in the middle of a drain resumes it.
 */
describe('autoscale, end to end', () => {
  const h = new ProvisionerHarness();
  let postgres: PostgresServer;
  let sim: BbbSim;
  let scheduler: RunningScheduler;
  let collector: RunningLoadCollector;
  let gateway: RunningGateway;
  const decisions: AutoscaleDecision[] = [];
  const fleetEvents: FleetNodeEvent[] = [];

  const nodes = async (): Promise<FleetNodeView[]> =>
    (await h.bus.request(contracts.listNodes, { engine: 'bbb' })).nodes;
  const decided = (nodeId: string, action: AutoscaleDecision['action']) =>
    decisions.filter((d) => d.nodeId === nodeId && d.action === action);
  const seed = () => sim.nodes[0]!;
  const endpoints = () =>
    sim.nodes.slice(1).map((n, i) => ({
      api_url: n.apiUrl,
      secret: n.secret,
      ipv4: '127.0.0.1',
      hostname: `bbb-auto-${i}.example.org`,
    }));

  beforeAll(async () => {
    postgres = await startPostgres();
    sim = await BbbSim.start({ nodes: 3 });
    await h.start(
      {
        AUTOSCALE_ENABLED: 'true',
        AUTOSCALE_INTERVAL_S: '0.3',
        AUTOSCALE_WINDOW_S: '1',
        AUTOSCALE_COOLDOWN_S: '1800',
        AUTOSCALE_NODE_CAPACITY: '10',
        AUTOSCALE_STEP: '2',
        AUTOSCALE_MAX_FLEET: '3',
      },
      { postgres },
    );
    h.dir.scenario('success', endpoints());
    h.bus.subscribe(contracts.autoscaleDecision, (d) => void decisions.push(d));
    h.bus.subscribe(contracts.fleetNode, (e) => void fleetEvents.push(e));
    const sink = (l: string) => void h.logs.push(l);
    const base = { NATS_URL: h.nats.url, METRICS_PORT: '0' };
    scheduler = await startScheduler(
      parseConfig('scheduler', schedulerEnvSchema, {
        ...base,
        REDIS_URL: h.redis.url,
        DATABASE_URL: await postgres.createDatabase(),
        // Load shown = load placed, so the shares below are exact.
        PLACEMENT_LARGE_NODE_HEADROOM: '0',
      }),
      { logSink: sink },
    );
    collector = await startLoadCollector(
      parseConfig('load-collector', loadCollectorEnvSchema, { ...base, POLL_INTERVAL_S: '0.5' }),
      { logSink: sink },
    );
    gateway = await startGateway(
      parseConfig('gateway-api', gatewayEnvSchema, {
        NATS_URL: h.nats.url,
        DATABASE_URL: postgres.url,
        GATEWAY_PORT: '0',
        OPS_TOKEN: TOKEN,
      }),
      { logSink: sink },
    );
    // One node of our own (not provisioned: never scaled in), serving alone.
    await h.bus.request(contracts.registerNode, {
      id: 'seed',
      url: seed().baseUrl,
      secret: seed().secret,
      state: 'enabled',
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await collector?.close();
    await scheduler?.close();
    await h.stop();
    await postgres?.stop();
    await sim?.stop();
  });

  let provisioned: string[] = [];

  it('scales out when the load rises, and the new nodes register and get enabled', async () => {
    // 9 participants + 1 meeting = 10 load units on a node of 10: used share 100% >= 75%.
    seed().seedMeetings([{ meetingID: 'peak', participants: 9 }]);
    const [scaleOut] = await waitFor(
      'a scale-out decision',
      () => {
        const found = decisions.filter((d) => d.action === 'scale-out');
        return found.length > 0 && found;
      },
      STEP,
    );
    expect(scaleOut).toMatchObject({ count: 2, runId: expect.any(String) });
    expect(scaleOut!.reason).toMatch(/used share 100% >= 75%/);
    const run = await h.finished(scaleOut!.runId!, 60_000);
    expect(run).toMatchObject({ kind: 'scale-out', phase: 'succeeded' });
    provisioned = [...run.registered].sort();
    expect(provisioned).toHaveLength(2);
    await waitFor(
      'both new nodes enabled and online',
      async () => {
        const mine = (await nodes()).filter((n) => provisioned.includes(n.id));
        return mine.length === 2 && mine.every((n) => n.state === 'enabled' && n.health === 'online');
      },
      STEP,
    );
    // One run started, one cool-down: no second scale-out however long the peak lasted.
    expect(decisions.filter((d) => d.action === 'scale-out')).toHaveLength(1);
  });

  let kept = '';

  it('drains a node when the load falls: cordoned, disabled by the scheduler when empty, scaled in, removed', async () => {
    // 2 participants + 1 meeting = 3 units: 10% of three nodes, 15% of two (cold at <= 25%),
    // 30% of the seed alone, so exactly one provisioned node may go.
    seed().reset();
    seed().seedMeetings([{ meetingID: 'evening', participants: 2 }]);
    const [cordon] = await waitFor(
      'a cordon decision',
      () => {
        const found = decisions.filter((d) => d.action === 'cordon');
        return found.length > 0 && found;
      },
      STEP,
    );
    const gone = cordon!.nodeId!;
    kept = provisioned.find((n) => n !== gone)!;
    expect(provisioned).toContain(gone);

    const [removed] = await waitFor(
      'the drained node removed',
      () => {
        const found = decided(gone, 'removed');
        return found.length > 0 && found;
      },
      STEP,
    );
    const [scaleIn] = decided(gone, 'scale-in');
    expect(scaleIn!.runId).toBe(removed!.runId);
    const taken = decisions.filter((d) => d.nodeId === gone && ['cordon', 'scale-in', 'removed'].includes(d.action));
    expect(taken.map((d) => d.action)).toEqual(['cordon', 'scale-in', 'removed']);

    // The scheduler disabled it by itself once empty, before the run; then forgot it.
    const mine = fleetEvents.filter((e) => e.node.id === gone);
    const disabled = mine.findIndex((e) => e.by === 'scheduler' && e.node.state === 'disabled');
    const forgotten = mine.findIndex((e) => e.change === 'removed');
    expect(disabled).toBeGreaterThanOrEqual(0);
    expect(forgotten).toBeGreaterThan(disabled);
    expect(await h.finished(scaleIn!.runId!)).toMatchObject({ kind: 'scale-in', phase: 'succeeded', nodes: [gone] });
    expect(Object.keys(h.dir.nodeMap())).toEqual([kept]);
    expect((await nodes()).map((n) => n.id).sort()).toEqual([kept, 'seed'].sort());

    // The other one stays: without it the seed would run at 30%. Said once, with why.
    const held = await waitFor('the other node kept', () => decided(kept, 'scale-in-held')[0], STEP);
    expect(held.reason).toContain('would be 30% > 25%');
    expect(decided(kept, 'cordon')).toEqual([]);

    // Every decision is in `GET /api/ops/runs` too, newest first.
    const res = await fetch(`${gateway.url}/api/ops/runs`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await res.json()) as { decisions: AutoscaleDecision[] };
    const listed = body.decisions.filter((d) => d.nodeId === gone).map((d) => d.action);
    expect(listed.filter((a) => ['cordon', 'scale-in', 'removed'].includes(a))).toEqual([
      'removed',
      'scale-in',
      'cordon',
    ]);
  });

  it('resumes a drain after a provisioner restart in the middle of its scale-in run', async () => {
    h.dir.scenario('hang', endpoints()); // the next scale-in run wedges while destroying
    seed().reset(); // no load at all: the last provisioned node may go too
    const [first] = await waitFor(
      'a scale-in run of the last provisioned node',
      () => {
        const found = decided(kept, 'scale-in');
        return found.length > 0 && found;
      },
      STEP,
    );
    const wedged = first!.runId!;
    await waitFor(
      'its run destroying the server',
      () => h.events.some((e) => e.runId === wedged && /Destroying/.test(e.message)),
      STEP,
    );

    await h.halt(); // the run is aborted as on any shutdown; the node map keeps the node
    expect(Object.keys(h.dir.nodeMap())).toEqual([kept]);
    expect((await nodes()).find((n) => n.id === kept)).toMatchObject({ state: 'disabled' });
    h.dir.scenario('success', endpoints());
    const before = decisions.length;
    await h.boot();

    const [removed] = await waitFor(
      'the node removed after the restart',
      () => {
        const found = decided(kept, 'removed');
        return found.length > 0 && found;
      },
      STEP,
    );
    expect(await h.finished(wedged)).toMatchObject({ phase: 'failed', failure: { message: 'provisioner stopped' } });
    const after = decisions.slice(before).filter((d) => d.nodeId === kept);
    expect(after.map((d) => d.action)).toEqual(['scale-in-held', 'scale-in', 'removed']);
    expect(after[0]).toMatchObject({ runId: wedged, reason: expect.stringContaining('failed') });
    expect(after[1]!.runId).toBe(removed!.runId);
    expect(removed!.runId).not.toBe(wedged);
    expect(h.dir.nodeMap()).toEqual({});
    expect((await nodes()).map((n) => n.id)).toEqual(['seed']);
  });
});
