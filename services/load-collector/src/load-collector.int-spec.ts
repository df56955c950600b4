import { request } from 'undici';
import { BbbSim, type SimNode } from '@ensemble/bbb-sim';
import { contracts, type LoadSample, type NodeHealth, type PollTarget } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, parseConfig, signedApiUrl } from '@ensemble/shared';
import { startNats, waitFor, type TestServer } from '@ensemble/testing';
import type { Subscription } from '@nats-io/transport-node';
import { startLoadCollector, type RunningLoadCollector } from './bootstrap.js';
import { loadCollectorEnvSchema } from './config.js';

const INTERVAL_S = 0.3;
const TIMEOUT_MS = 600;
const OFFLINE_TIMEOUT_MS = 250;

type Received = LoadSample & { receivedAt: number };

describe('the load-collector against a simulated BBB fleet over real NATS', () => {
  let nats: TestServer;
  let bus: NatsBus;
  let sim: BbbSim;
  let collector: RunningLoadCollector | undefined;
  let responder: Subscription | undefined;
  let watcher: Subscription | undefined;
  let samples: Received[];
  let logs: string[];

  beforeAll(async () => {
    nats = await startNats();
    bus = await NatsBus.connect({
      url: nats.url,
      name: 'test',
      logger: new Logger('test', 'error', () => {}),
      metrics: new Metrics('test'),
    });
    sim = await BbbSim.start({ nodes: 4, idPrefix: 'sim' });
  });

  beforeEach(async () => {
    samples = [];
    logs = [];
    watcher = bus.subscribe(contracts.loadSample, (s) => {
      samples.push({ ...s, receivedAt: Date.now() });
    });
    await bus.connection.flush();
  });

  afterEach(async () => {
    await collector?.close();
    collector = undefined;
    responder?.unsubscribe();
    responder = undefined;
    watcher?.unsubscribe();
    for (const node of sim.nodes) {
      await node.setFault({ mode: 'none' });
      node.reset();
    }
  });

  afterAll(async () => {
    await bus?.close();
    await sim?.stop();
    await nats?.stop();
  });

  /** Stands in for the scheduler: answers pollTargets with pre-signed getMeetings URLs for these nodes. */
  async function serveTargets(nodes: readonly SimNode[], health: Record<string, NodeHealth> = {}): Promise<void> {
    const targets: PollTarget[] = nodes.map((n) => ({
      nodeId: n.id,
      engine: 'bbb',
      url: n.baseUrl,
      health: health[n.id] ?? 'online',
      pollUrl: signedApiUrl(n.apiUrl, 'getMeetings', {}, n.secret),
    }));
    responder = bus.serve(contracts.pollTargets, async () => ({ targets }));
    await bus.connection.flush();
  }

  async function boot(env: Record<string, string> = {}): Promise<RunningLoadCollector> {
    const config = parseConfig('load-collector', loadCollectorEnvSchema, {
      NATS_URL: nats.url,
      METRICS_PORT: '0',
      POLL_INTERVAL_S: String(INTERVAL_S),
      POLL_CONNECT_TIMEOUT_MS: '300',
      POLL_TIMEOUT_MS: String(TIMEOUT_MS),
      POLL_OFFLINE_TIMEOUT_MS: String(OFFLINE_TIMEOUT_MS),
      TARGETS_TIMEOUT_MS: '300',
      ...env,
    });
    collector = await startLoadCollector(config, { logSink: (line) => logs.push(line) });
    return collector;
  }

  const firstOf = (nodeId: string) => samples.find((s) => s.nodeId === nodeId);
  const latestOf = (nodeId: string) => samples.filter((s) => s.nodeId === nodeId).at(-1);
  /** The first sample of each node, in the order given. */
  const firstForEvery = <const N extends readonly SimNode[]>(nodes: N) =>
    waitFor(
      'a sample from every node',
      () => {
        const first = nodes.map((n) => firstOf(n.id));
        return first.every((s) => s !== undefined) ? (first as { [K in keyof N]: Received }) : undefined;
      },
      { timeoutMs: 5000 },
    );

  async function get(url: string): Promise<{ status: number; location: string | undefined }> {
    const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
    await res.body.dump();
    const location = res.headers['location'];
    return { status: res.statusCode, location: typeof location === 'string' ? location : undefined };
  }

  /** Joins through the real BBB API: join 302s to the client URL, and opening it makes the user an attendee. */
  async function join(node: SimNode, meetingID: string, fullName: string, role: 'moderator' | 'viewer'): Promise<void> {
    const joined = await get(signedApiUrl(node.apiUrl, 'join', { meetingID, fullName, role }, node.secret));
    expect(joined.status).toBe(302);
    expect((await get(joined.location!)).status).toBe(200);
  }

  it('publishes a sample for every node with the counts its meetings and participants add up to', async () => {
    const [a, b, c] = sim.nodes as [SimNode, SimNode, SimNode, SimNode];
    for (const meetingID of ['standup', 'lecture']) {
      expect((await get(signedApiUrl(a.apiUrl, 'create', { meetingID, name: meetingID }, a.secret))).status).toBe(200);
    }
    await join(a, 'standup', 'Ada', 'moderator');
    await join(a, 'standup', 'Grace', 'moderator');
    await join(a, 'standup', 'Linus', 'viewer');
    await join(a, 'lecture', 'Barbara', 'viewer');
    b.seedMeetings([
      { meetingID: 'big', participants: 10, moderators: 2, videoCount: 3, voiceParticipantCount: 6 },
      { meetingID: 'small', participants: 4, moderators: 1, videoCount: 1, voiceParticipantCount: 4 },
    ]);
    await serveTargets([a, b, c]);
    await boot();

    const [sa, sb, sc] = await firstForEvery([a, b, c]);
    expect(sa).toMatchObject({
      engine: 'bbb',
      reachable: true,
      error: null,
      cpu: null,
      meetings: 2,
      participants: 4,
      moderators: 2,
      largestMeeting: 3,
    });
    expect(sb).toMatchObject({
      reachable: true,
      meetings: 2,
      participants: 14,
      moderators: 3,
      videoStreams: 4,
      voiceParticipants: 10,
      largestMeeting: 10,
    });
    expect(sc).toMatchObject({
      reachable: true,
      meetings: 0,
      participants: 0,
      moderators: 0,
      videoStreams: 0,
      voiceParticipants: 0,
      largestMeeting: 0,
    });
    for (const s of [sa, sb, sc]) expect(s.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('sees participants who join between cycles in the next sample', async () => {
    const [a] = sim.nodes as [SimNode];
    await serveTargets([a]);
    await boot();
    await waitFor('an empty sample', () => firstOf(a.id));
    expect(firstOf(a.id)).toMatchObject({ meetings: 0, participants: 0 });
    expect((await get(signedApiUrl(a.apiUrl, 'create', { meetingID: 'late', name: 'late' }, a.secret))).status).toBe(
      200,
    );
    await join(a, 'late', 'Ken', 'viewer');
    await waitFor('a sample with the new participant', () => latestOf(a.id)?.participants === 1, { timeoutMs: 3000 });
    expect(latestOf(a.id)).toMatchObject({ meetings: 1, participants: 1, largestMeeting: 1 });
  });

  it('reports a node that is down as unreachable while the others arrive in the same cycle', async () => {
    const nodes = sim.nodes;
    await nodes[1]!.setFault({ mode: 'down' });
    await serveTargets(nodes);
    await boot();
    const first = await firstForEvery(nodes);
    expect(first[1]).toMatchObject({
      nodeId: nodes[1]!.id,
      reachable: false,
      error: 'connect-refused',
      meetings: 0,
      participants: 0,
    });
    for (const i of [0, 2, 3]) expect(first[i]).toMatchObject({ reachable: true, error: null });
    // One cycle: every node's first sample (the down one's too) came before any node's second.
    const secondAt = await waitFor("any node's second sample", () => {
      const seen = new Set<string>();
      for (const x of samples) {
        if (seen.has(x.nodeId)) return x.receivedAt;
        seen.add(x.nodeId);
      }
      return undefined;
    });
    for (const f of first) expect(f.receivedAt).toBeLessThanOrEqual(secondAt);
  });

  it('times a slow node out while the rest are published on time', async () => {
    const nodes = sim.nodes;
    await nodes[2]!.setFault({ mode: 'slow', delayMs: 5000 });
    await serveTargets(nodes);
    await boot();
    const first = await firstForEvery(nodes);
    const slow = first[2]!;
    expect(slow).toMatchObject({ reachable: false, error: 'timeout', participants: 0 });
    // It waited for the deadline, and gave up there: the node answers only after 5 s.
    expect(slow.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(slow.latencyMs).toBeLessThan(5000);
    for (const i of [0, 1, 3]) {
      expect(first[i]).toMatchObject({ reachable: true });
      expect(first[i]!.receivedAt).toBeLessThan(slow.receivedAt);
    }
  });

  it('gives a node the scheduler reports offline only the shorter deadline', async () => {
    const [a, b] = sim.nodes as [SimNode, SimNode];
    await a.setFault({ mode: 'slow', delayMs: 5000 });
    await b.setFault({ mode: 'slow', delayMs: 5000 });
    await serveTargets([a, b], { [b.id]: 'offline' });
    await boot();
    const [sa, sb] = await firstForEvery([a, b]);
    expect([sa, sb]).toMatchObject([
      { reachable: false, error: 'timeout' },
      { reachable: false, error: 'timeout' },
    ]);
    // Polled in the same cycle, equally slow: the offline node is given up on first.
    expect(sb.receivedAt).toBeLessThan(sa.receivedAt);
    expect(sb.latencyMs).toBeLessThan(sa.latencyMs!);
  });

  it('reports broken XML and an HTTP 500 as unreachable with their reason', async () => {
    const [a, b, c] = sim.nodes as [SimNode, SimNode, SimNode];
    await a.setFault({ mode: 'bad-xml' });
    await b.setFault({ mode: 'http-500' });
    await serveTargets([a, b, c]);
    const running = await boot();
    const [sa, sb, sc] = await firstForEvery([a, b, c]);
    expect(sa).toMatchObject({ reachable: false, error: 'bad-xml', meetings: 0 });
    expect(sb).toMatchObject({ reachable: false, error: 'http-500', meetings: 0 });
    expect(sc).toMatchObject({ reachable: true, error: null });

    const metrics = await (await request(`http://127.0.0.1:${running.metricsPort}/metrics`)).body.text();
    expect(metrics).toMatch(/ensemble_collector_poll_failures_total\{[^}]*reason="bad-xml"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ensemble_collector_poll_failures_total\{[^}]*reason="http-500"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ensemble_collector_poll_duration_seconds_count\{[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ensemble_collector_cycle_duration_seconds_count\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ensemble_collector_nodes_polled\{[^}]*outcome="failed"[^}]*\} 2/);
  });

  it('keeps running while nobody answers pollTargets and starts publishing once someone does', async () => {
    const [a] = sim.nodes as [SimNode];
    const running = await boot();
    await waitFor('the skipped-cycle warning', () => logs.some((l) => l.includes('poll targets unavailable')));
    await new Promise((r) => setTimeout(r, INTERVAL_S * 2000));
    expect(samples).toHaveLength(0);
    // One warning per outage, not one per cycle.
    expect(logs.filter((l) => l.includes('poll targets unavailable'))).toHaveLength(1);

    await serveTargets([a]);
    await waitFor('a sample after the scheduler came back', () => firstOf(a.id), { timeoutMs: 3000 });
    expect(logs.some((l) => l.includes('poll targets available again'))).toBe(true);
    const health = await request(`http://127.0.0.1:${running.metricsPort}/healthz`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toEqual({ status: 'ok', checks: { nats: true } });
    const metrics = await (await request(`http://127.0.0.1:${running.metricsPort}/metrics`)).body.text();
    expect(metrics).toMatch(/ensemble_collector_cycles_total\{[^}]*outcome="skipped"[^}]*\} [1-9]/);
  });

  it('polls again every interval without overlapping cycles', async () => {
    const [a, b] = sim.nodes as [SimNode, SimNode];
    await b.setFault({ mode: 'slow', delayMs: 5000 });
    // The slow node makes each cycle last TIMEOUT_MS, twice the interval: cycles must follow, not overlap.
    await serveTargets([a, b]);
    await boot();
    await waitFor('three samples from the slow node', () => samples.filter((s) => s.nodeId === b.id).length >= 3, {
      timeoutMs: 5000,
    });
    const ats = samples.filter((s) => s.nodeId === a.id).map((s) => s.at);
    for (let i = 1; i < ats.length; i++) expect(ats[i]! - ats[i - 1]!).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
  });

  it('stops polling on shutdown without waiting for slow nodes, and publishes nothing afterwards', async () => {
    const [a, b] = sim.nodes as [SimNode, SimNode];
    await b.setFault({ mode: 'slow', delayMs: 30_000 });
    await serveTargets([a, b]);
    // A poll deadline far beyond the test's timeout (60 s vs 5 s): close() returns only if it cuts the slow poll.
    await boot({ POLL_TIMEOUT_MS: '60000' });
    // a's sample is out, so the cycle is under way, with b's poll in flight.
    await waitFor('the first cycle under way', () => firstOf(a.id));

    await collector!.close();
    const count = samples.length;
    await new Promise((r) => setTimeout(r, INTERVAL_S * 3000));
    expect(samples).toHaveLength(count);
    expect(logs.some((l) => l.includes('poller stopped'))).toBe(true);
  });

  it('never writes a poll URL checksum into its logs', async () => {
    const [a] = sim.nodes as [SimNode];
    await a.setFault({ mode: 'http-500' });
    await serveTargets([a]);
    await boot({ LOG_LEVEL: 'debug' });
    await waitFor('a failed sample', () => firstOf(a.id));
    await collector!.close();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toMatch(/checksum=[0-9a-f]{8}/i);
  });
});
