import { signedApiUrl } from '@ensemble/shared';
import { waitFor } from '@ensemble/testing';
import { FleetStack, OPS_TOKEN, SseClient } from './fleet-stack.test-support.js';

/** Node states against a live fleet: bbb-sim nodes polled by a real collector. */
describe('node lifecycle on a live fleet', () => {
  const stack = new FleetStack();
  const state = async (id: string) => ((await stack.node(id)) as { state: string }).state;
  const setState = (id: string, s: string, by = 'erin') =>
    stack.json('PATCH', `/api/ops/nodes/${id}`, { state: s }, { 'x-ensemble-operator': by });
  const sim = (id: string) => stack.sim.nodes.find((n) => n.id === id)!;
  /** Ends a meeting on a simulated node as its own users would (BBB `end`, signed with the node's secret). */
  const endOnNode = (id: string, meetingID: string) =>
    fetch(signedApiUrl(sim(id).apiUrl, 'end', { meetingID }, sim(id).secret, 'sha256'));

  beforeAll(async () => {
    // A short pending TTL: a cordoned node is "empty" once its recent placements are old enough for a poll to see.
    await stack.start({ nodes: 3, scheduler: { PENDING_TTL_S: '0.5', NODE_VERSION_REFRESH_S: '1' } });
    await waitFor('all online', async () => {
      const c = await stack.json('GET', '/api/ops/cluster');
      return c.totals.online === 3;
    });
  });
  afterAll(() => stack.stop());

  it('lists nodes with their version, capacity share and totals, and shows one', async () => {
    const c = await stack.json('GET', '/api/ops/cluster');
    expect(c.totals).toMatchObject({ nodes: 3, online: 3, placeable: 3, states: { enabled: 3 } });
    await waitFor('versions read', async () => (await stack.node('bbb-1')).version === '3.0.0');
    expect(await stack.node('bbb-2')).toMatchObject({ id: 'bbb-2', capacityShare: 0.3333, placeable: true });
    const { nodes } = await stack.json('GET', '/api/ops/nodes');
    expect(nodes.map((n: { id: string }) => n.id)).toEqual(['bbb-1', 'bbb-2', 'bbb-3']);
    expect(JSON.stringify(nodes)).not.toContain(sim('bbb-1').secret);
  });

  it('reads the version of an online node again, so an upgrade in place shows', async () => {
    await waitFor('version read', async () => (await stack.node('bbb-3')).version === '3.0.0');
    sim('bbb-3').setVersion('3.0.4');
    await waitFor('new version read', async () => (await stack.node('bbb-3')).version === '3.0.4', {
      timeoutMs: 10_000,
    });
    expect(await state('bbb-3')).toBe('enabled');
  });

  it('answers an unknown node with 404 and a bad id or body with 400', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/ops/nodes/ghost', undefined],
      ['PATCH', '/api/ops/nodes/ghost', { state: 'enabled' }],
      ['DELETE', '/api/ops/nodes/ghost', undefined],
      ['POST', '/api/ops/nodes/ghost/panic', undefined],
      ['GET', '/api/ops/rooms/nowhere', undefined],
    ] as const) {
      const res = await stack.ops(method, path, body);
      expect([path, res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
        path,
        404,
        'not-found',
      ]);
    }
    for (const [path, body, headers] of [
      ['/api/ops/nodes/BAD.ID', { state: 'enabled' }, {}],
      ['/api/ops/nodes/bbb-1', { state: 'asleep' }, {}],
      ['/api/ops/nodes/bbb-1', {}, {}],
      ['/api/ops/nodes/bbb-1', { state: 'enabled', secret: 'x' }, {}],
      ['/api/ops/nodes/bbb-1', { state: 'enabled' }, { 'x-ensemble-operator': 'evil name!' }],
    ] as const) {
      const res = await stack.ops('PATCH', path, body, headers);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
  });

  it('keeps a cordoned node running its rooms and taking their joins, but gives it no new room', async () => {
    const first = await stack.place('cordon-room');
    const on = first.nodeId;
    sim(on).seedMeetings([{ meetingID: 'cordon-room', participants: 3 }]);
    expect(await setState(on, 'cordoned')).toMatchObject({ id: on, state: 'cordoned' });
    const polled = Date.now();
    await waitFor('a poll after the cordon', async () => (await stack.node(on)).lastSample?.at > polled + 600);
    expect(await state(on)).toBe('cordoned');
    expect((await stack.json('GET', '/api/ops/rooms/cordon-room')).nodeId).toBe(on);
    expect(await stack.place('cordon-room')).toMatchObject({ nodeId: on, outcome: 'existing' });
    for (let i = 0; i < 6; i++) expect((await stack.place(`elsewhere-${i}`)).nodeId).not.toBe(on);
    expect(stack.logs.join('\n')).toMatch(new RegExp(`"node updated".*"nodeId":"${on}".*"by":"erin"`));
  });

  it('disables a cordoned node by itself once its meetings have ended', async () => {
    const { nodeId: on } = await stack.json('GET', '/api/ops/rooms/cordon-room');
    expect(await (await endOnNode(on, 'cordon-room')).text()).toContain('SUCCESS');
    await waitFor('auto-disabled', async () => (await state(on)) === 'disabled', { timeoutMs: 10_000 });
    // The event is told after the change (and after its write to PostgreSQL): it follows the state.
    const told = new RegExp(`"cordoned node empty: disabled".*"nodeId":"${on}".*"by":"scheduler"`);
    await waitFor('told as a fleet change', async () => told.test(stack.logs.join('\n')), { timeoutMs: 10_000 });
    await setState(on, 'enabled');
  });

  it('frees the room of a meeting that ended on its node, and places its next meeting by the size it reached', async () => {
    const p = await stack.place('weekly-class');
    sim(p.nodeId).seedMeetings([{ meetingID: 'weekly-class', participants: 25 }]);
    const seeded = Date.now();
    await waitFor(
      'polls after the pending TTL',
      async () => (await stack.node(p.nodeId)).lastSample?.at > seeded + 700,
    );
    expect(await stack.place('weekly-class')).toMatchObject({ nodeId: p.nodeId, outcome: 'existing' });
    expect(await (await endOnNode(p.nodeId, 'weekly-class')).text()).toContain('SUCCESS');
    await waitFor('room released', async () => (await stack.ops('GET', '/api/ops/rooms/weekly-class')).status === 404);
    expect(stack.logs.join('\n')).toMatch(new RegExp(`"ended rooms released".*"nodeId":"${p.nodeId}"`));
    const again = await stack.place('weekly-class');
    expect(again.outcome).toBe('new');
    expect((await stack.node(again.nodeId)).pendingLoad).toBe(26); // its peak 25 + meeting weight, not the default 6
  });

  it('moves the rooms of a disabled node on their next join', async () => {
    const p = await stack.place('moving-room');
    sim(p.nodeId).seedMeetings([{ meetingID: 'moving-room', participants: 2 }]); // running: never released as ended
    await setState(p.nodeId, 'disabled');
    const next = await stack.place('moving-room');
    expect(next).toMatchObject({ outcome: 'moved', previousNodeId: p.nodeId });
    expect(next.nodeId).not.toBe(p.nodeId);
    expect((await stack.json('GET', '/api/ops/rooms/moving-room')).nodeId).toBe(next.nodeId);
    await setState(p.nodeId, 'enabled');
  });

  it('panics a node: its meetings end on the node, its rooms re-create elsewhere on their next join', async () => {
    await setState('bbb-2', 'disabled');
    await setState('bbb-3', 'disabled');
    for (const k of ['panic-a', 'panic-b']) expect((await stack.place(k)).nodeId).toBe('bbb-1');
    sim('bbb-1').seedMeetings([
      { meetingID: 'panic-a', participants: 4 },
      { meetingID: 'panic-b', participants: 2 },
      { meetingID: 'not-ours', participants: 1 },
    ]);
    await setState('bbb-2', 'enabled');
    const res = await stack.ops('POST', '/api/ops/nodes/bbb-1/panic', undefined, { 'x-ensemble-operator': 'frank' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      node: { id: 'bbb-1', state: 'disabled' },
      ended: 3,
      failed: 0,
      released: expect.any(Number),
    });
    expect(sim('bbb-1').meetings()).toHaveLength(0);
    expect((await stack.ops('GET', '/api/ops/rooms/panic-b')).status).toBe(404); // released
    expect(await stack.place('panic-a')).toMatchObject({ nodeId: 'bbb-2', outcome: 'new' });
    expect(stack.logs.join('\n')).toMatch(/"node panic ended meetings".*"by":"frank"/);
    await setState('bbb-1', 'enabled');
    await setState('bbb-3', 'enabled');
  });

  it('removes a node', async () => {
    expect(await stack.json('DELETE', '/api/ops/nodes/bbb-3')).toEqual({ removed: true });
    expect((await stack.ops('GET', '/api/ops/nodes/bbb-3')).status).toBe(404);
    await stack.json('POST', '/api/ops/nodes', { id: 'bbb-3', url: sim('bbb-3').baseUrl, secret: sim('bbb-3').secret });
  });

  describe('the event stream', () => {
    it('shows a load sample and a health transition, each within a poll or so', async () => {
      const sse = new SseClient();
      const res = await sse.open(`${stack.gateway.url}/api/ops/events`, { authorization: `Bearer ${OPS_TOKEN}` });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const load = await waitFor('a load sample', () => sse.events.find((e) => e.event === 'load'), {
        timeoutMs: 15_000,
      });
      expect(load.data).toMatchObject({ engine: 'bbb', reachable: true });
      expect(load.data).not.toHaveProperty('runningMeetings'); // the meeting list stays with the scheduler
      await sim('bbb-2').setFault({ mode: 'down' });
      const offline = await waitFor(
        'a health transition',
        () => sse.events.find((e) => e.event === 'health' && e.data.nodeId === 'bbb-2'),
        { timeoutMs: 15_000 },
      );
      expect(offline.data).toMatchObject({ health: 'offline', previous: 'online' });
      await sim('bbb-2').setFault({ mode: 'none' });
      await setState('bbb-2', 'cordoned', 'grace');
      await waitFor('a fleet change', () => sse.events.find((e) => e.event === 'fleet' && e.data.by === 'grace'));
      await waitFor('a heartbeat', () => sse.comments > 0);
      expect(JSON.stringify(sse.events)).not.toContain(sim('bbb-2').secret);
      sse.close();
      await sse.done;
      await waitFor('client gone', async () =>
        /ensemble_gateway_sse_clients\{[^}]*\} 0/.test(await (await fetch(`${stack.gateway.url}/metrics`)).text()),
      );
    });

    it('takes a short-lived ticket instead of the token (EventSource), and refuses a missing or forged one', async () => {
      const { ticket, expiresAt } = await stack.json('POST', '/api/ops/events/ticket');
      expect(expiresAt).toBeGreaterThan(Date.now());
      const sse = new SseClient();
      expect((await sse.open(`${stack.gateway.url}/api/ops/events?ticket=${encodeURIComponent(ticket)}`)).status).toBe(
        200,
      );
      await waitFor('hello', () => sse.events.find((e) => e.event === 'hello'));
      sse.close();
      for (const url of ['/api/ops/events', '/api/ops/events?ticket=1.abc', `/api/ops/events?ticket=${ticket}x`]) {
        const res = await fetch(`${stack.gateway.url}${url}`);
        expect([url, res.status]).toEqual([url, 401]);
      }
      const wrong = await fetch(`${stack.gateway.url}/api/ops/events`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      // The ticket opens the stream only, not the rest of the ops API.
      expect((await fetch(`${stack.gateway.url}/api/ops/cluster?ticket=${ticket}`)).status).toBe(401);
    });
  });
});
