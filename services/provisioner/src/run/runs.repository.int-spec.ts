import type { RunEvent, RunRecord } from '@ensemble/contracts';
import type { Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import { sql, type Kysely } from 'kysely';
import type { ProvisionerTables } from '../db/schema.js';
import { provisionerDatabase, startProvisionerPostgres } from '../db/provisioner-db.test-support.js';
import { RunsRepository, queuedRun, type NewRun } from './runs.repository.js';

const HOUR = 3_600_000;
let n = 0;
const aRun = (over: Partial<NewRun> = {}): NewRun => ({
  ...queuedRun({
    id: `run-test-${++n}`,
    kind: 'scale-out',
    reason: 'fleet hot',
    requestedBy: 'alice',
    params: { count: 2, offer: 'GP-BM1-M', zone: 'fr-par-2' },
  }),
  createdAt: 1_700_000_000_000 + n,
  ...over,
});
const event = (runId: string, message: string, over: Partial<RunEvent> = {}): RunEvent => ({
  runId,
  phase: 'progress',
  message,
  at: 1_700_000_000_000,
  ...over,
});

describe('provisioning runs on PostgreSQL', () => {
  let server: PostgresServer;
  let database: Database;
  let runs: RunsRepository;
  let db: Kysely<ProvisionerTables>;
  /** Each test starts with no run holding the slot. */
  let claimed: RunRecord[] = [];

  const claim = async (over: Partial<NewRun> = {}, leaseMs = HOUR) => {
    const got = await runs.claim(aRun(over), leaseMs);
    if (!('run' in got)) throw new Error(`slot held by ${got.heldBy}`);
    claimed.push(got.run);
    return got.run;
  };

  beforeAll(async () => {
    server = await startProvisionerPostgres();
    ({ database, db } = await provisionerDatabase(server));
    runs = new RunsRepository(db);
  });
  afterEach(async () => {
    for (const r of claimed) await runs.finish({ ...r, finishedAt: Date.now() });
    claimed = [];
  });
  afterAll(async () => {
    await database?.close();
    await server?.stop();
  });

  it('starts a run and gives it back with who asked, what was asked and a fencing number', async () => {
    const run = await claim({ nodes: ['bbb-par2-aaaaaa'], offer: 'GP-BM1-M', zone: 'fr-par-2' });
    expect(run).toMatchObject({ phase: 'queued', requestedBy: 'alice', nodes: ['bbb-par2-aaaaaa'], finishedAt: null });
    expect(run.fence).toBeGreaterThan(0);
    expect(await runs.get(run.id)).toEqual({ ...run, events: [] });
    expect(await runs.active()).toBe(run.id);
  });

  it('starts exactly one of two runs claimed at once, and names it to the other', async () => {
    const results = await Promise.all([runs.claim(aRun(), HOUR), runs.claim(aRun(), HOUR)]);
    const started = results.flatMap((r) => ('run' in r ? [r.run] : []));
    const refused = results.flatMap((r) => ('heldBy' in r ? [r.heldBy] : []));
    claimed.push(...started);
    expect(started).toHaveLength(1);
    expect(refused).toEqual([started[0]!.id]);
  });

  it('refuses a claim while a run holds the slot, and starts the next once it finished', async () => {
    const first = await claim();
    expect(await runs.claim(aRun(), HOUR)).toEqual({ heldBy: first.id });
    const done = { ...first, phase: 'succeeded' as const, registered: ['bbb-x'], finishedAt: Date.now() };
    expect(await runs.finish(done)).toBe(true);
    claimed = [];
    expect(await runs.active()).toBeNull();
    const second = await claim();
    expect(await runs.get(first.id)).toMatchObject({
      phase: 'succeeded',
      registered: ['bbb-x'],
      finishedAt: done.finishedAt,
    });
    expect(await runs.active()).toBe(second.id);
  });

  it('marks a run whose lease ran out interrupted, with an event, at the next claim, which then starts', async () => {
    const dead = await runs.claim(aRun(), 0); // a lease of 0 ms has run out by the next statement
    if (!('run' in dead)) throw new Error('not claimed');
    expect(await runs.active()).toBeNull();
    const next = await claim();
    const gone = await runs.get(dead.run.id);
    expect(gone).toMatchObject({ phase: 'failed', failure: { code: 'interrupted' } });
    expect(gone.finishedAt).not.toBeNull();
    expect(gone.events).toEqual([
      expect.objectContaining({ phase: 'failed', message: expect.stringContaining('interrupted') }),
    ]);
    expect(await runs.active()).toBe(next.id);
    // Its provisioner, back, can no longer renew, record progress or end it.
    expect(await runs.renew(dead.run.id, HOUR)).toBe(false);
    expect(await runs.save({ ...dead.run, phase: 'applying' })).toBe(false);
    expect(await runs.finish({ ...dead.run, phase: 'succeeded', finishedAt: Date.now() })).toBe(false);
    expect((await runs.get(dead.run.id)).phase).toBe('failed');
  });

  it('reaps expired runs on demand and leaves a live lease alone', async () => {
    const dead = await runs.claim(aRun(), 0);
    if (!('run' in dead)) throw new Error('not claimed');
    expect(await runs.reapExpired()).toEqual([dead.run.id]);
    const live = await claim();
    expect(await runs.reapExpired()).toEqual([]);
    expect(await runs.renew(live.id, HOUR)).toBe(true);
    expect(await runs.active()).toBe(live.id);
  });

  it('records progress while the run holds the slot', async () => {
    const run = await claim();
    const progress: RunRecord = {
      ...run,
      phase: 'applying',
      nodes: ['bbb-a'],
      changes: { add: 1, change: 0, remove: 0 },
      resources: [{ address: 'scaleway_baremetal_server.bbb["bbb-a"]', action: 'create', status: 'applying' }],
      diagnostics: [{ severity: 'warning', summary: 'w', detail: 'd' }],
    };
    expect(await runs.save(progress)).toBe(true);
    expect(await runs.get(run.id)).toEqual({ ...progress, events: [] });
  });

  it('keeps events in the order written and shows the last ones of a long run', async () => {
    const run = await claim();
    await runs.appendEvent(event(run.id, 'first', { phase: 'queued' }));
    await runs.appendEvent(
      event(run.id, 'second', {
        resource: 'scaleway_baremetal_server.bbb["a"]',
        diagnostic: { severity: 'error', summary: 's', detail: 'd', address: 'x' },
      }),
    );
    expect((await runs.get(run.id)).events).toEqual([
      event(run.id, 'first', { phase: 'queued' }),
      event(run.id, 'second', {
        resource: 'scaleway_baremetal_server.bbb["a"]',
        diagnostic: { severity: 'error', summary: 's', detail: 'd', address: 'x' },
      }),
    ]);
    await sql`INSERT INTO provisioning_run_events (run_id, phase, message, at)
              SELECT ${run.id}, 'progress', 'e' || i, 1 FROM generate_series(1, 1005) i`.execute(db);
    const { events } = await runs.get(run.id);
    expect(events).toHaveLength(1000);
    expect(events.at(0)!.message).toBe('e6');
    expect(events.at(-1)!.message).toBe('e1005');
  });

  it('lists runs newest first, bounded, without events or resources', async () => {
    const a = await claim({ createdAt: 1_800_000_000_001 });
    await runs.appendEvent(event(a.id, 'x'));
    await runs.finish({ ...a, phase: 'failed', finishedAt: 1_800_000_000_002 });
    claimed = [];
    const b = await claim({ createdAt: 1_800_000_000_003, kind: 'scale-in', params: { nodeId: 'bbb-a' } });
    const listed = await runs.list(2);
    expect(listed.map((r) => r.id)).toEqual([b.id, a.id]);
    expect(listed[0]).not.toHaveProperty('events');
    expect(listed[0]).not.toHaveProperty('resources');
    expect(listed[1]).toMatchObject({ phase: 'failed', finishedAt: 1_800_000_000_002, requestedBy: 'alice' });
  });

  it('forgets a claim withdrawn before anything started, and frees the slot', async () => {
    const run = await claim();
    await runs.abandon(run.id);
    claimed = [];
    await expect(runs.get(run.id)).rejects.toMatchObject({ code: 'not-found' });
    expect(await runs.active()).toBeNull();
  });

  it('tells when the latest run of a kind asked for by someone started', async () => {
    expect(await runs.lastStarted('scale-out', 'nobody-asked')).toBeNull();
    const r = await claim({ requestedBy: 'autoscaler-test', createdAt: 1_900_000_000_000 });
    expect(await runs.lastStarted('scale-out', 'autoscaler-test')).toBe(r.createdAt);
    expect(await runs.lastStarted('scale-in', 'autoscaler-test')).toBeNull();
  });

  it('answers not-found for a run it does not have', async () => {
    await expect(runs.get('run-nope')).rejects.toMatchObject({ code: 'not-found' });
  });
});
