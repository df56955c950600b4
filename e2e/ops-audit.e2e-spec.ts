import { auditPageSchema, contracts, type AuditEvent } from '@ensemble/contracts';
import { loadSample } from '@ensemble/testing';
import { Client } from 'pg';
import { OpsStack } from './ops-stack.test-support.js';

const TOKEN = 'audit-ops-token-0123456789';
const SECRET = 'node-secret-never-audited';
const URL_PASSWORD = 'url-password-never-audited';

/**
 * Every mutating ops route writes its audit row (who, what, target, from where, outcome)
 * before it acts, never a secret; without the gateway's PostgreSQL a change is refused
 * with a typed 503 and nothing changes.
 */
describe('the audit log of the ops API', () => {
  const stack = new OpsStack(TOKEN, { 'x-ensemble-operator': 'ada' });
  const call = stack.call.bind(stack);
  const audit = async (query = ''): Promise<AuditEvent[]> => {
    const res = await call('GET', `/api/ops/audit${query}`);
    expect(res.status).toBe(200);
    return auditPageSchema.parse(await res.json()).events;
  };
  /** Every column of every audit row as text, straight from the table. */
  const tableText = async () => {
    const c = new Client({ connectionString: stack.postgres.url });
    await c.connect();
    try {
      return JSON.stringify((await c.query('SELECT * FROM audit_events')).rows);
    } finally {
      await c.end();
    }
  };

  beforeAll(
    () =>
      stack.start({
        // The gateway's PostgreSQL apart from the scheduler's: stopping it leaves the scheduler able to act.
        schedulerPostgresApart: true,
        // The test talks from loopback as a proxy would: X-Forwarded-For is believed from it.
        gatewayEnv: { TRUSTED_PROXIES: '127.0.0.1,::1' },
      }),
    60_000,
  );
  afterAll(() => stack.stop());

  it('records every mutating route with actor, target, client address and outcome, and never a secret', async () => {
    const from = { 'x-forwarded-for': '203.0.113.7' };
    const registered = await call(
      'POST',
      '/api/ops/nodes',
      { id: 'bbb-a', url: `http://ops:${URL_PASSWORD}@127.0.0.1:9/bigbluebutton/?k=${URL_PASSWORD}`, secret: SECRET },
      from,
    );
    expect(registered.status).toBe(201);
    expect((await call('PATCH', '/api/ops/nodes/bbb-a', { state: 'cordoned', tags: ['eu'] }, from)).status).toBe(200);
    expect((await call('PATCH', '/api/ops/nodes/bbb-a', { state: 'enabled' })).status).toBe(200);
    stack.bus.publish(contracts.loadSample, loadSample('bbb-a'));
    let placed: Response | undefined;
    for (let i = 0; i < 50 && placed?.status !== 200; i++) {
      placed = await call('POST', '/api/ops/placements', { roomKey: 'math-101', engine: 'bbb' });
      if (placed.status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(placed!.status).toBe(200);
    expect((await call('POST', '/api/ops/nodes/bbb-a/panic')).status).toBe(200);
    expect((await call('DELETE', '/api/ops/nodes/bbb-a')).status).toBe(200);
    // No provisioner listens: the scale-out fails, and the record says so.
    const scale = await call('POST', '/api/ops/scale-out', { count: 1, reason: 'exam week' });
    expect(scale.status).toBe(503);

    // Placements are the data path (they never touch PostgreSQL): not in the audit log.
    const events = (await audit()).reverse();
    expect(events.map((e) => [e.action, e.target, e.outcome, e.errorCode, e.clientAddress])).toEqual([
      ['node.register', 'bbb-a', 'ok', null, '203.0.113.7'],
      ['node.update', 'bbb-a', 'ok', null, '203.0.113.7'],
      ['node.update', 'bbb-a', 'ok', null, '127.0.0.1'],
      ['node.panic', 'bbb-a', 'ok', null, '127.0.0.1'],
      ['node.remove', 'bbb-a', 'ok', null, '127.0.0.1'],
      ['fleet.scale-out', null, 'failed', 'unavailable', '127.0.0.1'],
    ]);
    for (const e of events) expect(e).toMatchObject({ actor: 'ada', actorKind: 'ops-token' });
    expect(events[0]!.details).toEqual({
      engine: 'bbb',
      url: 'http://127.0.0.1:9/bigbluebutton/',
      loadMultiplier: 1,
      tags: [],
      state: 'enabled',
      enableWhenHealthy: false,
    });
    expect(events[1]!.details).toEqual({ state: 'cordoned', tags: ['eu'] });
    expect(events[3]!.details).toMatchObject({ released: expect.any(Number) });
    expect(events[5]!.details).toMatchObject({ count: 1, reason: 'exam week' });

    const gatewayLogs = stack.logs.filter((l) => l.includes('"service":"gateway-api"'));
    const everything = [JSON.stringify(events), await tableText(), ...gatewayLogs].join('\n');
    for (const secret of [SECRET, URL_PASSWORD, TOKEN]) expect(everything).not.toContain(secret);
  });

  it('records a refused action with its error code', async () => {
    const res = await call('PATCH', '/api/ops/nodes/nope', { state: 'cordoned' }, { 'x-ensemble-operator': 'bob' });
    expect(res.status).toBe(404);
    expect((await audit('?actor=bob'))[0]).toMatchObject({
      action: 'node.update',
      target: 'nope',
      outcome: 'refused',
      errorCode: 'not-found',
    });
  });

  it('pages newest first with `before` and `limit`, and filters by actor, action, target and since', async () => {
    const all = await audit('?limit=200');
    const first = auditPageSchema.parse(await (await call('GET', '/api/ops/audit?limit=2')).json());
    expect(first.events.map((e) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    const second = auditPageSchema.parse(
      await (await call('GET', `/api/ops/audit?limit=2&before=${first.next}`)).json(),
    );
    expect(second.events.map((e) => e.id)).toEqual(all.slice(2, 4).map((e) => e.id));
    expect((await audit('?action=node.remove')).map((e) => e.target)).toEqual(['bbb-a']);
    expect((await audit('?target=nope')).map((e) => e.actor)).toEqual(['bob']);
    expect(await audit(`?since=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);
    expect((await audit(`?since=${Date.now() - 60_000}&actor=ada`)).length).toBe(all.length - 1);
  });

  it.each([
    ['a limit over 200', '?limit=201'],
    ['an unknown action', '?action=node.explode'],
    ['an unknown filter', '?who=ada'],
    ['a malformed cursor', '?before=abc'],
    ['a malformed time', '?since=yesterday'],
  ])('answers %s with a typed 400', async (_what, query) => {
    const res = await call('GET', `/api/ops/audit${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid-input');
  });

  it('refuses a change with a typed 503 while its PostgreSQL is down, changes nothing, and audits again once back', async () => {
    expect(
      (await call('POST', '/api/ops/nodes', { id: 'bbb-b', url: 'http://127.0.0.1:9/b/', secret: SECRET })).status,
    ).toBe(201);
    await stack.postgres.process.stop();
    const res = await call('PATCH', '/api/ops/nodes/bbb-b', { state: 'disabled' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    // The scheduler (its own PostgreSQL) was never asked: the node is as it was.
    const node = (await (await call('GET', '/api/ops/nodes/bbb-b')).json()) as { state: string };
    expect(node.state).toBe('enabled');
    expect((await call('GET', '/api/ops/audit')).status).toBe(503);

    await stack.postgres.restart();
    let again: Response | undefined;
    for (let i = 0; i < 100 && again?.status !== 200; i++) {
      again = await call('PATCH', '/api/ops/nodes/bbb-b', { state: 'disabled' });
      if (again.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(again!.status).toBe(200);
    // The refused change left no row: only the registration and the change made once it was back.
    expect((await audit('?target=bbb-b')).map((e) => [e.action, e.outcome])).toEqual([
      ['node.update', 'ok'],
      ['node.register', 'ok'],
    ]);
  }, 60_000);
});
