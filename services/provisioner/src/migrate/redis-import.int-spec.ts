import { contracts, type AutoscaleDecision, type RunEvent, type RunRecord } from '@ensemble/contracts';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { emptyAutoscaleState } from '../autoscale/autoscale-state.js';
import { ProvisionerHarness } from '../provisioner-harness.test-support.js';
import { importFromRedis } from './import-command.js';
import { oldAddProvisioned, oldAppendEvent, oldSaveAutoscale, oldSaveRun } from './old-redis-format.test-support.js';
import { oldKeys } from './redis-keys.js';

const T = 1_700_000_000_000;

const aRun = (id: string, over: Partial<RunRecord>): RunRecord => ({
  id,
  kind: 'scale-out',
  phase: 'queued',
  reason: 'more rooms next week',
  requestedBy: 'ops',
  nodes: ['bbb-par2-aaaaaa'],
  offer: 'GP-BM1-M',
  zone: 'fr-par-2',
  changes: null,
  resources: [],
  diagnostics: [],
  events: [],
  registered: [],
  failure: null,
  fence: 1,
  createdAt: T,
  finishedAt: null,
  ...over,
});
const ev = (runId: string, phase: RunEvent['phase'], message: string, at: number, over: Partial<RunEvent> = {}) => ({
  runId,
  phase,
  message,
  at,
  ...over,
});

/** A run as the old ProvisionService wrote it: the record, each event, the record again on each phase change. */
async function oldRun(redis: Redis, run: RunRecord, events: RunEvent[]): Promise<void> {
  await oldSaveRun(redis, { ...run, phase: 'queued', finishedAt: null });
  for (const e of events) {
    await oldAppendEvent(redis, e);
    if (e.phase !== 'progress') await oldSaveRun(redis, { ...run, phase: e.phase, finishedAt: null });
  }
  await oldSaveRun(redis, run);
}

