import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@ensemble/testing';
import { Client, OPS_TOKEN, startRoomsStack, type RoomsStack } from './rooms.test-support.js';
import { addTenant, loopbackAgent } from './tenants.test-support.js';

const PASSWORD = 'correct horse battery';
/** `.test` is reserved, never a real name (RFC 2606). */
const TENANT_BASE_DOMAIN = 'tenants.test';
const agent = loopbackAgent();
const root = join(import.meta.dirname, '..');
const run = promisify(execFile);
let seq = 0;

/**
 * Roles, permissions and site settings per tenant (decision 124), against the real gateway,
 * PostgreSQL and Redis: an operator makes the first administrator, who changes roles,
 * permissions and how accounts are made; the checks hold on rooms and sign-in.
 */
describe('roles, permissions and site settings', () => {
  let stack: RoomsStack;
  let port: number;
  let base: string;
  let admin: Client;
  const at = (host: string) => `http://${host}:${port}`;
  const client = (b = base) => new Client(b, b, agent);
  const email = (domain = 'example.org') => `p${++seq}-${Date.now()}@${domain}`;
  const ops = (method: string, path: string, body?: unknown) =>
    new Client(stack.gateway.url).json(method, `/api/ops${path}`, body, { authorization: `Bearer ${OPS_TOKEN}` });

  const register = async (b = base, mail = email()) => {
    const c = client(b);
    const r = await c.json('POST', '/api/auth/register', { email: mail, password: PASSWORD, name: 'Ada' });
    expect(r.status).toBe(201);
    return { client: c, id: r.body.user.id as string, email: mail };
  };
  const makeAdmin = async (tenant: string, b: string) => {
    const a = await register(b);
    const r = await ops('PUT', `/tenants/${tenant}/users/${encodeURIComponent(a.email)}/role`, {
      role: 'administrator',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: a.id, role: 'administrator', approved: true });
    return a;
  };
  const createRoom = (c: Client, name = 'Room') => c.json('POST', '/api/rooms', { name, engine: 'bbb' });

  beforeAll(async () => {
    stack = await startRoomsStack({ nodes: 1, env: { TENANT_BASE_DOMAIN } });
    port = stack.gateway.port;
    base = at('127.0.0.1');
    await addTenant(stack.databaseUrl, stack.bus, 'uni-a', ['uni-a-secret-0123456789abcdef']);
    await waitFor(
      'tenant uni-a known',
      async () => (await client(at(`uni-a.${TENANT_BASE_DOMAIN}`)).call('GET', '/api/me')).status === 401,
      { timeoutMs: 10_000 },
    );
    admin = (await makeAdmin('default', base)).client;
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await agent.close();
  });

  it('makes the first administrator through the audited ops API, and /api/me tells the role and permissions', async () => {
    const me = await admin.json('GET', '/api/me');
    expect(me.body).toMatchObject({
      role: 'administrator',
      permissions: { createRooms: true, roomLimit: null, manageUsers: true, manageSiteSettings: true },
    });
    const plain = await register();
    expect((await plain.client.json('GET', '/api/me')).body).toMatchObject({
      role: 'user',
      permissions: { createRooms: true, shareRooms: true, manageUsers: false, roomLimit: null },
    });
    const audit = await ops('GET', '/audit?limit=50');
    expect(JSON.stringify(audit.body)).toContain('tenant.user-role-set');
    expect(
      (await ops('PUT', `/tenants/default/users/${encodeURIComponent('nobody@example.org')}/role`, { role: 'guest' }))
        .status,
    ).toBe(404);
    expect((await ops('PUT', `/tenants/default/users/x%40example.org/role`, { role: 'superuser' })).status).toBe(400);
  });

  it('makes an administrator with `ensemble tenants admin`, and refuses an unknown role or account', async () => {
    await run(process.execPath, ['scripts/build.mjs', 'cli'], { cwd: root });
    const ensemble = (args: string[]) =>
      run(process.execPath, ['cli/dist/main.js', 'tenants', 'admin', ...args], {
        cwd: root,
        env: { ...process.env, ENSEMBLE_URL: stack.gateway.url, OPS_TOKEN, ENSEMBLE_OPERATOR: 'roles-test' },
        timeout: 20_000,
      });
    const u = await register();
    expect((await ensemble(['default', u.email])).stdout).toContain(`default: ${u.email} is now administrator`);
    expect((await u.client.json('GET', '/api/me')).body.role).toBe('administrator');
    expect((await ensemble(['default', u.email, '--role', 'guest'])).stdout).toContain('is now guest');
    await expect(ensemble(['default', u.email, '--role', 'superuser'])).rejects.toMatchObject({ code: 2 });
    await expect(ensemble(['default', 'nobody@example.org'])).rejects.toMatchObject({
      stderr: expect.stringContaining('no account nobody@example.org in tenant default'),
    });
    const audit = await ops('GET', '/audit?limit=50');
    expect(JSON.stringify(audit.body)).toMatch(/roles-test/);
  }, 60_000);

  it('refuses the admin API to a plain user with 403, whatever the route', async () => {
    const plain = await register();
    for (const [method, path, body] of [
      ['GET', '/api/admin/users', undefined],
      ['PATCH', `/api/admin/users/${plain.id}`, { role: 'administrator' }],
      ['GET', '/api/admin/rooms', undefined],
      ['GET', '/api/admin/roles/user', undefined],
      ['PUT', '/api/admin/roles/user', { roomLimit: 1000 }],
      ['GET', '/api/admin/settings', undefined],
      ['PUT', '/api/admin/settings', { registration: 'open' }],
    ] as const) {
      const r = await plain.client.json(method, path, body);
      expect([method, path, r.status, r.body.error.code]).toEqual([method, path, 403, 'forbidden']);
    }
    expect((await plain.client.json('GET', '/api/admin/users')).body.error.message).toBe(
      'your role (user) may not manage users (permission manageUsers)',
    );
    expect((await client().json('GET', '/api/admin/users')).status).toBe(401);
    expect((await plain.client.json('GET', '/api/me')).body.role).toBe('user');
  });

  it('an administrator changes a user to guest, who can then neither create nor share a room', async () => {
    const u = await register();
    const owned = await createRoom(u.client, 'Made while a user');
    expect(owned.status).toBe(201);
    const r = await admin.json('PATCH', `/api/admin/users/${u.id}`, { role: 'guest' });
    expect(r).toMatchObject({ status: 200, body: { id: u.id, role: 'guest', approved: true, oidc: false } });
    expect(JSON.stringify(r.body)).not.toMatch(/scrypt|password/);
    // Applies at the next request: the session is the same.
    expect(await createRoom(u.client)).toEqual({
      status: 403,
      body: {
        error: { code: 'forbidden', message: 'your role (guest) may not create rooms (permission createRooms)' },
      },
    });
    const other = await register();
    const share = await u.client.json('POST', `/api/rooms/${owned.body.id}/members`, { email: other.email });
    expect(share.status).toBe(403);
    expect(share.body.error.message).toContain('permission shareRooms');
    // A user shares as before.
    const room = await createRoom(other.client);
    expect((await other.client.json('POST', `/api/rooms/${room.body.id}/members`, { email: u.email })).status).toBe(
      201,
    );
    // Bad input to the admin API: typed 4xx.
    expect((await admin.json('PATCH', `/api/admin/users/${u.id}`, { role: 'superuser' })).status).toBe(400);
    expect((await admin.json('PATCH', `/api/admin/users/${u.id}`, {})).status).toBe(400);
    expect((await admin.json('PATCH', '/api/admin/users/u_nobody', { role: 'user' })).status).toBe(404);
    expect((await admin.json('GET', '/api/admin/roles/superuser')).status).toBe(404);
    // An administrator does not demote themselves.
    const self = (await admin.json('GET', '/api/me')).body.user.id as string;
    expect((await admin.json('PATCH', `/api/admin/users/${self}`, { role: 'user' })).status).toBe(403);
  });

  it('holds the room limit of a role, and lifts it', async () => {
    const set = await admin.json('PUT', '/api/admin/roles/user', { roomLimit: 2 });
    expect(set).toMatchObject({ status: 200, body: { name: 'user', roomLimit: 2, createRooms: true } });
    try {
      const u = await register();
      const first = await createRoom(u.client, 'one');
      expect(first.status).toBe(201);
      expect((await createRoom(u.client, 'two')).status).toBe(201);
      expect(await createRoom(u.client, 'three')).toEqual({
        status: 403,
        body: {
          error: {
            code: 'forbidden',
            message: 'your role (user) may own at most 2 rooms (roomLimit): delete one first',
          },
        },
      });
      // Rooms shared with them do not count, deleting one frees a place.
      expect((await u.client.json('DELETE', `/api/rooms/${first.body.id}`)).status).toBe(204);
      expect((await createRoom(u.client, 'three')).status).toBe(201);
      expect((await admin.json('GET', '/api/admin/roles/user')).body).toMatchObject({ roomLimit: 2 });
      expect((await admin.json('PUT', '/api/admin/roles/user', { roomLimit: -1 })).status).toBe(400);
      expect((await admin.json('PUT', '/api/admin/roles/administrator', { manageUsers: false })).status).toBe(400);
    } finally {
      await admin.json('PUT', '/api/admin/roles/user', { roomLimit: null });
    }
    const roles = await admin.json('GET', '/api/admin/roles');
    expect(roles.body.roles.map((r: { name: string }) => r.name)).toEqual(['administrator', 'user', 'guest']);
    expect(roles.body.roles[1].roomLimit).toBeNull();
  });

  it("registration 'approval' blocks sign-in until an administrator approves; 'invite' and the domain list refuse", async () => {
    expect((await admin.json('GET', '/api/admin/settings')).body).toEqual({
      registration: 'open',
      allowedEmailDomains: [],
      defaultRecordingVisibility: 'unlisted',
    });
    expect((await admin.json('PUT', '/api/admin/settings', { registration: 'approval' })).status).toBe(200);
    try {
      const mail = email();
      const c = client();
      const reg = await c.json('POST', '/api/auth/register', { email: mail, password: PASSWORD, name: 'Waiting' });
      expect(reg).toMatchObject({ status: 202, body: { pendingApproval: true, user: { email: mail } } });
      expect(c.cookie).toBeUndefined();
      const login = () => client().json('POST', '/api/auth/login', { email: mail, password: PASSWORD });
      expect(await login()).toMatchObject({
        status: 403,
        body: { error: { code: 'forbidden', message: expect.stringContaining('approval') } },
      });
      // A wrong password is told as wrong, not as waiting.
      expect(
        (await client().json('POST', '/api/auth/login', { email: mail, password: 'wrong password!' })).status,
      ).toBe(401);
      const listed = (await admin.json('GET', '/api/admin/users')).body.users.find(
        (u: { email: string }) => u.email === mail,
      );
      expect(listed).toMatchObject({ approved: false, role: 'user' });
      expect((await admin.json('PATCH', `/api/admin/users/${listed.id}`, { approved: true })).status).toBe(200);
      const ok = await login();
      expect(ok.status).toBe(200);

      expect((await admin.json('PUT', '/api/admin/settings', { registration: 'invite' })).status).toBe(200);
      const refused = await client().json('POST', '/api/auth/register', {
        email: email(),
        password: PASSWORD,
        name: 'X',
      });
      expect(refused).toMatchObject({
        status: 403,
        body: { error: { code: 'forbidden', message: expect.stringContaining('invitation') } },
      });

      const domains = await admin.json('PUT', '/api/admin/settings', {
        registration: 'open',
        allowedEmailDomains: ['Example.EDU'],
      });
      expect(domains.body).toMatchObject({ registration: 'open', allowedEmailDomains: ['example.edu'] });
      const outside = await client().json('POST', '/api/auth/register', {
        email: email(),
        password: PASSWORD,
        name: 'X',
      });
      expect(outside).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining('domain') } } });
      await register(base, email('example.edu'));
      expect((await admin.json('PUT', '/api/admin/settings', { registration: 'sometimes' })).status).toBe(400);
      expect((await admin.json('PUT', '/api/admin/settings', { allowedEmailDomains: ['not a domain'] })).status).toBe(
        400,
      );
    } finally {
      await admin.json('PUT', '/api/admin/settings', { registration: 'open', allowedEmailDomains: [] });
    }
  });

  it("starts every new room with the tenant's default recording visibility; protected needs the playback key", async () => {
    const before = await admin.json('POST', '/api/rooms', { name: 'Before', engine: 'bbb' });
    expect(before.body.recordingVisibility).toBe('unlisted');
    expect((await admin.json('PUT', '/api/admin/settings', { defaultRecordingVisibility: 'public' })).status).toBe(200);
    const made = [before.body.id as string];
    try {
      const after = await admin.json('POST', '/api/rooms', { name: 'After', engine: 'bbb' });
      made.push(after.body.id as string);
      expect(after.body.recordingVisibility).toBe('public');
      // A room made before keeps its own; the owner can still change a new one.
      expect((await admin.json('GET', `/api/rooms/${before.body.id}`)).body.recordingVisibility).toBe('unlisted');
      // This stack has no RECORDINGS_PLAYBACK_SECRET: no link could play a protected recording.
      const refused = await admin.json('PUT', '/api/admin/settings', { defaultRecordingVisibility: 'protected' });
      expect(refused).toMatchObject({
        status: 400,
        body: { error: { message: expect.stringContaining('RECORDINGS_PLAYBACK_SECRET') } },
      });
      expect((await admin.json('PUT', '/api/admin/settings', { defaultRecordingVisibility: 'published' })).status).toBe(
        400,
      );
      expect((await admin.json('GET', '/api/admin/settings')).body.defaultRecordingVisibility).toBe('public');
    } finally {
      await admin.json('PUT', '/api/admin/settings', { defaultRecordingVisibility: 'unlisted' });
      for (const id of made) await admin.json('DELETE', `/api/rooms/${id}`);
    }
  });

  it("an administrator sees the tenant's rooms and users, never another tenant's", async () => {
    const hostA = at(`uni-a.${TENANT_BASE_DOMAIN}`);
    const adminA = await makeAdmin('uni-a', hostA);
    const personA = await register(hostA);
    const roomA = await createRoom(personA.client, 'Room of uni-a');
    const person = await register();
    const room = await createRoom(person.client, 'Room of default');

    const users = (await admin.json('GET', '/api/admin/users')).body.users as { id: string }[];
    expect(users.map((u) => u.id)).toContain(person.id);
    expect(users.map((u) => u.id)).not.toContain(personA.id);
    expect(users.map((u) => u.id)).not.toContain(adminA.id);
    const usersA = (await adminA.client.json('GET', '/api/admin/users')).body.users as { id: string }[];
    expect(usersA.map((u) => u.id).sort()).toEqual([adminA.id, personA.id].sort());

    const rooms = (await admin.json('GET', '/api/admin/rooms')).body.rooms as { id: string; owner: { id: string } }[];
    expect(rooms.find((r) => r.id === room.body.id)?.owner.id).toBe(person.id);
    expect(rooms.map((r) => r.id)).not.toContain(roomA.body.id);
    expect(
      ((await adminA.client.json('GET', '/api/admin/rooms')).body.rooms as { id: string }[]).map((r) => r.id),
    ).toEqual([roomA.body.id]);

    // Another tenant's user is not found, and nothing changes for them.
    expect((await admin.json('PATCH', `/api/admin/users/${personA.id}`, { role: 'guest' })).status).toBe(404);
    expect((await personA.client.json('GET', '/api/me')).body.role).toBe('user');
    // Roles are per tenant: a change on default leaves uni-a's as they were.
    await admin.json('PUT', '/api/admin/roles/guest', { createRooms: true, roomLimit: 1 });
    try {
      expect((await adminA.client.json('GET', '/api/admin/roles/guest')).body).toMatchObject({ createRooms: false });
    } finally {
      await admin.json('PUT', '/api/admin/roles/guest', { createRooms: false, roomLimit: null });
    }
  });
});
