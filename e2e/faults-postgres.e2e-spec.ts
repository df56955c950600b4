import { waitFor } from '@ensemble/testing';
import { FaultStack } from './faults.test-support.js';
import { Client, signUp } from './rooms.test-support.js';

/** PostgreSQL (accounts, rooms, links) stopped and started under a running stack. */
describe('PostgreSQL restarted under a running stack', () => {
  const s = new FaultStack();
  beforeAll(() => s.start({ nodes: 2 }), 60_000);
  afterAll(() => s.stop());

  /** One call during the outage: its status, code, Retry-After, and how long it took (printed, not asserted). */
  const during = async (what: string, call: () => Promise<Response>) => {
    const started = Date.now();
    const res = await call();
    const body = (await res.json().catch(() => ({}))) as { error?: { code: string } };
    return {
      what,
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      code: body.error?.code,
      ms: Date.now() - started,
    };
  };

  it('answers sign-ups, room writes and link lookups with a typed 503 while it is down, and recovers by itself', async () => {
    const email = `pg-${Date.now()}@example.org`;
    const person = await signUp(s.gateway.url, 'Ada', email);
    const room = await person.json('POST', '/api/rooms', { name: 'Kept', engine: 'bbb' });
    expect(room.status).toBe(201);
    const roomId = String(room.body.id);
    const participantToken = String(room.body.participantLink).split('/j/')[1]!;
    const placed = await s.place('known-room');
    expect(placed.status).toBe(200);

    await s.postgres.process.stop();
    // Asked while PostgreSQL is still down (it starts only after these): told at once, not waited out.
    const answers = await Promise.all([
      during('sign-up', () =>
        new Client(s.gateway.url).call('POST', '/api/auth/register', {
          email: `pg-down-${Date.now()}@example.org`,
          password: 'correct horse battery',
          name: 'Bo',
        }),
      ),
      during('login', () =>
        new Client(s.gateway.url).call('POST', '/api/auth/login', { email, password: 'correct horse battery' }),
      ),
      during('create room', () => person.call('POST', '/api/rooms', { name: 'Lost', engine: 'bbb' })),
      during('rename room', () => person.call('PATCH', `/api/rooms/${roomId}`, { name: 'Renamed' })),
      during('rotate links', () => person.call('POST', `/api/rooms/${roomId}/links/rotate`)),
      during('delete room', () => person.call('DELETE', `/api/rooms/${roomId}`)),
      during('link info', () => new Client(s.gateway.url).call('GET', `/api/join/${participantToken}`)),
      during('join', () =>
        new Client(s.gateway.url).call('POST', `/api/join/${participantToken}`, { displayName: 'Cy' }),
      ),
    ]);
    for (const a of answers) {
      expect({ what: a.what, status: a.status, code: a.code, retryAfter: a.retryAfter }).toEqual({
        what: a.what,
        status: 503,
        code: 'unavailable',
        retryAfter: expect.stringMatching(/^\d+$/),
      });
    }
    process.stdout.write(
      `faults-postgres: outage answers in ${answers.map((a) => `${a.what} ${a.ms} ms`).join(', ')}\n`,
    );
    // Placement never touches PostgreSQL: a known room keeps its node.
    expect(await s.place('known-room')).toMatchObject({ status: 200, body: { nodeId: placed.body.nodeId } });
    const ready = await fetch(`${s.gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, boolean> }).checks).toMatchObject({
      database: false,
      redis: true,
      nats: true,
    });

    await s.postgres.restart();
    // The pool reconnects by itself: the same session, room and link work again, nothing was lost.
    await waitFor('sign-ups to work again', async () => {
      const r = await new Client(s.gateway.url).json('POST', '/api/auth/register', {
        email: `pg-back-${Date.now()}@example.org`,
        password: 'correct horse battery',
        name: 'Di',
      });
      return r.status === 201;
    });
    expect((await fetch(`${s.gateway.url}/readyz`)).status).toBe(200);
    const rooms = await person.json('GET', '/api/rooms');
    expect(rooms.body.rooms.map((r: { id: string; name: string }) => [r.id, r.name])).toEqual([[roomId, 'Kept']]);
    const info = await new Client(s.gateway.url).json('GET', `/api/join/${participantToken}`);
    expect(info).toMatchObject({ status: 200, body: { roomName: 'Kept', role: 'viewer' } });
    const login = await new Client(s.gateway.url).json('POST', '/api/auth/login', {
      email,
      password: 'correct horse battery',
    });
    expect(login.status).toBe(200);
  }, 60_000);
});
