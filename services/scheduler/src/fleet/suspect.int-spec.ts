import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError, contracts, type NodeHealthEvent } from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import { SchedulerHarness } from '../harness.test-support.js';

/** A stand-in BBB node (BBB is not ours): answers every API call the way `answer` says, counting calls. */
class StandInNode {
  answer: 'bbb' | 'garbage' | 'hang' = 'bbb';
  calls: string[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<StandInNode> {
    let node: StandInNode | undefined;
    const server = createServer((req, res) => {
      node!.calls.push(req.url ?? '');
      if (node!.answer === 'hang') return;
      const body =
        node!.answer === 'garbage'
          ? '<html>'
          : '<response><returncode>SUCCESS</returncode><running>false</running></response>';
      res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    node = new StandInNode(server);
    return node;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/bigbluebutton/`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe('a node reported as failing by a caller (suspect)', () => {
  let h: SchedulerHarness;
  let alive: StandInNode;
  let broken: StandInNode;
  const events: NodeHealthEvent[] = [];
  // Samples in time order; polls that "started after" a suspicion use the real clock.
  let t = Date.now() - 600_000;
  const poll = (id: string, reachable: boolean, at = ++t) =>
    h.sample(id, { reachable, at, ...(reachable ? {} : { error: 'connect-refused' }) });
  const suspect = (nodeId: string, reason = 'create: timeout') =>
    h.bus.request(contracts.suspectNode, { nodeId, reason }, { timeoutMs: 10_000 });
  const healthOf = async (id: string) => (await h.node(id))?.health;

  beforeAll(async () => {
    h = await new SchedulerHarness().start({
      env: { HEALTH_OFFLINE_AFTER: '3', HEALTH_ONLINE_AFTER: '2', SUSPECT_PROBE_TIMEOUT_MS: '500' },
    });
    h.bus.subscribe(contracts.nodeHealth, (e) => void events.push(e));
    [alive, broken] = await Promise.all([StandInNode.start(), StandInNode.start()]);
    for (const [id, url] of [
      ['alive', alive.url],
      ['broken', broken.url],
      // Nothing listens there: connection refused.
      ['dead', 'http://127.0.0.1:9/bigbluebutton/'],
      ['dead2', 'http://127.0.0.1:9/dead2/bigbluebutton/'],
    ] as const) {
      await h.bus.request(contracts.registerNode, { id, url, secret: `secret-of-${id}` });
      await poll(id, true);
    }
  });
  afterAll(async () => {
    await h.stop();
    await Promise.all([alive?.stop(), broken?.stop()]);
  });

  it('keeps a node online when it answers the scheduler’s own signed probe (one failed call is no proof)', async () => {
    const before = events.length;
    expect(await suspect('alive')).toEqual({ health: 'online' });
    expect(await healthOf('alive')).toBe('online');
    expect(alive.calls.some((u) => u.includes('/api/isMeetingRunning?') && u.includes('checksum='))).toBe(true);
    expect(events.slice(before).filter((e) => e.nodeId === 'alive')).toEqual([]);
  });

  it('marks a node suspect when its probe is refused too, and publishes the transition with the reason once', async () => {
    const replies = await Promise.all([suspect('dead'), suspect('dead', 'join: unreachable'), suspect('dead')]);
    for (const r of replies) expect(r).toEqual({ health: 'suspect' });
    expect(await healthOf('dead')).toBe('suspect');
    const suspected = await waitFor('the suspect event', () =>
      events.filter((e) => e.nodeId === 'dead' && e.health === 'suspect'),
    );
    expect(suspected).toHaveLength(1);
    expect(suspected[0]).toMatchObject({ previous: 'online', engine: 'bbb' });
    expect(suspected[0]!.reason).toMatch(/^gateway: (create: timeout|join: unreachable); probe: unreachable/);
    // Another report changes nothing and publishes nothing.
    expect(await suspect('dead')).toEqual({ health: 'suspect' });
    await poll('alive', true); // a later message through NATS: a second event would have arrived by now
    expect(events.filter((e) => e.nodeId === 'dead' && e.health === 'suspect')).toHaveLength(1);
  });

  it('marks a node suspect when it answers its probe with garbage or not at all', async () => {
    broken.answer = 'garbage';
    expect(await suspect('broken', 'create: unreadable')).toEqual({ health: 'suspect' });
    await poll('broken', true, Date.now() + 1);
    expect(await healthOf('broken')).toBe('online');
    broken.answer = 'hang';
    expect(await suspect('broken', 'join: timeout')).toEqual({ health: 'suspect' });
    const last = await waitFor('the second suspect event', () =>
      events.filter((e) => e.nodeId === 'broken' && e.health === 'suspect').at(1),
    );
    expect(last.reason).toContain('probe: timeout');
    broken.answer = 'bbb';
    await poll('broken', true, Date.now() + 1);
  });

  it('gives a suspect node no new rooms and moves its rooms at their next placement, as an offline node', async () => {
    await poll('dead2', true);
    const onIt: string[] = [];
    for (let i = 0; onIt.length < 2 && i < 40; i++) {
      const p = await h.place(`sus-${i}`);
      if (p.nodeId === 'dead2') onIt.push(p.roomKey);
    }
    expect(onIt).toHaveLength(2);
    expect(await suspect('dead2')).toEqual({ health: 'suspect' });
    for (const roomKey of onIt) {
      const p = await h.place(roomKey);
      expect(p.outcome).toBe('moved');
      expect(p.previousNodeId).toBe('dead2');
      expect(p.nodeId).not.toBe('dead2');
    }
    for (let i = 0; i < 12; i++) expect((await h.place(`fresh-${i}`)).nodeId).not.toBe('dead2');
    const located = await h.bus.request(contracts.locate, { roomKey: onIt[0]! });
    expect(located.health).toBe('online');
  });

  it('clears a suspicion on the first good poll that started after it, not on one that started before', async () => {
    expect(await healthOf('dead')).toBe('suspect');
    await poll('dead', true); // started (its `at`) long before the suspicion
    expect(await healthOf('dead')).toBe('suspect');
    await poll('dead', true, Date.now() + 1);
    expect(await healthOf('dead')).toBe('online');
    const back = await waitFor('the online event', () =>
      events.find((e) => e.nodeId === 'dead' && e.previous === 'suspect'),
    );
    expect(back).toMatchObject({ health: 'online', reason: 'polls succeed again' });
  });

  it('takes a suspect node offline on the usual streak of failed polls, and leaves an offline node as it is', async () => {
    t = Date.now() + 10;
    expect(await suspect('dead')).toEqual({ health: 'suspect' });
    await poll('dead', false);
    await poll('dead', false);
    expect(await healthOf('dead')).toBe('suspect');
    await poll('dead', false);
    expect(await healthOf('dead')).toBe('offline');
    await waitFor('the offline event', () =>
      events.find((e) => e.nodeId === 'dead' && e.previous === 'suspect' && e.health === 'offline'),
    );
    expect(await suspect('dead')).toEqual({ health: 'offline' });
    expect(await healthOf('dead')).toBe('offline');
  });

  it('answers a report on an unknown node, a Jitsi node or with a bad reason with a typed error', async () => {
    const unknown = await suspect('ghost').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(DomainError);
    expect((unknown as DomainError).code).toBe('not-found');
    await h.bus.request(contracts.registerNode, { id: 'jitsi-1', engine: 'jitsi', url: 'http://127.0.0.1:9/jitsi/' });
    const jitsi = await suspect('jitsi-1').catch((e: unknown) => e);
    expect((jitsi as DomainError).code).toBe('invalid-input');
    const bad = await suspect('alive', 'line\nbreak').catch((e: unknown) => e);
    expect((bad as DomainError).code).toBe('invalid-input');
    expect(await healthOf('alive')).toBe('online');
  });
});
