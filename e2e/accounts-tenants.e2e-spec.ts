import { waitFor } from '@ensemble/testing';
import { Client, startRoomsStack, type RoomsStack } from './rooms.test-support.js';
import { addTenant, loopbackAgent } from './tenants.test-support.js';

const PASSWORD = 'correct horse battery';
/** `.test` is reserved, never a real name (RFC 2606). */
const TENANT_BASE_DOMAIN = 'tenants.test';
const agent = loopbackAgent();

/**
 * Accounts, sessions and web rooms per tenant (decision 115): the web app's tenant is the
 * one its host name names (`<tenant>.tenants.test`); any other host is the default tenant's.
 */
describe('accounts and web rooms of tenants, told apart by host name', () => {
  let stack: RoomsStack;
  let port: number;
  /** The gateway as `<host>` reaches it (loopback, whatever the name). */
  const at = (host: string) => `http://${host}:${port}`;
  const tenantHost = (tenant: string) => at(`${tenant}.${TENANT_BASE_DOMAIN}`);
  const client = (base: string) => new Client(base, base, agent);

  const register = async (base: string, email: string, password = PASSWORD, name = 'Ada') => {
    const c = client(base);
    const r = await c.json('POST', '/api/auth/register', { email, password, name });
    expect(r.status).toBe(201);
    return { client: c, id: r.body.user.id as string };
  };

  beforeAll(async () => {
    stack = await startRoomsStack({
      nodes: 1,
      env: { TENANT_BASE_DOMAIN, LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' },
    });
    port = stack.gateway.port;
    for (const t of ['uni-a', 'uni-b']) {
      await addTenant(stack.databaseUrl, stack.bus, t, [`${t}-secret-0123456789abcdef`]);
      // Known once its host answers as a web app does (401 signed out), not 404.
      await waitFor(
        `tenant ${t} known`,
        async () => (await client(tenantHost(t)).call('GET', '/api/me')).status === 401,
        {
          timeoutMs: 10_000,
        },
      );
    }
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await agent.close();
  });

  it('registers one e-mail on two tenant hosts and the default one as three accounts, each with its own password', async () => {
    const email = 'same@example.org';
    const a = await register(tenantHost('uni-a'), email, 'password of uni-a');
    const b = await register(tenantHost('uni-b'), email, 'password of uni-b');
    const d = await register(at('127.0.0.1'), email, 'password of default');
    expect(new Set([a.id, b.id, d.id]).size).toBe(3);
    for (const who of [a, b, d]) {
      expect((await who.client.json('GET', '/api/me')).body.user).toMatchObject({ id: who.id, email });
    }
    // The same e-mail again within one tenant is taken, as it always was.
    expect(
      (await client(tenantHost('uni-a')).json('POST', '/api/auth/register', { email, password: PASSWORD, name: 'X' }))
        .status,
    ).toBe(409);

    const login = (base: string, password: string) => client(base).json('POST', '/api/auth/login', { email, password });
    expect((await login(tenantHost('uni-a'), 'password of uni-a')).body.user.id).toBe(a.id);
    expect((await login(tenantHost('uni-b'), 'password of uni-b')).body.user.id).toBe(b.id);
    // Another tenant's password is a wrong one.
    expect((await login(tenantHost('uni-a'), 'password of uni-b')).status).toBe(401);
    expect((await login(at('127.0.0.1'), 'password of uni-a')).status).toBe(401);
  });

  it("refuses a session cookie on another tenant's host as if there were none, and a logout there does not end it", async () => {
    const a = await register(tenantHost('uni-a'), 'cookie@example.org');
    for (const elsewhere of [tenantHost('uni-b'), at('127.0.0.1'), at(TENANT_BASE_DOMAIN)]) {
      const thief = client(elsewhere);
      thief.cookie = a.client.cookie;
      expect(await thief.json('GET', '/api/me')).toEqual({
        status: 401,
        body: { error: { code: 'unauthorized', message: 'sign in first' } },
      });
      expect((await thief.json('GET', '/api/rooms')).status).toBe(401);
      expect((await thief.json('POST', '/api/rooms', { name: 'Planted' })).status).toBe(401);
      expect((await thief.call('POST', '/api/auth/logout')).status).toBe(204);
    }
    expect((await a.client.json('GET', '/api/me')).body.user.id).toBe(a.id);
    expect((await a.client.json('GET', '/api/rooms')).body.rooms).toEqual([]);
  });

  it("lists rooms per tenant; a room's links point at its tenant's host and open only there", async () => {
    const email = 'rooms@example.org';
    const a = await register(tenantHost('uni-a'), email);
    const b = await register(tenantHost('uni-b'), email);
    const made = await a.client.json('POST', '/api/rooms', { name: 'Algebra at A' });
    expect(made.status).toBe(201);
    const room = made.body as { id: string; moderatorLink: string; participantLink: string };
    expect(room.moderatorLink).toMatch(new RegExp(`^${tenantHost('uni-a')}/j/[A-Za-z0-9_-]{43}$`));

    expect((await a.client.json('GET', '/api/rooms')).body.rooms.map((r: { id: string }) => r.id)).toEqual([room.id]);
    expect((await b.client.json('GET', '/api/rooms')).body.rooms).toEqual([]);
    // The same e-mail's account on B does not own A's room.
    expect((await b.client.json('GET', `/api/rooms/${room.id}`)).status).toBe(404);
    expect((await b.client.json('DELETE', `/api/rooms/${room.id}`)).status).toBe(404);

    const token = room.participantLink.split('/j/')[1]!;
    expect(await client(tenantHost('uni-a')).json('GET', `/api/join/${token}`)).toEqual({
      status: 200,
      body: {
        roomName: 'Algebra at A',
        engine: 'bbb',
        role: 'viewer',
        code: 'none',
        requireSignIn: false,
        recordings: [],
      },
    });
    for (const elsewhere of [tenantHost('uni-b'), at('127.0.0.1')]) {
      expect((await client(elsewhere).json('GET', `/api/join/${token}`)).status).toBe(404);
      expect((await client(elsewhere).json('POST', `/api/join/${token}`, { displayName: 'Eve' })).status).toBe(404);
    }
  });

  it('answers a host name of no tenant with one 404 for every such name, before any session is looked at', async () => {
    const answers = [];
    for (const host of [`nowhere.${TENANT_BASE_DOMAIN}`, `a.uni-a.${TENANT_BASE_DOMAIN}`]) {
      const c = client(at(host));
      c.cookie = `ens_session=${'A'.repeat(43)}`;
      answers.push(await c.json('GET', '/api/me'));
      answers.push(
        await c.json('POST', '/api/auth/register', { email: 'n@example.org', password: PASSWORD, name: 'N' }),
      );
      answers.push(await c.json('POST', '/api/auth/login', { email: 'n@example.org', password: PASSWORD }));
      answers.push(await c.json('GET', '/api/rooms'));
    }
    for (const a of answers) {
      expect(a).toEqual({
        status: 404,
        body: { error: { code: 'not-found', message: 'nothing is served at this host name' } },
      });
    }
  });

  it('keeps every other host name the default tenant, as before tenants: the base domain itself and the address', async () => {
    const d = await register(at('127.0.0.1'), 'default@example.org');
    const onBase = client(at(TENANT_BASE_DOMAIN));
    const login = await onBase.json('POST', '/api/auth/login', { email: 'default@example.org', password: PASSWORD });
    expect(login.body.user.id).toBe(d.id);
    // A default session is the default tenant's on any of its host names.
    const elsewhere = client(at('localhost'));
    elsewhere.cookie = d.client.cookie;
    expect((await elsewhere.json('GET', '/api/me')).body.user.id).toBe(d.id);
    const room = (await d.client.json('POST', '/api/rooms', { name: 'Default room' })).body as {
      moderatorLink: string;
    };
    expect(room.moderatorLink).toMatch(new RegExp(`^${at('127.0.0.1')}/j/`));
  });

  it('counts failed sign-ins per tenant: an account locked on one tenant still signs in on another', async () => {
    const email = 'locked@example.org';
    await register(tenantHost('uni-a'), email);
    await register(tenantHost('uni-b'), email);
    const loginAt = (base: string, password: string) =>
      client(base).json('POST', '/api/auth/login', { email, password });
    for (let i = 0; i < 3; i++) expect((await loginAt(tenantHost('uni-a'), `wrong-${i}`)).status).toBe(401);
    expect((await loginAt(tenantHost('uni-a'), PASSWORD)).status).toBe(429);
    expect((await loginAt(tenantHost('uni-b'), PASSWORD)).status).toBe(200);
  });
});
