import { Client, signUp, startRoomsStack, type RoomsStack } from './rooms.test-support.js';

const PASSWORD = 'correct horse battery';

describe('accounts: register, sign in, sessions', () => {
  let stack: RoomsStack;
  let base: string;

  beforeAll(async () => {
    stack = await startRoomsStack({
      nodes: 1,
      // The per-address limit is tested with many addresses: the test plays the trusted proxy.
      asTrustedProxy: true,
      env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '6' },
    });
    base = stack.gateway.url;
  }, 30_000);
  afterAll(() => stack?.close());

  it('registers a person, signs them in with an HttpOnly SameSite=Lax cookie, and answers /api/me', async () => {
    const c = new Client(base);
    const res = await c.call('POST', '/api/auth/register', {
      email: 'Ada@Example.org',
      password: PASSWORD,
      name: 'Ada',
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^ens_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const body = (await res.json()) as { user: unknown };
    expect(body.user).toEqual({
      id: expect.any(String),
      email: 'ada@example.org',
      name: 'Ada',
      createdAt: expect.any(Number),
    });
    expect(JSON.stringify(body)).not.toContain('scrypt');
    expect((await c.json('GET', '/api/me')).body.user.email).toBe('ada@example.org');
  });

  it('refuses a second account with the same email in another case (409)', async () => {
    await signUp(base, 'Bob', 'bob@example.org');
    const r = await new Client(base).json('POST', '/api/auth/register', {
      email: 'BOB@example.org',
      password: PASSWORD,
      name: 'Bob again',
    });
    expect(r).toEqual({ status: 409, body: { error: { code: 'conflict', message: expect.any(String) } } });
  });

  it('answers a wrong password and an unknown email alike, with 401', async () => {
    await signUp(base, 'Cy', 'cy@example.org');
    const wrong = await new Client(base).json('POST', '/api/auth/login', {
      email: 'cy@example.org',
      password: 'nope-nope',
    });
    const unknown = await new Client(base).json('POST', '/api/auth/login', {
      email: 'nobody@example.org',
      password: 'x',
    });
    expect(wrong.status).toBe(401);
    expect(unknown).toEqual(wrong);
  });

  it('answers 401 without a session, with a made-up one, and after logout', async () => {
    const anon = new Client(base);
    expect((await anon.json('GET', '/api/me')).status).toBe(401);
    expect((await anon.json('GET', '/api/rooms')).status).toBe(401);
    anon.cookie = `ens_session=${'A'.repeat(43)}`;
    expect((await anon.json('GET', '/api/me')).status).toBe(401);

    const c = await signUp(base);
    const kept = c.cookie;
    const out = await c.call('POST', '/api/auth/logout');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    c.cookie = kept;
    expect((await c.json('GET', '/api/me')).status).toBe(401);
  });

  it('rotates the session on login: the old cookie stops working', async () => {
    const c = await signUp(base, 'Dee', 'dee@example.org');
    const before = c.cookie;
    expect((await c.json('POST', '/api/auth/login', { email: 'dee@example.org', password: PASSWORD })).status).toBe(
      200,
    );
    expect(c.cookie).toBeDefined();
    expect(c.cookie).not.toBe(before);
    expect((await c.json('GET', '/api/me')).status).toBe(200);
    const old = new Client(base);
    old.cookie = before;
    expect((await old.json('GET', '/api/me')).status).toBe(401);
  });

  it('refuses a signed-in write from another origin, or with no origin at all (403)', async () => {
    const c = await signUp(base);
    const evil = await c.json('POST', '/api/rooms', { name: 'x' }, { origin: 'https://evil.example' });
    expect(evil).toEqual({
      status: 403,
      body: { error: { code: 'forbidden', message: 'cross-origin request refused' } },
    });
    const bare = new Client(base, null);
    bare.cookie = c.cookie;
    bare.address = c.address;
    expect((await bare.json('POST', '/api/rooms', { name: 'x' })).status).toBe(403);
    const viaReferer = await bare.json('POST', '/api/rooms', { name: 'ok' }, { referer: `${base}/rooms` });
    expect(viaReferer.status).toBe(201);
    expect((await c.json('POST', '/api/auth/logout', undefined, { origin: 'null' })).status).toBe(403);
  });

  it('locks an account after repeated wrong passwords, even for the right one (429)', async () => {
    await signUp(base, 'Eve', 'eve@example.org');
    for (let i = 0; i < 3; i++) {
      const c = new Client(base); // a new address each time: this is the per-account limit
      expect(
        (await c.json('POST', '/api/auth/login', { email: 'eve@example.org', password: `wrong-${i}` })).status,
      ).toBe(401);
    }
    const res = await new Client(base).call('POST', '/api/auth/login', {
      email: 'eve@example.org',
      password: PASSWORD,
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate-limited');
  });

  it('limits sign-in attempts from one address across accounts (429)', async () => {
    const c = new Client(base);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await c.json('POST', '/api/auth/login', { email: `x${i}@example.org`, password: 'x' })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
  });

  it.each([
    ['malformed JSON', '{"email": ', 400, 'invalid-input'],
    ['a bad email', { email: 'not-an-email', password: PASSWORD, name: 'A' }, 400, 'invalid-input'],
    ['a short password', { email: 'short@example.org', password: 'short', name: 'A' }, 400, 'invalid-input'],
    ['an unknown field', { email: 'f@example.org', password: PASSWORD, name: 'A', admin: true }, 400, 'invalid-input'],
    ['prototype pollution', '{"email":"p@example.org","__proto__":{"admin":true}}', 400, 'invalid-input'],
    [
      'an oversize body',
      { email: 'a@example.org', password: PASSWORD, name: 'x'.repeat(2 * 1024 * 1024) },
      413,
      'payload-too-large',
    ],
  ])('answers %s at registration with a typed 4xx', async (_what, body, status, code) => {
    const r = await new Client(base).json('POST', '/api/auth/register', body);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
  });

  it('never logs a password or a session token', async () => {
    const c = await signUp(base, 'Fay', 'fay@example.org');
    const token = c.cookie!.split('=')[1]!;
    const logs = stack.logs.join('\n');
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain(token);
  });
});
