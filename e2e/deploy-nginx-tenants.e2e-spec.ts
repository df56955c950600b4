import { signQuery } from '@ensemble/shared';
import { waitFor } from '@ensemble/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, type Agent } from 'undici';
import { API_SECRET, BbbApiHarness } from './bbb-api.test-support.js';
import { removeDir, type Daemon } from './deploy.test-support.js';
import { prepareNginx, startNginx, testNginx, type NginxSite } from './nginx.test-support.js';
import { addTenant, loopbackAgent } from './tenants.test-support.js';

/** `.test` is reserved, never a real name (RFC 2606): every name here is sent to loopback. */
const BASE = 'bbb.test';
const SECRET = { 'uni-a': 'nginx-uni-a-secret-0123456789abcdef', 'uni-b': 'nginx-uni-b-secret-0123456789abcdef' };
const PASSWORD = 'correct horse battery';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Tenant routing through the shipped NGINX (deploy/nginx, decisions 110 and 115): the BBB API
 * of two tenants reached by host name (`<tenant>.bbb.test`, TLS with SNI) and by path
 * (`/t/<tenant>/bigbluebutton/api`), and the web app's accounts per tenant host.
 */
describe('tenants through the NGINX front', () => {
  const h = new BbbApiHarness();
  let site: NginxSite;
  let nginx: Daemon | undefined;
  let agent: Agent;

  /** `https://<host>:<port>`: NGINX on loopback, whatever the name. */
  const at = (host: string) => `https://${host}:${site.httpsPort}`;
  const tenantHost = (t: string) => at(`${t}.${BASE}`);

  const send = async (
    url: string,
    opts: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> => {
    const res = await request(url, {
      dispatcher: agent,
      method: opts.method ?? 'GET',
      headers: opts.headers ?? {},
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  };
  /** A signed BBB API call below `api` (…/bigbluebutton/api). */
  const bbbCall = (api: string, secret: string, call: string, params: Array<[string, string]> = [], headers = {}) =>
    send(`${api}/${call}?${signQuery(call, new URLSearchParams(params).toString(), secret, 'sha256')}`, { headers });
  const byHost = (t: keyof typeof SECRET) => `${tenantHost(t)}/bigbluebutton/api`;
  const byPath = (t: keyof typeof SECRET) => `${at('127.0.0.1')}/t/${t}/bigbluebutton/api`;
  const meetingIds = (xml: string) =>
    [...xml.matchAll(/<meetingID>([^<]*)<\/meetingID>/g)].map((m) => m[1]!).sort((x, y) => x.localeCompare(y));
  const create = (api: string, secret: string, id: string) =>
    bbbCall(api, secret, 'create', [
      ['meetingID', id],
      ['name', id],
      ['attendeePW', 'ap'],
      ['moderatorPW', 'mp'],
    ]);

  beforeAll(async () => {
    await h.start({
      nodes: 2,
      // NGINX is the trusted proxy: its X-Forwarded-Proto (https) and Host are believed.
      gatewayEnv: { TENANT_BASE_DOMAIN: BASE, TRUSTED_PROXIES: '127.0.0.1/32' },
    });
    for (const [t, secret] of Object.entries(SECRET)) await addTenant(h.postgres.url, h.bus, t, [secret]);
    site = await prepareNginx({ gatewayPort: h.gateway.port, tenantDomain: BASE });
    agent = loopbackAgent({ ca: site.cert });
  }, 60_000);
  afterAll(async () => {
    await nginx?.stop();
    await agent?.close();
    await h.stop();
    removeDir(site?.dir);
  });

  it('passes nginx -t with the tenants serving at the base domain and every name below it', () => {
    expect(testNginx(site)).toContain('test is successful');
    const conf = readFileSync(join(site.dir, 'ensemble.conf'), 'utf8');
    expect(conf).toContain(`server_name _ .${BASE};`);
    expect(conf).toMatch(/location \/t\/ \{\s*proxy_pass http:\/\/ensemble_gateway;/);
  });

  it('starts, and each tenant answers at its host name (SNI) and its path once the gateway knows it', async () => {
    nginx = startNginx(site);
    await nginx.ready(
      'serving',
      async () => (await send(`${at('127.0.0.1')}/nginx-health`).catch(() => undefined))?.status === 200,
    );
    for (const t of ['uni-a', 'uni-b'] as const) {
      for (const api of [byHost(t), byPath(t)]) {
        await waitFor(
          `${api} known`,
          async () => (await bbbCall(api, SECRET[t], 'getMeetings')).body.includes('SUCCESS'),
          {
            timeoutMs: 30_000,
          },
        );
      }
    }
  });

  it('creates by host name and by path, and getMeetings of each tenant lists its own meetings only', async () => {
    for (const [api, secret, id] of [
      [byHost('uni-a'), SECRET['uni-a'], 'a-by-host'],
      [byPath('uni-a'), SECRET['uni-a'], 'a-by-path'],
      [byHost('uni-b'), SECRET['uni-b'], 'b-by-host'],
      [byPath('uni-b'), SECRET['uni-b'], 'b-by-path'],
      // The same meetingID in two tenants: two meetings.
      [byHost('uni-a'), SECRET['uni-a'], 'shared'],
      [byPath('uni-b'), SECRET['uni-b'], 'shared'],
    ] as const) {
      const r = await create(api, secret, id);
      expect([api, id, r.status, r.body]).toEqual([
        api,
        id,
        200,
        expect.stringContaining('<returncode>SUCCESS</returncode>'),
      ]);
    }
    for (const api of [byHost('uni-a'), byPath('uni-a')]) {
      expect(meetingIds((await bbbCall(api, SECRET['uni-a'], 'getMeetings')).body)).toEqual([
        'a-by-host',
        'a-by-path',
        'shared',
      ]);
    }
    for (const api of [byHost('uni-b'), byPath('uni-b')]) {
      expect(meetingIds((await bbbCall(api, SECRET['uni-b'], 'getMeetings')).body)).toEqual([
        'b-by-host',
        'b-by-path',
        'shared',
      ]);
    }
    // The default tenant, at the address (no tenant host, no tenant path), sees none of them.
    const mine = await bbbCall(`${at('127.0.0.1')}/bigbluebutton/api`, API_SECRET, 'getMeetings');
    expect(mine.body).toContain('<returncode>SUCCESS</returncode>');
    expect(meetingIds(mine.body)).toEqual([]);
    expect(h.nodeOf('uni-a~shared')).toBeDefined();
    expect(h.nodeOf('uni-b~shared')).toBeDefined();
  });

  it("answers another tenant's secret, an unknown tenant and a forged X-Forwarded-Host as a wrong checksum", async () => {
    const refused = [
      await bbbCall(byHost('uni-b'), SECRET['uni-a'], 'getMeetings'),
      await bbbCall(byPath('uni-b'), SECRET['uni-a'], 'getMeetings'),
      await bbbCall(`${tenantHost('nowhere')}/bigbluebutton/api`, SECRET['uni-a'], 'getMeetings'),
      await bbbCall(`${at('127.0.0.1')}/t/nowhere/bigbluebutton/api`, SECRET['uni-a'], 'getMeetings'),
      // NGINX replaces the client's X-Forwarded-Host: the tenant is the host it served (A), not B.
      await bbbCall(byHost('uni-a'), SECRET['uni-b'], 'getMeetings', [], { 'x-forwarded-host': `uni-b.${BASE}` }),
    ];
    for (const r of refused) {
      expect(r.body).toContain('<returncode>FAILED</returncode>');
      expect(r.body).toContain('<messageKey>checksumError</messageKey>');
    }
  });

  it('redirects a tenant host from plain HTTP to HTTPS on the same host name', async () => {
    const res = await request(`http://uni-a.${BASE}:${site.httpPort}/bigbluebutton/api/getMeetings?checksum=x`, {
      dispatcher: agent,
    });
    await res.body.dump();
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe(`https://uni-a.${BASE}/bigbluebutton/api/getMeetings?checksum=x`);
  });

  it("keeps web accounts per tenant host: the same e-mail twice, and one tenant's session refused on another", async () => {
    // NGINX passes the host without its port: the origin the gateway expects (on 443 it is the browser's).
    const web = (t: string) => ({ origin: `https://${t}.${BASE}`, 'content-type': 'application/json' });
    const register = async (t: string) => {
      const r = await send(`${tenantHost(t)}/api/auth/register`, {
        method: 'POST',
        headers: web(t),
        body: JSON.stringify({ email: 'same@example.org', password: PASSWORD, name: t }),
      });
      expect(r.status).toBe(201);
      const cookie = String(r.headers['set-cookie']).split(';')[0]!;
      return { id: (JSON.parse(r.body) as { user: { id: string } }).user.id, cookie };
    };
    const a = await register('uni-a');
    const b = await register('uni-b');
    expect(a.id).not.toBe(b.id);
    const me = (t: string, cookie: string) => send(`${tenantHost(t)}/api/me`, { headers: { cookie } });
    expect(JSON.parse((await me('uni-a', a.cookie)).body).user.id).toBe(a.id);
    expect((await me('uni-b', a.cookie)).status).toBe(401);
    expect((await me('nowhere', a.cookie)).status).toBe(404);
    const room = await send(`${tenantHost('uni-a')}/api/rooms`, {
      method: 'POST',
      headers: { ...web('uni-a'), cookie: a.cookie },
      body: JSON.stringify({ name: 'Room at A' }),
    });
    expect(room.status).toBe(201);
    // Behind NGINX with TRUSTED_PROXIES, the link is the tenant's https host as the browser used it.
    expect(JSON.parse(room.body).moderatorLink).toMatch(new RegExp(`^https://uni-a\\.${BASE.replace('.', '\\.')}/j/`));
  });
});
