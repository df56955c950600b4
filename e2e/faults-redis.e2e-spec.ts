import { waitFor } from '@ensemble/testing';
import { FaultStack } from './faults.test-support.js';
import { Client, signUp } from './rooms.test-support.js';

/** Redis (append-only file on) stopped and started under a running stack. */
describe('Redis restarted under a running stack', () => {
  const s = new FaultStack();
  let person: Client;
  let email: string;
  let roomId: string;
  let moderatorToken: string;
  let roomNode: string;
  let opsNode: string;
  beforeAll(() => s.start({ nodes: 2, appendOnly: true }), 60_000);
  afterAll(() => s.stop());

  /** Every call during the outage: an answer within the deadline, 503 with Retry-After. */
  const during = async (what: string, call: () => Promise<Response>) => {
    const started = Date.now();
    const res = await call();
    const body = (await res.json()) as { error?: { code: string } };
    return {
      what,
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      code: body.error?.code,
      ms: Date.now() - started,
    };
  };

  it('keeps users, sessions, rooms, assignments and node state across the restart', async () => {
    email = `redis-${Date.now()}@example.org`;
    person = await signUp(s.gateway.url, 'Ada', email);
    const room = await person.json('POST', '/api/rooms', { name: 'Kept', engine: 'bbb' });
    expect(room.status).toBe(201);
    roomId = room.body.id;
    moderatorToken = String(room.body.moderatorLink).split('/j/')[1]!;
    const joined = await person.json('POST', `/api/join/${moderatorToken}`, { displayName: 'Ada' });
    expect(joined.body.status).toBe('ready');
    roomNode = s.sim.nodes.find((n) => String(joined.body.url).startsWith(n.baseUrl))!.id;
    opsNode = (await s.place('ops-kept')).body.nodeId;
    const cordoned = s.sim.nodes.find((n) => n.id !== roomNode)!.id;
    expect((await s.ops('PATCH', `/api/ops/nodes/${cordoned}`, { state: 'cordoned', loadMultiplier: 2 })).status).toBe(
      200,
    );

    await s.redis.process.stop();
    // Answered while Redis is still down (it starts only after these): the outage is told, not waited out.
    const answers = await Promise.all([
      during('me', () => person.call('GET', '/api/me', undefined, {})),
      during('rooms', () => person.call('GET', '/api/rooms')),
      during('join', () => person.call('POST', `/api/join/${moderatorToken}`, { displayName: 'Bo' })),
      during('login', () =>
        new Client(s.gateway.url).call('POST', '/api/auth/login', { email, password: 'correct horse battery' }),
      ),
      during('placement', () => s.ops('POST', '/api/ops/placements', { roomKey: 'during-outage', engine: 'bbb' })),
    ]);
    for (const a of answers) {
      expect({ what: a.what, status: a.status, code: a.code, retryAfter: a.retryAfter }).toEqual({
        what: a.what,
        status: 503,
        code: 'unavailable',
        retryAfter: expect.stringMatching(/^\d+$/),
      });
    }
    process.stdout.write(`faults-redis: outage answers in ${answers.map((a) => `${a.what} ${a.ms} ms`).join(', ')}\n`);

    await s.redis.process.start();
    // Services reconnect by themselves: the same session works again.
    const me = await waitFor(
      'the old session to work again',
      async () => {
        const r = await person.json('GET', '/api/me');
        return r.status === 200 && r.body;
      },
      { timeoutMs: 15_000 },
    );
    expect(me.user.email).toBe(email);
    const rooms = await person.json('GET', '/api/rooms');
    expect(rooms.body.rooms.map((r: { id: string }) => r.id)).toContain(roomId);
    expect((await new Client(s.gateway.url).json('GET', `/api/join/${moderatorToken}`)).status).toBe(200);
    expect(await s.where(`ops-kept`)).toBe(opsNode);
    const again = await person.json('POST', `/api/join/${moderatorToken}`, { displayName: 'Ada' });
    expect(again.body.status).toBe('ready');
    expect(String(again.body.url).startsWith(s.sim.node(roomNode)!.baseUrl)).toBe(true);
    const node = (await s.nodes()).find((n) => n.id === cordoned);
    expect(node).toMatchObject({ state: 'cordoned', loadMultiplier: 2 });
    const login = await new Client(s.gateway.url).json('POST', '/api/auth/login', {
      email,
      password: 'correct horse battery',
    });
    expect(login.status).toBe(200);
    expect((await s.place('after-outage')).status).toBe(200);
  }, 60_000);
});
