import { waitFor } from '@ensemble/testing';
import { Client as Pg } from 'pg';
import { launchBrowser, prepareBrowser, screenshot } from './browser.test-support.js';
import { buildCli, runCliOk } from './cli.test-support.js';
import { Browserish, startProvider, type TestProvider } from './oidc.test-support.js';
import { Client, OPS_TOKEN, startRoomsStack, type RoomsStack } from './rooms.test-support.js';
import { addTenant, loopbackAgent } from './tenants.test-support.js';

const TENANT_BASE_DOMAIN = 'tenants.test';
const CLIENT_SECRET = 'client-secret-of-the-tests-0123456789';
const agent = loopbackAgent();
/** Account id (the provider's `sub`) -> claims. */
const USERS = {
  ada: { email: 'ada@uni.example', email_verified: true, name: 'Ada', groups: ['staff'] },
  mallory: { email: 'mallory@evil.example', email_verified: true, groups: ['staff'] },
  visitor: { email: 'visitor@uni.example', email_verified: true, groups: ['alumni'] },
  taken: { email: 'taken@uni.example', email_verified: true, groups: ['staff'] },
  boss: { email: 'boss@uni.example', email_verified: true, groups: ['staff', 'it'] },
};

/**
 * Sign-in with each tenant's OpenID Provider (decision 120), against real providers
 * (oidc-provider in child processes): the flow, the linking by `sub`, and each way a
 * sign-in must be refused (no account made, a clear code, logged without secrets).
 */
