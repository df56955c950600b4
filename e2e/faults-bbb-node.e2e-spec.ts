import { contracts, type LoadSample } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus } from '@ensemble/shared';
import { waitFor } from '@ensemble/testing';
import { FaultStack } from './faults.test-support.js';
import { signUp, type Client } from './rooms.test-support.js';

// Production keeps the poll deadline well under the interval (5 s vs 30 s); so does this test (0.6 s vs 1 s).
const POLL_S = 1;
const OFFLINE_AFTER = 2;
/** How long the slow/garbage test listens; every check runs up to its end. */
const WINDOW_MS = 8000;
/** Half the slow node's 10 s, five poll intervals: a gap this long means the healthy node stalled. */
const MAX_GAP_MS = 5000;

/** One BBB node's whole story: it dies, its rooms move at their next join, it comes back and takes rooms again. */
describe('a BBB node that dies and comes back', () => {
  const s = new FaultStack();
  let person: Client;
  beforeAll(async () => {
    await s.start({
      nodes: 3,
      pollS: POLL_S,
      scheduler: { HEALTH_OFFLINE_AFTER: String(OFFLINE_AFTER) },
      collector: { POLL_TIMEOUT_MS: '600', POLL_OFFLINE_TIMEOUT_MS: '300', POLL_CONNECT_TIMEOUT_MS: '300' },
    });
    person = await signUp(s.gateway.url);
  }, 60_000);
  afterAll(() => s.stop());

  const room = async (name: string) => {
    const r = await person.json('POST', '/api/rooms', { name, engine: 'bbb' });
    return String(r.body.moderatorLink).split('/j/')[1]!;
  };
  const join = async (token: string) => {
    const r = await person.json('POST', `/api/join/${token}`, { displayName: 'Ada' });
    expect(r.body.status).toBe('ready');
    return s.sim.nodes.find((n) => String(r.body.url).startsWith(n.baseUrl))!;
  };

  it('goes offline within the configured polls, its rooms move at the next join, and it takes rooms again once back', async () => {
    const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => room(`story-${i}`)));
    const first = await Promise.all(tokens.map(join));
    const victim = first[0]!;
    const itsRooms = tokens.filter((_, i) => first[i]!.id === victim.id);

    const downAt = Date.now();
    await victim.setFault({ mode: 'down' });
    await waitFor(
      'the node offline',
      async () => (await s.nodes()).find((n) => n.id === victim.id)?.health === 'offline',
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    // A figure for docs/reliability.md, not an assertion: the waitFor above is the (generous) deadline.
    process.stdout.write(
      `faults-bbb-node: offline ${Date.now() - downAt} ms after going down (poll ${POLL_S} s x ${OFFLINE_AFTER})\n`,
    );

    for (const token of itsRooms) {
      const now = await join(token);
      expect(now.id).not.toBe(victim.id);
      expect(now.meetings().length).toBeGreaterThan(0);
    }
    const fresh = await Promise.all(Array.from({ length: 8 }, (_, i) => room(`while-down-${i}`)));
    for (const node of await Promise.all(fresh.map(join))) expect(node.id).not.toBe(victim.id);

    await victim.setFault({ mode: 'none' });
    await waitFor(
      'the node online',
      async () => (await s.nodes()).find((n) => n.id === victim.id)?.health === 'online',
      {
        timeoutMs: 15_000,
      },
    );
    // The empty node is the least loaded: new rooms go there again.
    const later = await Promise.all(Array.from({ length: 6 }, (_, i) => room(`after-${i}`)));
    const placed = [];
    for (const token of later) placed.push((await join(token)).id);
    expect(placed).toContain(victim.id);
  }, 60_000);

  it('polls a node answering in 10 s or with garbage XML cleanly while the rest of the fleet stays on time', async () => {
    const bus = await NatsBus.connect({
      url: s.nats.url,
      name: 'test',
      logger: new Logger('t', 'error'),
      metrics: new Metrics('t'),
    });
    const seen: LoadSample[] = [];
    const sub = bus.subscribe(contracts.loadSample, (x) => void seen.push(x));
    const [slow, garbage, healthy] = s.sim.nodes;
    await slow!.setFault({ mode: 'slow', delayMs: 10_000 });
    await garbage!.setFault({ mode: 'bad-xml' });
    const from = Date.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    sub.unsubscribe();
    const to = Date.now();
    await bus.close();
    await slow!.setFault({ mode: 'none' });
    await garbage!.setFault({ mode: 'none' });

    const of = (id: string) => seen.filter((x) => x.nodeId === id);
    expect(of(garbage!.id).every((x) => !x.reachable && x.error === 'bad-xml')).toBe(true);
    expect(of(slow!.id).length).toBeGreaterThan(0);
    expect(of(slow!.id).every((x) => !x.reachable && x.error === 'timeout')).toBe(true);
    // The healthy node: sampled all through the window, up to its end. A node that stalled
    // after one sample leaves a gap from that sample to the window's end and too few samples.
    const healthyAt = of(healthy!.id).map((x) => x.at);
    const at = [from, ...healthyAt, to];
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    process.stdout.write(
      `faults-bbb-node: healthy node ${healthyAt.length} samples in ${to - from} ms, largest gap ${Math.max(...gaps)} ms with a 10 s node\n`,
    );
    expect(of(healthy!.id).every((x) => x.reachable)).toBe(true);
    expect(healthyAt.length).toBeGreaterThanOrEqual(WINDOW_MS / 1000 / POLL_S / 2);
    // No gap anywhere near the slow node's 10 s: cycles wait for no more than the poll deadline.
    expect(Math.max(...gaps)).toBeLessThan(MAX_GAP_MS);
  }, 40_000);
});
