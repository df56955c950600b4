import { connect, type NatsConnection } from '@nats-io/transport-node';
import { bbbChecksum, parseConfig } from '@ensemble/shared';
import { gatewayEnvSchema, startGateway } from '@ensemble/gateway-api';
import { BBB_API_SECRET, FaultStack, OPS_TOKEN } from './faults.test-support.js';
import { Client, LOOPBACK, actAsTrustedProxy } from './rooms.test-support.js';

const PASSWORD = 'correct horse battery staple 42';

/** A whole scenario, with every output kept and searched for every secret; then fixation, limits, headers. */
describe('secrets, sessions, limits and headers', () => {
  const s = new FaultStack();
  let nc: NatsConnection;
  const nats: string[] = [];
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
    nc = await connect({ servers: s.nats.url });
    nc.subscribe('>', { callback: (_e, m) => void nats.push(`${m.subject} ${new TextDecoder().decode(m.data)}`) });
  }, 60_000);
  afterAll(async () => {
    await nc?.close();
    await s.stop();
  });

  it('never shows a secret in any response, NATS message or log line of a whole scenario', async () => {
    const bodies: string[] = [];
    const ownerBodies: string[] = [];
    const keep = async (res: Response, owner = false) => {
      const text = `${res.headers.get('location') ?? ''} ${await res.text()}`;
      (owner ? ownerBodies : bodies).push(text);
      return text;
    };
    const email = `sec-${Date.now()}@example.org`;
    const ada = new Client(s.gateway.url);
    await keep(await ada.call('POST', '/api/auth/register', { email, password: PASSWORD, name: 'Ada' }));
    const registeredSession = ada.cookie!;
    await keep(await ada.call('POST', '/api/auth/logout'));
    await keep(await ada.call('POST', '/api/auth/login', { email, password: PASSWORD }));
    const session = ada.cookie!;
    const room = JSON.parse(
      await keep(await ada.call('POST', '/api/rooms', { name: 'Secret', engine: 'bbb' }), true),
    ) as { id: string; moderatorLink: string; participantLink: string };
    await keep(await ada.call('GET', '/api/rooms'), true);
    const links = [room.moderatorLink, room.participantLink].map((l) => l.split('/j/')[1]!);
    const guest = new Client(s.gateway.url);
    for (const t of links) {
      await keep(await guest.call('GET', `/api/join/${t}`));
      await keep(await guest.call('POST', `/api/join/${t}`, { displayName: 'Guest' }));
    }
    await keep(await ada.call('GET', `/api/rooms/${room.id}/live`));
    const bbb = async (call: string, q: string) =>
      keep(
        await fetch(
          `${s.gateway.url}/bigbluebutton/api/${call}?${q}&checksum=${bbbChecksum(call, q, BBB_API_SECRET, 'sha256')}`,
          { redirect: 'manual' },
        ),
      );
    await bbb('create', 'meetingID=sec-1&name=Sec&moderatorPW=mp&attendeePW=ap');
    await bbb('join', 'meetingID=sec-1&fullName=Bo&password=ap');
    await bbb('getMeetings', '');
    await bbb('getMeetingInfo', 'meetingID=sec-1');
    await bbb('getMeetingInfo', 'meetingID=sec-1&checksum=wrong');
    for (const [m, p, b] of [
      ['GET', '/api/ops/nodes', undefined],
      ['GET', '/api/ops/cluster', undefined],
      ['GET', `/api/ops/nodes/${s.sim.nodes[0]!.id}`, undefined],
      ['POST', '/api/ops/placements', { roomKey: 'sec-ops', engine: 'bbb' }],
      ['GET', '/api/ops/rooms/sec-ops', undefined],
      ['GET', '/api/ops/runs', undefined],
      ['POST', '/api/ops/events/ticket', undefined],
    ] as const)
      await keep(await s.ops(m, p, b));
    const sse = await s.ops('GET', '/api/ops/events', undefined, AbortSignal.timeout(1500));
    await keep(sse).catch(() => undefined);
    await keep(await fetch(`${s.gateway.url}/metrics`));
    await keep(await ada.call('POST', '/api/auth/logout'));
    await new Promise((r) => setTimeout(r, 300));

    const secrets: Record<string, string> = {
      'BBB API secret': BBB_API_SECRET,
      'ops token': OPS_TOKEN,
      password: PASSWORD,
      'session (register)': registeredSession.split('=')[1]!,
      'session (login)': session.split('=')[1]!,
      ...Object.fromEntries(s.sim.nodes.map((n) => [`secret of ${n.id}`, n.secret])),
    };
    const outputs = { responses: bodies, 'NATS messages': nats, 'log lines': s.logs };
    const found: string[] = [];
    for (const [where, texts] of Object.entries(outputs)) {
      for (const [name, value] of Object.entries(secrets)) {
        if (texts.some((t) => t.includes(value))) found.push(`${name} in ${where}`);
      }
      // Link tokens are shown to their owner only; never in events, logs or anyone else's answers.
      for (const t of links) if (texts.some((x) => x.includes(t))) found.push(`a link token in ${where}`);
    }
    expect(found).toEqual([]);
    expect(ownerBodies.join('')).toContain(links[0]);
    expect(nats.length).toBeGreaterThan(10);
    expect(s.logs.length).toBeGreaterThan(10);
  }, 60_000);

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