describe('migrate from-redis: runs, events, decisions, state and provisioned nodes of the Redis version', () => {
  const h = new ProvisionerHarness();
  let redis: Redis;
  const run = async () => {
    const out: string[] = [];
    const report = await importFromRedis(
      { REDIS_URL: h.redis.url, DATABASE_URL: h.databaseUrl },
      (l) => void out.push(l),
    );
    return { report, out: out.join('\n') };
  };

  const succeeded = aRun('run-old-ok', {
    phase: 'succeeded',
    changes: { add: 1, change: 0, remove: 0 },
    resources: [{ address: 'scaleway_baremetal_server.bbb["bbb-par2-aaaaaa"]', action: 'create', status: 'complete' }],
    registered: ['bbb-par2-aaaaaa'],
    fence: 7,
    finishedAt: T + 60_000,
  });
  const okEvents = [
    ev('run-old-ok', 'queued', 'scale-out of bbb-par2-aaaaaa: more rooms next week', T),
    ev('run-old-ok', 'planning', 'Plan to create', T + 1000, {
      resource: 'scaleway_baremetal_server.bbb["bbb-par2-aaaaaa"]',
    }),
    ev('run-old-ok', 'progress', 'Creating...', T + 2000, {
      resource: 'scaleway_baremetal_server.bbb["bbb-par2-aaaaaa"]',
    }),
    ev('run-old-ok', 'succeeded', 'scale-out done: bbb-par2-aaaaaa', T + 60_000),
  ];
  const failed = aRun('run-old-failed', {
    kind: 'scale-in',
    reason: 'autoscale: bbb-par2-aaaaaa idle',
    phase: 'failed',
    nodes: ['bbb-par2-aaaaaa'],
    diagnostics: [{ severity: 'error', summary: 'Error acquiring the state lock', detail: 'Lock Info: ...' }],
    failure: { code: 'state-lock', message: 'terraform state is locked' },
    fence: 8,
    createdAt: T + 100_000,
    finishedAt: T + 110_000,
  });
  const failedEvents = [ev('run-old-failed', 'failed', 'state-lock: terraform state is locked', T + 110_000)];
  const running = aRun('run-old-running', { fence: 9, createdAt: T + 200_000 });
  const runningEvents = [ev('run-old-running', 'applying', 'applying', T + 201_000)];
  const decisions: AutoscaleDecision[] = [
    {
      action: 'scale-out',
      reason: 'hot for 10 min',
      count: 1,
      usedShare: 0.8,
      fleetSize: 2,
      runId: 'run-old-ok',
      at: T,
    },
    { action: 'scale-out-held', reason: 'cool-down', usedShare: 0.82, fleetSize: 3, at: T + 30_000 },
    { action: 'cordon', reason: 'cold', nodeId: 'bbb-par2-aaaaaa', usedShare: 0.1, fleetSize: 3, at: T + 90_000 },
  ];
  const state = {
    ...emptyAutoscaleState(),
    lastScaleOutAt: T,
    draining: { 'bbb-par2-aaaaaa': { since: T + 90_000, reason: 'cold', stage: 'cordoned' as const } },
  };
  const provisioned = {
    name: 'bbb-par2-aaaaaa',
    hostname: 'a.example.org',
    ipv4: '192.0.2.7',
    runId: 'run-old-ok',
    at: T,
  };

  beforeAll(async () => {
    await h.start();
    redis = new Redis(h.redis.url);
    await oldRun(redis, succeeded, okEvents);
    await oldRun(redis, failed, failedEvents);
    await oldRun(redis, running, runningEvents);
    await redis.set(oldKeys.run('run-old-broken'), '{not json');
    await redis.zadd(oldKeys.runs, T + 300_000, 'run-old-broken');
    // Two ticks, as the old AutoscaleService saved them.
    await oldSaveAutoscale(redis, 0, emptyAutoscaleState(), decisions.slice(0, 2));
    await oldSaveAutoscale(redis, 1, state, decisions.slice(2));
    await oldAddProvisioned(redis, [provisioned]);
  });
  afterAll(async () => {
    redis?.disconnect();
    await h.stop();
  });

  it('copies every run with its events, the decisions, the state and the provisioned nodes, and the API shows them as before', async () => {
    const { report, out } = await run();
    expect(report).toMatchObject({
      runs: { copied: 3, alreadyThere: 0, skipped: [{ id: 'run-old-broken', reason: 'not a valid run record' }] },
      events: okEvents.length + failedEvents.length + runningEvents.length,
      decisions: { copied: 3, alreadyThere: 0, skipped: [] },
      provisionedNodes: { copied: 1, alreadyThere: 0, skipped: [] },
      autoscaleState: 'copied',
    });
    expect(out).toContain('runs: 3 copied, 0 already there, 1 skipped');

    const { runs, decisions: shown } = await h.bus.request(contracts.listRuns, { limit: 50 });
    expect(runs.map((r) => r.id)).toEqual(['run-old-running', 'run-old-failed', 'run-old-ok']);
    const { events: _e, resources: _r, ...okSummary } = succeeded;
    expect(runs[2]).toEqual(okSummary);
    expect(runs[1]).toMatchObject({
      requestedBy: 'autoscaler',
      failure: failed.failure,
      diagnostics: failed.diagnostics,
    });
    expect(shown).toEqual([...decisions].reverse());
    expect(await h.bus.request(contracts.getRun, { runId: 'run-old-ok' })).toEqual({ ...succeeded, events: okEvents });
  });

  it('ends a run Redis still showed running as interrupted, so a new run can start', async () => {
    const old = await h.bus.request(contracts.getRun, { runId: 'run-old-running' });
    expect(old).toMatchObject({ phase: 'failed', failure: { code: 'interrupted' }, finishedAt: T + 201_000 });
    expect(old.events.map((e) => e.phase)).toEqual(['applying', 'failed']);
    h.dir.scenario('init-fails');
    const { runId } = await h.bus.request(contracts.scaleOut, { count: 1, reason: 'after the upgrade' });
    const next = await h.finished(runId);
    // New runs are fenced above every imported one.
    expect(next.fence).toBeGreaterThan(running.fence);
  });

  it('keeps the autoscale memory and the provisioned nodes', async () => {
    const client = new Client({ connectionString: h.databaseUrl });
    await client.connect();
    try {
      const s = await client.query<{ state: unknown }>('SELECT state FROM autoscale_state');
      expect(s.rows).toEqual([{ state }]);
      const n = await client.query('SELECT name, hostname, ipv4, run_id FROM provisioned_nodes');
      expect(n.rows).toEqual([
        { name: provisioned.name, hostname: 'a.example.org', ipv4: '192.0.2.7', run_id: 'run-old-ok' },
      ]);
    } finally {
      await client.end();
    }
  });

  it('copies nothing the second time, and leaves Redis as it was', async () => {
    const before = (await redis.keys('ens:prov:*')).sort();
    const { report, out } = await run();
    expect(report).toMatchObject({
      runs: { copied: 0, alreadyThere: 3 },
      events: 0,
      decisions: { copied: 0, alreadyThere: 3 },
      provisionedNodes: { copied: 0, alreadyThere: 1 },
      autoscaleState: 'already there',
    });
    expect(out).toContain('runs: 0 copied, 3 already there, 1 skipped');
    expect((await redis.keys('ens:prov:*')).sort()).toEqual(before);
    const { runs, decisions: shown } = await h.bus.request(contracts.listRuns, { limit: 50 });
    expect(runs.filter((r) => r.id.startsWith('run-old-'))).toHaveLength(3);
    expect(shown).toHaveLength(3);
  });
});
