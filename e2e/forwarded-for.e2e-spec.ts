import { parseConfig } from '@ensemble/shared';
import { gatewayEnvSchema, startGateway, type RunningGateway } from '@ensemble/gateway-api';
import { FaultStack, OPS_TOKEN } from './faults.test-support.js';
import { LOOPBACK } from './rooms.test-support.js';

const LIMITS = { LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '4', JOIN_MAX_PER_ADDRESS: '4', LOGIN_MAX_FAILURES_PER_ACCOUNT: '50' };
let forged = 0;
const forgedAddress = () => `203.0.113.${++forged % 250}`;

const post = (base: string, path: string, body: unknown, forwardedFor?: string) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: base,
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify(body),
  }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  });
const login = (base: string, xff?: string) =>
  post(base, '/api/auth/login', { email: `nobody-${forged}@example.org`, password: 'not-the-password' }, xff);
const register = (base: string, xff?: string) =>
  post(
    base,
    '/api/auth/register',
    { email: `new-${Date.now()}-${++forged}@example.org`, password: 'correct horse battery', name: 'N' },
    xff,
  );
const join = (base: string, xff?: string) => post(base, '/api/join/not-a-token', { displayName: 'J' }, xff);

/** From the attacker's side: the per-address limits against a forged X-Forwarded-For. */
describe('client addresses behind X-Forwarded-For', () => {
  const s = new FaultStack();
  let trusting: RunningGateway;

  beforeAll(async () => {
    await s.start({ nodes: 1, gateway: LIMITS });
    // A second gateway on the same NATS and Redis, behind a proxy on loopback.
    trusting = await startGateway(
      parseConfig('gateway-api', gatewayEnvSchema, {
        NATS_URL: s.nats.url,
        REDIS_URL: s.redis.url,
        DATABASE_URL: s.postgres.url,
        GATEWAY_PORT: '0',
        OPS_TOKEN,
        TRUSTED_PROXIES: LOOPBACK,
        ...LIMITS,
      }),
      { logSink: () => undefined },
    );
  }, 60_000);
  afterAll(async () => {
    await trusting?.close();
    await s.stop();
  });

  describe('from a peer that is not a trusted proxy', () => {
    it('still limits sign-in and sign-up per address when each attempt forges a new X-Forwarded-For', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push(await login(s.gateway.url, forgedAddress()));
      for (let i = 0; i < 3; i++) statuses.push(await register(s.gateway.url, forgedAddress()));
      // Login and register share one counter per address: four attempts, then 429.
      expect(statuses.slice(0, 4).every((x) => x !== 429)).toBe(true);
      expect(statuses.slice(4)).toEqual([429, 429]);
    });

    it('still limits joins per address when each attempt forges a new X-Forwarded-For', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push(await join(s.gateway.url, forgedAddress()));
      expect(statuses).toEqual([404, 404, 404, 404, 429, 429]);
    });
  });

  describe('from a trusted proxy', () => {
    it('counts joins per address the proxy reports, each address apart', async () => {
      const a = [];
      for (let i = 0; i < 5; i++) a.push(await join(trusting.url, '198.51.100.1'));
      expect(a).toEqual([404, 404, 404, 404, 429]);
      expect(await join(trusting.url, '198.51.100.2')).toBe(404);
    });

    it('takes the address the proxy saw, not one the client put before it', async () => {
      // A proxy that appends: "<what the client sent>, <what the proxy saw>".
      const seen = '198.51.100.3';
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push(await login(trusting.url, `${forgedAddress()}, ${seen}`));
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
    });
  });
});
