import { contracts, type NodeHealthEvent } from '@ensemble/contracts';
import { Logger, Metrics, NatsBus, encodeQuery, signQuery } from '@ensemble/shared';
import type { SimNode } from '@ensemble/bbb-sim';
import { waitFor } from '@ensemble/testing';
import { XMLParser } from 'fast-xml-parser';
import { BBB_API_SECRET, FaultStack } from './faults.test-support.js';
import { enter, webRoom } from './meeting.test-support.js';

/** Production's cadence: a dead node goes offline by streak only after 3 failed polls 30 s apart. */
const POLL_S = 30;
const OFFLINE_AFTER = 3;
/** A node that answered the gateway within this long is not probed before a BBB API join is redirected to it. */
const GATEWAY_ANSWERED_WITHIN_MS = 2000;

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true });

/**
 * A node that dies while it hosts a meeting, seen by the joins that come before the
 * poller could notice (decision 083): the failed call (or the gateway's probe before
 * a redirect) is evidence, the scheduler confirms it with its own probe and marks the
 * node suspect, and the meeting is re-created on a healthy node for that very join.
 * Real scheduler, gateway, load-collector, NATS, Redis and bbb-sim; polls every 30 s.
 */
describe('a BBB node that dies between two polls', () => {
  const s = new FaultStack();
  let bus: NatsBus;
  const health: NodeHealthEvent[] = [];

  beforeAll(async () => {
    await s.start({
      nodes: 5,
      pollS: POLL_S,
      scheduler: { HEALTH_OFFLINE_AFTER: String(OFFLINE_AFTER), HEALTH_ONLINE_AFTER: '2' },
      // A hung node's create gives up sooner than production's 10 s; the poll cadence is production's.
      gateway: { BBB_NODE_TIMEOUT_MS: '3000' },
    });
    bus = await NatsBus.connect({
      url: s.nats.url,
      name: 'test',
      logger: new Logger('test', 'error'),
      metrics: new Metrics('test'),
    });
    bus.subscribe(contracts.nodeHealth, (e) => void health.push(e));
  }, 60_000);
  afterAll(async () => {
    await bus?.close();
    await s.stop();
  });

  const nodeOf = (url: string): SimNode => {
    const node = s.sim.nodes.find((n) => url.startsWith(n.baseUrl));
    if (!node) throw new Error(`no sim node serves ${url.slice(0, 40)}`);
    return node;
  };
  const hosting = (meetingID: string) => s.sim.nodes.filter((n) => n.meetings().some((m) => m.meetingID === meetingID));
  const healthOf = async (id: string) => (await s.nodes()).find((n) => n.id === id)?.health;
  /**
   * What the scheduler says of the node now: suspect, and not offline by the polls'
   * streak; its health events since `since` (an index into `health`): that one transition.
   */
  const expectSuspectNotOffline = async (id: string, since: number) => {
    expect(await healthOf(id)).toBe('suspect');
    const events = await waitFor('the suspect event', () => {
      const mine = health.slice(since).filter((e) => e.nodeId === id);
      return mine.length > 0 ? mine : undefined;
    });
    expect(events.map((e) => [e.previous, e.health])).toEqual([['online', 'suspect']]);
    return events[0]!;
  };
  const bbb = async (call: string, params: Record<string, string>) => {
    const query = signQuery(call, encodeQuery(params), BBB_API_SECRET, 'sha256');
    const res = await fetch(`${s.gateway.url}/bigbluebutton/api/${call}?${query}`, { redirect: 'manual' });
    const body = await res.text();
    const xml = body.startsWith('<')
      ? ((parser.parse(body) as { response?: Record<string, string> }).response ?? {})
      : {};
    return { status: res.status, location: res.headers.get('location'), xml };
  };

  it('sends a web moderator to a healthy node at once when the room’s node refuses connections, then its participants', async () => {
    const web = await webRoom(s.gateway.url, 'Down');
    const first = await web.joinAsModerator('Host');
    expect(first.body.status).toBe('ready');
    await enter(first.body.url);
    const victim = nodeOf(first.body.url);
    const since = health.length;
    await victim.setFault({ mode: 'down' });
    try {
      const host = await web.joinAsModerator('Host again');
      expect(host.status).toBe(200);
      expect(host.body.status).toBe('ready');
      const now = nodeOf(host.body.url);
      expect(now.id).not.toBe(victim.id);
      await enter(host.body.url);
      expect(hosting(web.roomKey).map((n) => n.id)).toContain(now.id);

      const guest = await web.joinAsParticipant('Guest');
      expect(guest.status).toBe(200);
      expect(nodeOf(guest.body.url).id).toBe(now.id);

      const suspected = await expectSuspectNotOffline(victim.id, since);
      expect(suspected.reason).toContain('gateway: create: unreachable; probe: unreachable');
    } finally {
      await victim.setFault({ mode: 'none' });
    }
  });

  it('tells a participant who comes first to wait (not 503), and the moderator then re-creates the meeting elsewhere', async () => {
    const web = await webRoom(s.gateway.url, 'First guest');
    const first = await web.joinAsModerator('Host');
    await enter(first.body.url);
    const victim = nodeOf(first.body.url);
    const since = health.length;
    await victim.setFault({ mode: 'down' });
    try {
      const early = await web.joinAsParticipant('Early');
      expect(early.status).toBe(202);
      expect(early.body.status).toBe('waiting');
      const suspected = await expectSuspectNotOffline(victim.id, since);
      expect(suspected.reason).toContain('gateway: isMeetingRunning: unreachable');

      const host = await web.joinAsModerator('Host again');
      expect(host.body.status).toBe('ready');
      const now = nodeOf(host.body.url);
      expect(now.id).not.toBe(victim.id);
      await enter(host.body.url);
      const guest = await web.joinAsParticipant('Early');
      expect(guest.body.status).toBe('ready');
      expect(nodeOf(guest.body.url).id).toBe(now.id);
    } finally {
      await victim.setFault({ mode: 'none' });
    }
  });

  it('redirects a BBB API join to a healthy node at once when the meeting’s node hangs, the meeting re-created as it was', async () => {
    const created = await bbb('create', { name: 'Hung', meetingID: 'hung-1', attendeePW: 'ap', moderatorPW: 'mp' });
    expect(created.xml.returncode).toBe('SUCCESS');
    const [victim] = hosting('hung-1');
    const since = health.length;
    await victim!.setFault({ mode: 'slow', delayMs: 120_000 });
    try {
      // Past the window in which the gateway trusts the node's last answer (the create) without a probe.
      await new Promise((r) => setTimeout(r, GATEWAY_ANSWERED_WITHIN_MS + 500));
      const join = await bbb('join', { fullName: 'Ada', meetingID: 'hung-1', password: 'ap' });
      expect(join.status).toBe(302);
      const now = nodeOf(join.location!);
      expect(now.id).not.toBe(victim!.id);
      expect(join.location!.startsWith(`${now.apiUrl}join?`)).toBe(true);
      expect(now.meetings().find((m) => m.meetingID === 'hung-1')).toMatchObject({
        meetingName: 'Hung',
        attendeePW: 'ap',
        moderatorPW: 'mp',
      });
      await enter(join.location!);
      const suspected = await expectSuspectNotOffline(victim!.id, since);
      expect(suspected.reason).toContain('gateway: isMeetingRunning: timeout; probe: timeout');

      // The next join goes straight to where the meeting is now.
      const again = await bbb('join', { fullName: 'Bo', meetingID: 'hung-1', password: 'ap' });
      expect(nodeOf(again.location!).id).toBe(now.id);
    } finally {
      await victim!.setFault({ mode: 'none' });
    }
  });

  it('re-creates a known meeting on another node at its next BBB API join after a panic; an unknown or ended one stays unknown', async () => {
    const created = await bbb('create', { name: 'Panic', meetingID: 'panic-1', attendeePW: 'ap' });
    expect(created.xml.returncode).toBe('SUCCESS');
    const [panicked] = hosting('panic-1');
    const res = await s.ops('POST', `/api/ops/nodes/${panicked!.id}/panic`);
    expect(res.status).toBe(200);
    expect(hosting('panic-1')).toEqual([]);

    const join = await bbb('join', { fullName: 'Ada', meetingID: 'panic-1', password: 'ap' });
    expect(join.status).toBe(302);
    const now = nodeOf(join.location!);
    expect(now.id).not.toBe(panicked!.id);
    expect(hosting('panic-1').map((n) => n.id)).toEqual([now.id]);
    await enter(join.location!);
    expect(await s.where('bbb:panic-1')).toBe(now.id);

    const never = await bbb('join', { fullName: 'Ada', meetingID: 'never-created' });
    expect(never.location).toContain('invalidMeetingIdentifier');
    expect(await s.where('bbb:never-created')).toBeNull();

    await bbb('create', { name: 'Ended', meetingID: 'ended-1' });
    expect((await bbb('end', { meetingID: 'ended-1' })).xml.returncode).toBe('SUCCESS');
    const ended = await bbb('join', { fullName: 'Ada', meetingID: 'ended-1' });
    expect(ended.location).toContain('invalidMeetingIdentifier');
    expect(await s.where('bbb:ended-1')).toBeNull();
    expect(hosting('ended-1')).toEqual([]);
  });
});
