import type { AutoscaleDecision } from '@ensemble/contracts';
import type { Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import type { Kysely } from 'kysely';
import { provisionerDatabase, startProvisionerPostgres } from '../db/provisioner-db.test-support.js';
import type { ProvisionerTables } from '../db/schema.js';
import { emptyAutoscaleState } from './autoscale-state.js';
import { AutoscaleRepository } from './autoscale.repository.js';

const decision = (over: Partial<AutoscaleDecision> = {}): AutoscaleDecision => ({
  action: 'scale-out',
  reason: 'hot for 10 min',
  count: 2,
  usedShare: 0.81,
  fleetSize: 3,
  runId: 'run-abc',
  at: 1_700_000_000_000,
  ...over,
});

describe('autoscale state and decisions on PostgreSQL', () => {
  let server: PostgresServer;
  let database: Database;
  let db: Kysely<ProvisionerTables>;
  let store: AutoscaleRepository;

  beforeAll(async () => {
    server = await startProvisionerPostgres();
  });
  beforeEach(async () => {
    await database?.close();
    ({ database, db } = await provisionerDatabase(server));
    store = new AutoscaleRepository(db);
  });
  afterAll(async () => {
    await database?.close();
    await server?.stop();
  });

  it('starts from an empty state at revision 0', async () => {
    expect(await store.load()).toEqual({ rev: 0, state: emptyAutoscaleState() });
    expect(await store.decisions(10)).toEqual([]);
  });

  it('saves a state with its decisions over the revision read, and gives both back', async () => {
    const state = { ...emptyAutoscaleState(), hotSince: 5, lastScaleOutAt: 7 };
    const held = decision({ action: 'scale-out-held', reason: 'cool-down', count: undefined, runId: undefined });
    expect(await store.save(0, state, [decision(), held])).toBe(true);
    expect(await store.load()).toEqual({ rev: 1, state });
    expect(await store.decisions(10)).toEqual([
      { action: 'scale-out-held', reason: 'cool-down', usedShare: 0.81, fleetSize: 3, at: 1_700_000_000_000 },
      decision(),
    ]);
    const rows = await db
      .selectFrom('autoscale_decisions')
      .select(['action', 'held', 'run_id'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { action: 'scale-out', held: false, run_id: 'run-abc' },
      { action: 'scale-out-held', held: true, run_id: null },
    ]);
  });

  it('keeps one of two ticks saved over the same revision, and none of the loser’s decisions', async () => {
    await store.save(0, emptyAutoscaleState(), []);
    const results = await Promise.all([
      store.save(1, { ...emptyAutoscaleState(), hotSince: 1 }, [decision({ reason: 'a' })]),
      store.save(1, { ...emptyAutoscaleState(), hotSince: 2 }, [decision({ reason: 'b' })]),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const { rev, state } = await store.load();
    const decisions = await store.decisions(10);
    expect(rev).toBe(2);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.reason).toBe(state.hotSince === 1 ? 'a' : 'b');
  });

  it('keeps one of two first saves', async () => {
    const results = await Promise.all([
      store.save(0, emptyAutoscaleState(), [decision()]),
      store.save(0, emptyAutoscaleState(), [decision()]),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.decisions(10)).toHaveLength(1);
  });

  it('refuses a save over a stale revision and writes nothing', async () => {
    await store.save(0, emptyAutoscaleState(), []);
    await store.save(1, emptyAutoscaleState(), []);
    expect(await store.save(1, { ...emptyAutoscaleState(), coldSince: 9 }, [decision()])).toBe(false);
    expect(await store.load()).toEqual({ rev: 2, state: emptyAutoscaleState() });
    expect(await store.decisions(10)).toEqual([]);
  });

  it('lists decisions newest first, bounded', async () => {
    await store.save(0, emptyAutoscaleState(), [decision({ reason: '1' }), decision({ reason: '2' })]);
    await store.save(1, emptyAutoscaleState(), [decision({ reason: '3' })]);
    expect((await store.decisions(2)).map((d) => d.reason)).toEqual(['3', '2']);
  });

  it('starts over from an empty state when the stored one is unreadable', async () => {
    await db
      .insertInto('autoscale_state')
      .values({ id: 1, rev: 4, state: JSON.stringify({ hotSince: 'x' }) })
      .execute();
    expect(await store.load()).toEqual({ rev: 4, state: emptyAutoscaleState() });
  });
});
