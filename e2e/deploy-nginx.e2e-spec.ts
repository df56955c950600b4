import { Agent, request } from 'undici';
import { removeDir, type Daemon } from './deploy.test-support.js';
import { prepareNginx, startNginx, testNginx, type NginxSite } from './nginx.test-support.js';
import { OpsStack } from './ops-stack.test-support.js';

const TOKEN = 'nginx-e2e-ops-token-0123456789';
const MARKER = 'ensemble-web-app-under-test';
const JOINS_PER_ADDRESS = 3;

/** deploy/nginx: the rendered config passes `nginx -t`, and NGINX in front of a real gateway serves and proxies. */
describe('the NGINX front in front of a running gateway', () => {
  const stack = new OpsStack(TOKEN);
  let nginx: Daemon | undefined;
  let site: NginxSite;
  let https: string;
  let http: string;
  let tls: Agent;

  const get = async (
    path: string,
    opts: { headers?: Record<string, string>; localAddress?: string; method?: 'GET' | 'POST'; body?: string } = {},
  ) => {
    const dispatcher = opts.localAddress
      ? new Agent({ localAddress: opts.localAddress, connect: { ca: site.cert } })
      : tls;
    const res = await request(`${https}${path}`, {
      dispatcher,
      headers: opts.headers ?? {},
      method: opts.method ?? 'GET',
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });
    const body = await res.body.text();
    if (dispatcher !== tls) await dispatcher.close();
    return { status: res.statusCode, headers: res.headers, body };
  };

  beforeAll(async () => {
    await stack.start({
      gatewayEnv: {
        // The whole loopback network, as compose trusts its whole network: it also holds
        // the clients here (127.0.0.2, 127.0.0.3), so only NGINX overwriting the header
        // keeps a forged address out.
        TRUSTED_PROXIES: '127.0.0.0/8',
        JOIN_MAX_PER_ADDRESS: String(JOINS_PER_ADDRESS),
      },
    });

    site = await prepareNginx({
      gatewayPort: stack.gateway.port,
      webFiles: {
        'index.html': `<!doctype html><title>Ensemble</title><div id="root">${MARKER}</div>`,
        'assets/app-3f2a.js': `console.log(${JSON.stringify('x'.repeat(4000))});\n`,
      },
    });
    https = site.https;
    http = site.http;
    tls = new Agent({ connect: { ca: site.cert } });
  }, 60_000);

  afterAll(async () => {
    await nginx?.stop();
    await tls?.close();
    await stack.stop();
    removeDir(site?.dir);
  });

  it('passes nginx -t once the paths are substituted', () => {
    const stderr = testNginx(site);
    expect(stderr).toContain('syntax is ok');
    expect(stderr).toContain('test is successful');
  });

  it('starts and serves the built web app over TLS with the security headers', async () => {
    nginx = startNginx(site);
    await nginx.ready('serving', async () => (await get('/nginx-health').catch(() => undefined))?.status === 200);
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain(MARKER);
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('answers unknown app paths with the app, so client-side routes load', async () => {
    const page = await get('/rooms/some-room');
    expect(page.status).toBe(200);
    expect(page.body).toContain(MARKER);
  });

  it('compresses text assets and lets browsers cache them', async () => {
    const asset = await get('/assets/app-3f2a.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.headers['cache-control']).toMatch(/max-age=31536000/);
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const res = await request(`${http}/api/ops/cluster?x=1`);
    await res.body.dump();
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('https://127.0.0.1/api/ops/cluster?x=1');
  });

  it('proxies /api to the gateway', async () => {
    const ok = await get('/api/ops/cluster', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ nodes: expect.any(Array) });
    const refused = await get('/api/ops/cluster');
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it.each(['/bigbluebutton/api', '/j/some-link'])('proxies %s to the gateway', async (path) => {
    const res = await get(path);
    expect(res.status).not.toBe(502);
    // Whatever the gateway answers (BBB XML, JSON, or its JSON 404 today), it is the gateway's, not NGINX's page.
    expect(res.body).toMatch(/^\{"error":\{"code":"[a-z-]+"|<response>|<!doctype html>/i);
    expect(res.body).not.toContain('<center>nginx</center>');
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('gives the load balancer the gateway readiness on plain HTTP', async () => {
    const res = await request(`${http}/readyz`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ status: 'ok', checks: { nats: true, redis: true, database: true } });
  });

  it('replaces a forged X-Forwarded-For with the address it saw: the gateway counts joins per real address', async () => {
    let n = 0;
    const joinFrom = async (localAddress: string) =>
      (
        await get('/api/join/not-a-token', {
          localAddress,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            // NGINX passes Host without the port ($host): the origin the gateway expects.
            origin: 'https://127.0.0.1',
            // A new forged address every time: believed, it would dodge the limit.
            'x-forwarded-for': `203.0.113.${++n}`,
          },
          body: JSON.stringify({ displayName: 'J' }),
        })
      ).status;
    const fromOne = [];
    for (let i = 0; i <= JOINS_PER_ADDRESS; i++) fromOne.push(await joinFrom('127.0.0.2'));
    expect(fromOne).toEqual([...Array<number>(JOINS_PER_ADDRESS).fill(404), 429]);
    // Another real address is counted apart (the gateway does not see NGINX's own address for all).
    expect(await joinFrom('127.0.0.3')).toBe(404);
  });

  it('serves gateway metrics to the private network only', async () => {
    const inside = await get('/metrics');
    expect(inside.status).toBe(200);
    expect(inside.body).toContain('ensemble_gateway_http_request_duration_seconds');
    const outside = await get('/metrics', { localAddress: '127.0.0.2' });
    expect(outside.status).toBe(403);
  });
});
