import * as fc from 'fast-check';
import { ERROR_CODES, contracts } from '@ensemble/contracts';
import { bbbChecksum } from '@ensemble/shared';
import { BBB_ERRORS } from '../services/gateway-api/src/bbb-api/answer-xml.js';
import { ProvisionerHarness } from '../services/provisioner/src/provisioner-harness.test-support.js';
import { BBB_API_SECRET, FaultStack } from './faults.test-support.js';
import { Client, signUp } from './rooms.test-support.js';

/** Every messageKey the gateway's BBB API answers with: an answer with another key is not typed. */
const BBB_KEYS: ReadonlySet<string> = new Set(Object.values(BBB_ERRORS).map(([key]) => key));
const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * A typed BBB answer: FAILED XML with a known messageKey (200, as BBB answers), a join's
 * redirect carrying one in `errors=` (BBB's way for join), or the API root's version.
 * Returns the key, so a run can tell which errors it reached.
 */
async function typedBbbAnswer(call: string, res: Response, urlBytes: number): Promise<string> {
  const text = await res.text();
  // Node's HTTP parser refuses a request line over its 16 KiB header limit before the gateway sees it.
  if (res.status === 431 && urlBytes > 16 * 1024) return 'header-too-large';
  if (res.status === 302 && call === 'join') {
    const errors = /[?&]errors=([^&]*)$/.exec(res.headers.get('location') ?? '')?.[1];
    const [first] = JSON.parse(decodeURIComponent(errors ?? '')) as { key: string }[];
    expect({ call, key: first?.key, known: BBB_KEYS.has(first?.key ?? '') }).toMatchObject({ known: true });
    return first!.key;
  }
  expect({ call, status: res.status, body: text.slice(0, 200) }).toMatchObject({ status: 200 });
  if (call === '' && text.includes('<returncode>SUCCESS</returncode>')) return 'version';
  const key = /<messageKey>([^<]*)<\/messageKey>/.exec(text)?.[1] ?? '';
  expect({ call, failed: text.includes('<returncode>FAILED</returncode>'), key, known: BBB_KEYS.has(key) }).toEqual({
    call,
    failed: true,
    key,
    known: true,
  });
  return key;
}

/**
 * Hostile input on every door: REST bodies, BBB API query strings, raw NATS
 * payloads. Always a typed 4xx (or typed error), never a 5xx, never a crash,
 * nothing stored.
 */
describe('bad input on every door', () => {
  const s = new FaultStack();
  // Every request subject has its responder: a timeout can only mean a request was left unanswered.
  const provisioner = new ProvisionerHarness();
  let owner: Client;
  let roomId: string;
  let token: string;
  beforeAll(async () => {
    await s.start({ nodes: 2, gateway: { BODY_LIMIT_BYTES: String(64 * 1024) } });
    await provisioner.start({}, { nats: s.nats, redis: s.redis });
    owner = await signUp(s.gateway.url);
    const room = await owner.json('POST', '/api/rooms', { name: 'Target', engine: 'bbb' });
    roomId = room.body.id;
    token = String(room.body.participantLink).split('/j/')[1]!;
  }, 60_000);
  afterAll(async () => {
    await provisioner.stop({ keepServers: true });
    await s.stop();
  });

  const nasty = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc
      .dictionary(
        fc.constantFrom(
          'email',
          'password',
          'name',
          'engine',
          'roomKey',
          'displayName',
          'state',
          'settings',
          'count',
          'id',
          'url',
          'secret',
        ),
        fc.anything({ maxDepth: 3 }),
      )
      .map((v) => JSON.stringify(v) ?? '{}'),
    fc.constantFrom(
      '{"__proto__":{"isAdmin":true},"name":"x"}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"name":"x","engine":"bbb","settings":{"__proto__":{"record":true}}}',
      `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
      JSON.stringify({ name: 'x'.repeat(200_000), engine: 'bbb' }),
      JSON.stringify({ email: `${'a'.repeat(10_000)}@x.org`, password: 'p'.repeat(100_000), name: 'n' }),
      '\u0000\uFFFF\uD800',
      '',
      'null',
      '[]',
    ),
  );

  const routes: [string, string, 'anon' | 'owner' | 'ops'][] = [
    ['POST', '/api/auth/register', 'anon'],
    ['POST', '/api/auth/login', 'anon'],
    ['POST', '/api/rooms', 'owner'],
    ['PATCH', `/api/rooms/:room`, 'owner'],
    ['POST', `/api/join/:token`, 'anon'],
    ['POST', '/api/ops/nodes', 'ops'],
    ['PATCH', '/api/ops/nodes/bbb-1', 'ops'],
    ['POST', '/api/ops/placements', 'ops'],
    ['POST', '/api/ops/scale-out', 'ops'],
  ];

  it.each(routes)(
    '%s %s answers a typed 4xx to hostile bodies and stores nothing',
    async (method, raw, who) => {
      const path = raw.replace(':room', roomId).replace(':token', token);
      const roomsBefore = (await owner.json('GET', '/api/rooms')).body.rooms.length;
      const nodesBefore = JSON.stringify((await s.nodes()).map((n) => [n.id, n.state, n.loadMultiplier, n.tags]));
      let created = 0;
      await fc.assert(
        fc.asyncProperty(nasty, async (body) => {
          const res = await fetch(`${s.gateway.url}${path}`, {
            method,
            headers: {
              'content-type': 'application/json',
              origin: s.gateway.url,
              ...(who === 'ops' ? { authorization: 'Bearer faults-ops-token-0123456789' } : {}),
              ...(who === 'owner' && owner.cookie ? { cookie: owner.cookie } : {}),
            },
            body,
          });
          const text = await res.text();
          if (res.status < 300) {
            created++;
            return;
          }
          const status = res.status;
          expect({ status, is4xx: status >= 400 && status < 500, body: text.slice(0, 200) }).toMatchObject({
            is4xx: true,
          });
          const parsed = JSON.parse(text) as { error: { code: string; message: string } };
          expect({ code: parsed.error.code, known: CODES.has(parsed.error.code) }).toMatchObject({ known: true });
          expect(typeof parsed.error.message).toBe('string');
        }),
        { numRuns: 40 },
      );
      if (method === 'POST' && path === '/api/rooms')
        expect((await owner.json('GET', '/api/rooms')).body.rooms.length).toBe(roomsBefore + created);
      else expect((await owner.json('GET', '/api/rooms')).body.rooms.length).toBe(roomsBefore);
      if (path.startsWith('/api/ops/nodes')) expect(created).toBe(0);
      expect(JSON.stringify((await s.nodes()).map((n) => [n.id, n.state, n.loadMultiplier, n.tags]))).toBe(nodesBefore);
      expect(({} as Record<string, unknown>).isAdmin ?? ({} as Record<string, unknown>).polluted).toBeUndefined();
    },
    60_000,
  );

  it('refuses a body over the limit on every route with 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(70 * 1024) });
    for (const [method, raw, who] of routes) {
      const res = await fetch(`${s.gateway.url}${raw.replace(':room', roomId).replace(':token', token)}`, {
        method,
        headers: {
          'content-type': 'application/json',
          origin: s.gateway.url,
          ...(who === 'ops' ? { authorization: 'Bearer faults-ops-token-0123456789' } : {}),
          ...(who === 'owner' && owner.cookie ? { cookie: owner.cookie } : {}),
        },
        body: big,
      });
      expect({ raw, status: res.status }).toEqual({ raw, status: 413 });
    }
  });

  const bbb = (call: string, query: string) =>
    fetch(`${s.gateway.url}/bigbluebutton/api/${call}?${query}`, { redirect: 'manual' });
  const failed = async (res: Response) => {
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain('<returncode>FAILED</returncode>');
    return xml;
  };

  it('answers FAILED (checksumError) for every checksum mistake', async () => {
    const query = 'meetingID=chk&name=Checked&record=false';
    const good = bbbChecksum('create', query, BBB_API_SECRET, 'sha256');
    const mistakes = [
      query,
      `${query}&checksum=`,
      `${query}&checksum=${good.slice(0, -1)}`,
      `${query}&checksum=${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`,
      `${query}&checksum=${good}0`,
      `${query}&checksum=${bbbChecksum('join', query, BBB_API_SECRET, 'sha256')}`,
      `${query}&checksum=${bbbChecksum('create', query, 'wrong-secret-0123456789', 'sha256')}`,
      `${query}&checksum=${bbbChecksum('create', query, BBB_API_SECRET, 'sha1').slice(0, 39)}`,
      `${query}&extra=1&checksum=${good}`,
      `record=false&meetingID=chk&name=Checked&checksum=${good}`,
      `${query}&checksum=${'z'.repeat(64)}`,
      `${query}&checksum=${good}&checksum=${good}`,
      `${query}&checksum=%FF%FE${good.slice(4)}`,
      `${query.replace('Checked', '%FF%FE')}&checksum=${good}`,
    ];
    expect(await (await bbb('create', `${query}&checksum=${good}`)).text()).toContain('SUCCESS');
    await bbb('end', `meetingID=chk&checksum=${bbbChecksum('end', 'meetingID=chk', BBB_API_SECRET, 'sha256')}`);
    const meetingsBefore = s.sim.nodes.map((n) => n.meetings().length);
    for (const q of mistakes)
      expect({ q, xml: await failed(await bbb('create', q)) }).toEqual({
        q,
        xml: expect.stringContaining('checksumError'),
      });
    expect(s.sim.nodes.map((n) => n.meetings().length)).toEqual(meetingsBefore);
  });

  it('answers FAILED with a known messageKey (or the error redirect of join) to arbitrary query strings on every call, and stays up', async () => {
    const calls = ['create', 'join', 'isMeetingRunning', 'getMeetingInfo', 'getMeetings', 'end', 'nope', ''];
    const part = fc.oneof(
      fc.string({ maxLength: 30 }).map(encodeURIComponent),
      fc.constantFrom(
        '%FF%FE',
        '%C0%AF',
        '%',
        '%%',
        '%E2%82',
        '&&&',
        '=',
        'meetingID=a&meetingID=b',
        'x'.repeat(60_000),
      ),
    );
    const keys = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls),
        fc.array(fc.tuple(part, part), { maxLength: 6 }),
        async (call, pairs) => {
          const q = pairs.map(([k, v]) => `${k}=${v}`).join('&');
          keys.add(await typedBbbAnswer(call, await bbb(call, q), q.length));
        },
      ),
      { numRuns: 80 },
    );
    expect(keys).toContain('checksumError');
    expect((await s.place('still-up')).status).toBe(200);
  }, 60_000);

  it('answers arbitrary bytes on every NATS request subject with a typed error, and keeps serving', async () => {
    const { connect } = await import('@nats-io/transport-node');
    const nc = await connect({ servers: s.nats.url });
    const subjects = Object.values(contracts)
      .filter((c) => c.kind === 'request')
      .map((c) => (c as { subject: string }).subject);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...subjects),
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v))),
          ),
          async (subject, data) => {
            // Every subject has its responder here: no answer (a timeout) fails the property.
            const reply = await nc.request(subject, data, { timeout: 5000 });
            const body = JSON.parse(new TextDecoder().decode(reply.data)) as {
              ok: boolean;
              error?: { code: string; message: string };
            };
            if (body.ok) return; // arbitrary JSON can be a valid request ({} lists nodes)
            expect({ subject, code: body.error?.code, known: CODES.has(body.error?.code ?? '') }).toMatchObject({
              known: true,
            });
            expect(body.error?.code).not.toBe('internal');
            expect(typeof body.error?.message).toBe('string');
          },
        ),
        { numRuns: 120 },
      );
    } finally {
      await nc.close();
    }
    expect((await s.place('still-up-after-nats')).status).toBe(200);
  }, 60_000);
});
