import type { Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import { sql, type Kysely } from 'kysely';
import { gatewayDatabase, startGatewayPostgres } from '../db/gateway-db.test-support.js';
import type { GatewayTables } from '../db/schema.js';
import { AuditRepository, type NewAuditEvent } from './audit.repository.js';

const event = (over: Partial<NewAuditEvent> = {}): NewAuditEvent => ({
  actor: 'ada',
  actorKind: 'ops-token',
  action: 'node.update',
  target: 'bbb-1',
  clientAddress: '203.0.113.7',
  details: { state: 'cordoned' },
  ...over,
});

describe('the audit repository on PostgreSQL', () => {
  let server: PostgresServer;
  let database: Database;
  let db: Kysely<GatewayTables>;
  let audit: AuditRepository;
  const page = (q: Partial<Parameters<AuditRepository['page']>[0]> = {}) => audit.page({ limit: 50, ...q });

  beforeAll(async () => {
    server = await startGatewayPostgres();
  });
  beforeEach(async () => {
    ({ database, db } = await gatewayDatabase(server));
    audit = new AuditRepository(db);
  });
  afterEach(() => database?.close());
  afterAll(() => server?.stop());

  it('appends a pending event with who, what, when and from where', async () => {
    const before = Date.now();
    const id = await audit.append(event());
    const { events } = await page();
    expect(events).toEqual([
      {
        id,
        at: expect.any(Number),
        actor: 'ada',
        actorKind: 'ops-token',
        action: 'node.update',
        target: 'bbb-1',
        clientAddress: '203.0.113.7',
        outcome: 'pending',
        errorCode: null,
        details: { state: 'cordoned' },
      },
    ]);
    expect(events[0]!.at).toBeGreaterThanOrEqual(before - 1000);
  });

  it('records an outcome once: ok with what the answer adds, refused or failed with the error code', async () => {
    const ok = await audit.append(event({ action: 'node.register', target: null, details: { engine: 'bbb' } }));
    await audit.outcome(ok, { outcome: 'ok', details: { nodeId: 'bbb-9' }, target: 'bbb-9' });
    const refused = await audit.append(event());
    await audit.outcome(refused, { outcome: 'refused', errorCode: 'not-found' });
    const failed = await audit.append(event({ target: 'bbb-2' }));
    await audit.outcome(failed, { outcome: 'failed', errorCode: 'unavailable' });
    // Written once: a late second outcome does not change the first.
    await audit.outcome(refused, { outcome: 'ok' });
    const byId = Object.fromEntries((await page()).events.map((e) => [e.id, e]));
    expect(byId[ok]).toMatchObject({
      outcome: 'ok',
      errorCode: null,
      target: 'bbb-9',
      details: { engine: 'bbb', nodeId: 'bbb-9' },
    });
    expect(byId[refused]).toMatchObject({ outcome: 'refused', errorCode: 'not-found', target: 'bbb-1' });
    expect(byId[failed]).toMatchObject({ outcome: 'failed', errorCode: 'unavailable', target: 'bbb-2' });
  });

  it('keeps a target given before the action, whatever the answer says', async () => {
    const id = await audit.append(event({ target: 'bbb-1' }));
    await audit.outcome(id, { outcome: 'ok', target: 'other' });
    expect((await page()).events[0]).toMatchObject({ target: 'bbb-1', outcome: 'ok' });
  });

  it('pages newest first by id: `next` leads to the following page, null on the last', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await audit.append(event({ target: `bbb-${i}` })));
    const first = await page({ limit: 2 });
    expect(first.events.map((e) => e.id)).toEqual([ids[4], ids[3]]);
    const second = await page({ limit: 2, before: first.next! });
    expect(second.events.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    const last = await page({ limit: 2, before: second.next! });
    expect(last).toEqual({ events: [expect.objectContaining({ id: ids[0] })], next: null });
  });

  it('filters by actor, action, target and since, combined', async () => {
    const a = await audit.append(event({ actor: 'ada', action: 'node.update', target: 'bbb-1' }));
    const b = await audit.append(event({ actor: 'bob', action: 'node.remove', target: 'bbb-1' }));
    const c = await audit.append(event({ actor: 'ada', action: 'node.panic', target: 'bbb-2' }));
    await db
      .updateTable('audit_events')
      .set({ at: sql`now() - interval '2 days'` } as never)
      .where('id', '=', a)
      .execute();
    const ids = async (q: Parameters<typeof page>[0]) => (await page(q)).events.map((e) => e.id);
    expect(await ids({ actor: 'ada' })).toEqual([c, a]);
    expect(await ids({ action: 'node.remove' })).toEqual([b]);
    expect(await ids({ target: 'bbb-1' })).toEqual([b, a]);
    expect(await ids({ since: Date.now() - 86_400_000 })).toEqual([c, b]);
    expect(await ids({ actor: 'ada', target: 'bbb-1' })).toEqual([a]);
    expect(await ids({ actor: 'nobody' })).toEqual([]);
  });

  it('refuses an actor kind or outcome outside the vocabulary (check constraints)', async () => {
    await expect(
      sql`INSERT INTO audit_events (actor, actor_kind, action, outcome) VALUES ('x', 'root', 'node.update', 'ok')`.execute(
        db,
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      sql`INSERT INTO audit_events (actor, actor_kind, action, outcome) VALUES ('x', 'ops-token', 'node.update', 'maybe')`.execute(
        db,
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('records a personal token as its own kind of actor (migration 008)', async () => {
    await audit.append(event({ actor: 'ci-bot', actorKind: 'operator-token' }));
    const { events } = await audit.page({ actor: 'ci-bot', limit: 5 });
    expect(events).toEqual([expect.objectContaining({ actor: 'ci-bot', actorKind: 'operator-token' })]);
  });

  it('answers a filtered page from an index, without reading the table', async () => {
    for (let i = 0; i < 3; i++) await audit.append(event({ actor: `op-${i}` }));
    await sql`SET enable_seqscan = off`.execute(db);
    const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT * FROM audit_events
      WHERE actor = 'op-1' AND id < 100 ORDER BY id DESC LIMIT 51`.execute(db);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan\S* .*using audit_events_actor/);
  });
});