describe('sign-in with OpenID Connect, per tenant', () => {
  let stack: RoomsStack;
  let port: number;
  let op: TestProvider;
  let opOtherKey: TestProvider;
  let opPastClock: TestProvider;
  const base = (tenant: string) => `http://${tenant}.${TENANT_BASE_DOMAIN}:${port}`;
  const callback = (tenant: string) => `${base(tenant)}/api/auth/oidc/callback`;
  const ops = (method: string, path: string, body?: unknown) =>
    new Client(stack.gateway.url).json(method, `/api/ops${path}`, body, { authorization: `Bearer ${OPS_TOKEN}` });
  const identity = (issuer: string, extra: object = {}) => ({
    issuer,
    clientId: 'ensemble',
    clientSecret: CLIENT_SECRET,
    displayName: 'Uni IdP',
    allowedEmailDomains: ['uni.example'],
    roleClaim: 'groups',
    roleMapping: { staff: 'user', it: 'administrator' },
    ...extra,
  });
  const sql = async (text: string, args: unknown[] = []) => {
    const db = new Pg({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      return (await db.query(text, args)).rows;
    } finally {
      await db.end();
    }
  };

  /** Start at the gateway, sign in at the provider as `login`, return the redirect back (not yet followed). */
  const toCallback = async (b: Browserish, tenant: string, login: string, tamper?: (u: URL) => void) => {
    const start = await b.go(`${base(tenant)}/api/auth/oidc/start`);
    expect(start.status).toBe(303);
    const auth = new URL(start.headers.get('location')!);
    tamper?.(auth);
    return b.signInAtProvider(auth.href, login, callback(tenant));
  };
  /** Follows the callback: where the gateway sends the browser. */
  const land = async (b: Browserish, callbackUrl: string) => {
    const res = await b.go(callbackUrl);
    expect(res.status).toBe(303);
    return res.headers.get('location')!;
  };
  const me = async (b: Browserish, tenant: string) => {
    const c = new Client(base(tenant), base(tenant), agent);
    const token = b.cookieOf(new URL(base(tenant)).host, 'ens_session');
    if (token) c.cookie = `ens_session=${token}`;
    return c.json('GET', '/api/me');
  };

  beforeAll(async () => {
    stack = await startRoomsStack({ nodes: 1, env: { TENANT_BASE_DOMAIN } });
    port = stack.gateway.port;
    const tenants = ['uni-a', 'uni-keys', 'uni-clock', 'uni-closed', 'uni-cli', 'uni-approve'];
    const clients = [{ client_id: 'ensemble', client_secret: CLIENT_SECRET, redirect_uris: tenants.map(callback) }];
    [op, opOtherKey, opPastClock] = await Promise.all([
      startProvider({ clients, users: USERS }),
      startProvider({ clients, users: USERS, publishOtherKey: true }),
      // Its clock two hours behind: the ID tokens it signs (one hour of life) expired an hour ago.
      startProvider({ clients, users: USERS, clockOffsetS: -7200 }),
    ]);
    for (const t of tenants) {
      await addTenant(stack.databaseUrl, stack.bus, t, [`${t}-secret-0123456789abcdef`]);
      await waitFor('tenant known', async () => (await me(new Browserish(agent), t)).status === 401, {
        timeoutMs: 10_000,
      });
    }
    const configured = [
      await ops('PUT', '/tenants/uni-a/identity', identity(op.issuer)),
      await ops('PUT', '/tenants/uni-keys/identity', identity(opOtherKey.issuer)),
      await ops('PUT', '/tenants/uni-clock/identity', identity(opPastClock.issuer)),
      await ops('PUT', '/tenants/uni-closed/identity', identity(op.issuer, { localAccountsEnabled: false })),
      await ops('PUT', '/tenants/uni-approve/identity', identity(op.issuer, { roleClaim: null, roleMapping: {} })),
    ];
    if (configured.some((r) => r.status !== 200)) throw new Error(`identity not set: ${JSON.stringify(configured)}`);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([op?.stop(), opOtherKey?.stop(), opPastClock?.stop()]);
    await stack?.close();
    await agent.close();
  });

  it('keeps the client secret write-only in the ops API and its audit log, and refuses bad configurations', async () => {
    const shown = await ops('GET', '/tenants/uni-a/identity');
    expect(shown.body).toMatchObject({ issuer: op.issuer, clientId: 'ensemble', clientSecretSet: true });
    expect(JSON.stringify(shown.body)).not.toContain(CLIENT_SECRET);
    const audit = await ops('GET', '/audit?limit=50');
    expect(JSON.stringify(audit.body)).toContain('tenant.identity-set');
    expect(JSON.stringify(audit.body)).not.toContain(CLIENT_SECRET);
    // Without a secret, the stored one stays.
    const again = identity(op.issuer) as Record<string, unknown>;
    delete again.clientSecret;
    expect((await ops('PUT', '/tenants/uni-a/identity', again)).status).toBe(200);

    const bad = async (tenant: string, body: unknown) => (await ops('PUT', `/tenants/${tenant}/identity`, body)).body;
    expect(await bad('uni-a', identity('http://idp.example.org'))).toMatchObject({ error: { code: 'invalid-input' } });
    expect(await bad('uni-a', identity(op.issuer, { roleMapping: { staff: 'emperor' } }))).toMatchObject({
      error: { code: 'invalid-input' },
    });
    expect(await bad('nobody', identity(op.issuer))).toMatchObject({ error: { code: 'not-found' } });
    expect(await bad('default', again)).toMatchObject({ error: { code: 'invalid-input' } });
    expect((await ops('GET', '/tenants/default/identity')).status).toBe(404);
  });

  it('is set, shown and removed with the CLI, the secret read from stdin and never printed', async () => {
    await buildCli();
    const ensemble = async (args: string[], stdin = '') => {
      const stdout = await runCliOk(['tenants', 'identity', ...args], {
        url: stack.gateway.url,
        token: OPS_TOKEN,
        operator: 'oidc-test',
        stdin,
        timeoutMs: 20_000,
      });
      expect(stdout).not.toContain('cli-secret-0123456789');
      return stdout;
    };
    const set = await ensemble(
      ['set', 'uni-cli', '--issuer', opPastClock.issuer, '--client-id', 'ensemble', '--client-secret', '-']
        .concat(['--display-name', 'Clock IdP', '--domains', 'uni.example', '--role-claim', 'groups'])
        .concat(['--role-map', 'staff=user,it=administrator', '--no-local-accounts']),
      'cli-secret-0123456789\n',
    );
    expect(set).toMatch(/local accounts\s+disabled/);
    expect(await sql("SELECT client_secret FROM tenant_identity WHERE tenant = 'uni-cli'")).toEqual([
      { client_secret: 'cli-secret-0123456789' },
    ]);
    expect(await ensemble(['show', 'uni-cli'])).toMatch(/role map\s+it=administrator,staff=user/);
    expect(await ensemble(['remove', 'uni-cli'])).toContain('uni-cli: identity provider removed');
    expect((await ops('GET', '/tenants/uni-cli/identity')).status).toBe(404);
  }, 60_000);

  it('tells the web app how to sign in on each host', async () => {
    const methods = async (tenant: string) =>
      (await new Client(base(tenant), null, agent).json('GET', '/api/auth/methods')).body;
    expect(await methods('uni-a')).toEqual({
      local: true,
      oidc: { displayName: 'Uni IdP', startUrl: '/api/auth/oidc/start' },
    });
    expect(await methods('uni-closed')).toMatchObject({ local: false });
    expect((await new Client(stack.gateway.url).json('GET', '/api/auth/methods')).body).toEqual({
      local: true,
      oidc: null,
    });
  });

  it('signs in through the provider, makes the account once and links the next sign-in by sub', async () => {
    const first = new Browserish(agent);
    const back = await toCallback(first, 'uni-a', 'ada');
    expect(new URL(back).searchParams.get('code')).toBeTruthy();
    expect(await land(first, back)).toBe(`${base('uni-a')}/rooms`);
    const a = await me(first, 'uni-a');
    expect(a.body.user).toMatchObject({ email: 'ada@uni.example', name: 'Ada' });

    const second = new Browserish(agent);
    expect(await land(second, await toCallback(second, 'uni-a', 'ada'))).toBe(`${base('uni-a')}/rooms`);
    expect((await me(second, 'uni-a')).body.user.id).toBe(a.body.user.id);
    const rows = await sql(
      'SELECT oidc_issuer, oidc_sub, idp_role, password_hash FROM users WHERE tenant = $1 AND email = $2',
      ['uni-a', 'ada@uni.example'],
    );
    expect(rows).toEqual([{ oidc_issuer: op.issuer, oidc_sub: 'ada', idp_role: 'user', password_hash: '!oidc' }]);

    // The highest mapped role of several values.
    const boss = new Browserish(agent);
    await land(boss, await toCallback(boss, 'uni-a', 'boss'));
    expect(await sql("SELECT idp_role, role FROM users WHERE email = 'boss@uni.example'")).toEqual([
      { idp_role: 'administrator', role: 'administrator' },
    ]);
    // The mapped role is the account's role (decision 124): the admin API opens to it.
    expect((await me(boss, 'uni-a')).body).toMatchObject({ role: 'administrator' });
    expect((await me(first, 'uni-a')).body).toMatchObject({ role: 'user', permissions: { manageUsers: false } });
    // The provider's account has no password here.
    const pw = await new Client(base('uni-a'), base('uni-a'), agent).json('POST', '/api/auth/login', {
      email: 'ada@uni.example',
      password: '!oidc',
    });
    expect(pw.status).toBe(401);
  });

  it('refuses a replayed callback, a replayed code, and a tampered state', async () => {
    const b = new Browserish(agent);
    const back = await toCallback(b, 'uni-a', 'ada');
    expect(await land(b, back)).toBe(`${base('uni-a')}/rooms`);
    // The same callback again: its state was used.
    expect(await land(new Browserish(agent), back)).toBe(`${base('uni-a')}/login?error=oidc-bad-state`);
    // The used code under a fresh state (a flow of its own): the provider refuses it.
    const fresh = new Browserish(agent);
    const freshState = new URL(
      (await fresh.go(`${base('uni-a')}/api/auth/oidc/start`)).headers.get('location')!,
    ).searchParams.get('state')!;
    const replay = new URL(back);
    replay.searchParams.set('state', freshState);
    expect(await land(fresh, replay.href)).toBe(`${base('uni-a')}/login?error=oidc-token-rejected`);
    // A state altered on the way back.
    const c = new Browserish(agent);
    const tampered = new URL(await toCallback(c, 'uni-a', 'ada'));
    tampered.searchParams.set('state', `${tampered.searchParams.get('state')!.slice(0, -2)}xy`);
    expect(await land(c, tampered.href)).toBe(`${base('uni-a')}/login?error=oidc-bad-state`);
    expect((await me(c, 'uni-a')).status).toBe(401);
  });

  const refusedWithoutAccount = async (tenant: string, login: string, code: string, tamper?: (u: URL) => void) => {
    const before = (await sql('SELECT count(*)::int AS n FROM users'))[0].n as number;
    const b = new Browserish(agent);
    expect(await land(b, await toCallback(b, tenant, login, tamper))).toBe(`${base(tenant)}/login?error=${code}`);
    expect((await me(b, tenant)).status).toBe(401);
    expect((await sql('SELECT count(*)::int AS n FROM users'))[0].n).toBe(before);
  };

  it('refuses an ID token with another nonce than the flow’s', async () => {
    await refusedWithoutAccount('uni-a', 'visitor', 'oidc-token-rejected', (u) =>
      u.searchParams.set('nonce', 'not-the-flows-nonce'),
    );
    expect(stack.logs.join('\n')).toMatch(/oidc sign-in refused.*claim nonce/);
  });

  it('refuses an ID token signed with a key the provider does not publish, and an expired one', async () => {
    await refusedWithoutAccount('uni-keys', 'ada', 'oidc-token-rejected');
    await refusedWithoutAccount('uni-clock', 'ada', 'oidc-token-rejected');
    const refusals = stack.logs.filter((l) => l.includes('oidc sign-in refused'));
    expect(refusals.find((l) => l.includes('"uni-keys"'))).toMatch(/signature verification failed/);
    expect(refusals.find((l) => l.includes('"uni-clock"'))).toMatch(/claim exp/);
  });

  it('refuses an e-mail outside the allowed domains and a role claim that maps to nothing', async () => {
    await refusedWithoutAccount('uni-a', 'mallory', 'oidc-email-domain');
    await refusedWithoutAccount('uni-a', 'visitor', 'oidc-role');
  });

  it('never takes over a local account with the same e-mail', async () => {
    const local = new Client(base('uni-a'), base('uni-a'), agent);
    expect(
      (
        await local.json('POST', '/api/auth/register', {
          email: 'taken@uni.example',
          password: 'correct horse battery',
          name: 'T',
        })
      ).status,
    ).toBe(201);
    await refusedWithoutAccount('uni-a', 'taken', 'oidc-email-taken');
    expect(await sql("SELECT oidc_sub FROM users WHERE email = 'taken@uni.example'")).toEqual([{ oidc_sub: null }]);
  });

  it('answers password sign-up and sign-in with a typed 403 where local accounts are off, and the provider still signs in', async () => {
    const c = new Client(base('uni-closed'), base('uni-closed'), agent);
    const reg = await c.json('POST', '/api/auth/register', {
      email: 'x@uni.example',
      password: 'correct horse battery',
      name: 'X',
    });
    expect(reg).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const login = await c.json('POST', '/api/auth/login', {
      email: 'x@uni.example',
      password: 'correct horse battery',
    });
    expect(login).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const b = new Browserish(agent);
    expect(await land(b, await toCallback(b, 'uni-closed', 'ada'))).toBe(`${base('uni-closed')}/rooms`);
  });

  it("obeys the tenant's registration: 'approval' holds a new account until approved, 'invite' makes none", async () => {
    await sql("UPDATE site_settings SET registration = 'approval' WHERE tenant = 'uni-approve'");
    const b = new Browserish(agent);
    expect(await land(b, await toCallback(b, 'uni-approve', 'ada'))).toBe(
      `${base('uni-approve')}/login?error=oidc-pending-approval`,
    );
    expect((await me(b, 'uni-approve')).status).toBe(401);
    expect(await sql("SELECT approved, role FROM users WHERE tenant = 'uni-approve'")).toEqual([
      { approved: false, role: 'user' },
    ]);
    // An operator makes them the tenant's administrator (and so approves them).
    const set = await ops('PUT', '/tenants/uni-approve/users/ada%40uni.example/role', { role: 'administrator' });
    expect(set).toMatchObject({ status: 200, body: { role: 'administrator', approved: true, oidc: true } });
    const again = new Browserish(agent);
    expect(await land(again, await toCallback(again, 'uni-approve', 'ada'))).toBe(`${base('uni-approve')}/rooms`);
    // No role claim read on this tenant: the sign-in leaves the role an operator or administrator chose.
    expect((await me(again, 'uni-approve')).body).toMatchObject({ role: 'administrator' });

    await sql("UPDATE site_settings SET registration = 'invite' WHERE tenant = 'uni-approve'");
    await refusedWithoutAccount('uni-approve', 'boss', 'oidc-registration-closed');
    // An account made before still signs in.
    const third = new Browserish(agent);
    expect(await land(third, await toCallback(third, 'uni-approve', 'ada'))).toBe(`${base('uni-approve')}/rooms`);
  });

  it('logs no client secret, code or token', () => {
    const logs = stack.logs.join('\n');
    expect(logs).not.toContain(CLIENT_SECRET);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/);
    expect(logs).not.toMatch(/code=/);
  });

  it('in Chromium: through the provider’s login page with the keyboard to My rooms, the same account as before', async () => {
    prepareBrowser();
    const browser = await launchBrowser([`--host-resolver-rules=MAP *.${TENANT_BASE_DOMAIN} 127.0.0.1`]);
    try {
      const page = await browser.newPage();
      await page.goto(`${base('uni-a')}/login`);
      const button = page.getByRole('link', { name: 'Sign in with Uni IdP' });
      await button.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => u.href.startsWith(op.issuer));
      await page.locator('input[name="login"]').fill('ada');
      await page.locator('input[name="password"]').fill('anything');
      await screenshot(page, 'oidc-1-provider-login');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base('uni-a')}/rooms`);
      await page.getByRole('heading', { name: 'My rooms' }).waitFor();
      await screenshot(page, 'oidc-2-my-rooms');
      const id = await page.evaluate(
        async () => ((await (await fetch('/api/me')).json()) as { user: { id: string } }).user.id,
      );
      expect(await sql("SELECT id FROM users WHERE tenant = 'uni-a' AND oidc_sub = 'ada'")).toEqual([{ id }]);

      // A refusal comes back to the sign-in page (signed out), in words.
      const signedOut = await browser.newPage();
      await signedOut.goto(`${base('uni-a')}/login?error=oidc-email-domain`);
      await signedOut.getByText('Accounts with this e-mail domain may not sign in here.').waitFor();
    } finally {
      await browser.close();
    }
  }, 120_000);
});
