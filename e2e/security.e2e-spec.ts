import { parseConfig } from '@ensemble/shared';
import { gatewayEnvSchema, startGateway } from '@ensemble/gateway-api';
import { FaultStack, OPS_TOKEN } from './faults.test-support.js';
import { Client, LOOPBACK, actAsTrustedProxy } from './rooms.test-support.js';

const PASSWORD = 'correct horse battery staple 42';

/** Sessions, limits and headers (the whole-scenario secret search is e2e/secrets.e2e-spec.ts). */
describe('sessions, limits and headers', () => {
  const s = new FaultStack();
  beforeAll(async () => {
    await s.start({
      nodes: 2,
      gateway: {
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
        LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '8',
        JOIN_MAX_PER_ADDRESS: '6',
        // The limits are tested per address with many addresses: the test plays the trusted proxy.
        TRUSTED_PROXIES: LOOPBACK,
      },
    });
    actAsTrustedProxy(s.gateway.url);
  }, 60_000);
  afterAll(() => s.stop());

  it('never keeps a session id chosen before login', async () => {
    const email = `fix-${Date.now()}@example.org`;
    const ada = new Client(s.gateway.url);
    await ada.call('POST', '/api/auth/register', { email, password: PASSWORD, name: 'Ada' });
    await ada.call('POST', '/api/auth/logout');
    const planted = 'ens_session=attacker-chosen-0123456789abcdef';
    ada.cookie = planted;
    const login = await ada.call('POST', '/api/auth/login', { email, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(ada.cookie).toBeDefined();
    expect(ada.cookie).not.toBe(planted);
    const attacker = new Client(s.gateway.url);
    attacker.cookie = planted;
    expect((await attacker.call('GET', '/api/me')).status).toBe(401);
    expect((await ada.call('GET', '/api/me')).status).toBe(200);
  });

  it('limits logins per account, sign-ups per address and joins per address (429 with Retry-After)', async () => {
    const email = `rl-${Date.now()}@example.org`;
    await new Client(s.gateway.url).call('POST', '/api/auth/register', { email, password: PASSWORD, name: 'R' });
    const wrong = [];
    for (let i = 0; i < 5; i++)
      wrong.push((await new Client(s.gateway.url).call('POST', '/api/auth/login', { email, password: 'nope' })).status);
    expect(wrong.slice(0, 3)).toEqual([401, 401, 401]);
    expect(wrong.at(-1)).toBe(429);

    const one = new Client(s.gateway.url);
    const signups = [];
    for (let i = 0; i < 10; i++) {
      const res = await one.call('POST', '/api/auth/register', {
        email: `many-${i}-${Date.now()}@example.org`,
        password: PASSWORD,
        name: 'M',
      });
      signups.push(res.status);
      if (res.status === 429) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(signups.at(-1)).toBe(429);

    const joiner = new Client(s.gateway.url);
    const joins = [];
    for (let i = 0; i < 8; i++)
      joins.push((await joiner.call('POST', '/api/join/not-a-token', { displayName: 'J' })).status);
    expect(joins.slice(0, 6)).toEqual([404, 404, 404, 404, 404, 404]);
    expect(joins.at(-1)).toBe(429);
  });

  it('sends CSP with frame-ancestors, nosniff and a referrer policy on the web app, and HSTS behind HTTPS', async () => {
    const page = await fetch(`${s.gateway.url}/`);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('strict-transport-security')).toBeNull();
    expect((await fetch(`${s.gateway.url}/api/me`)).headers.get('x-content-type-options')).toBe('nosniff');

    const https = await startGateway(
      parseConfig('gateway-api', gatewayEnvSchema, {
        NATS_URL: s.nats.url,
        REDIS_URL: s.redis.url,
        DATABASE_URL: s.postgres.url,
        GATEWAY_PORT: '0',
        OPS_TOKEN,
        PUBLIC_URL: 'https://ensemble.example.org',
      }),
      { logSink: () => undefined },
    );
    try {
      for (const path of ['/', '/api/me', '/healthz'])
        expect((await fetch(`${https.url}${path}`)).headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    } finally {
      await https.close();
    }
  });
});
