import { contracts } from '@ensemble/contracts';
import { BbbApiHarness } from './bbb-api.test-support.js';
import { FlakyNode, enter, webRoom, type BadAnswer } from './meeting.test-support.js';

/**
 * A node answer the gateway cannot trust (over its 16 MiB cap, or not BBB's
 * `<response>` with a returncode) is one typed error on every path of the one
 * meeting path (decision 080): `unavailable` (503, Retry-After) on the web,
 * FAILED `internalError` on the BBB API; never a 5xx of ours, a relayed HTML page
 * or a crash. The broken node is a stand-in in front of a real simulated node.
 * Such an answer is also evidence that the node is dead (decision 083): the
 * scheduler's own probe fails too, so the node becomes suspect; with no other node
 * to fail over to, the node's failure stays the answer.
 */
describe.each<[string, BadAnswer]>([
  ['garbage', 'garbage'],
  ['an HTML page', 'html'],
  ['a response without returncode', 'no-returncode'],
  ['over the size cap', 'oversize'],
])('a node answer that is %s', (_what, bad) => {
  const h = new BbbApiHarness();
  let flaky: FlakyNode;
  /** The healthy sim node, tagged `a`; disabled except where a test needs it. */
  let healthy: string;

  beforeAll(async () => {
    await h.start({ nodes: 1 });
    healthy = h.sim.nodes[0]!.id;
    await h.bus.request(contracts.updateNode, { id: healthy, tags: ['a'] });
    flaky = await FlakyNode.start(h.sim.nodes[0]!.origin);
    await h.bus.request(contracts.registerNode, { id: 'flaky', url: flaky.baseUrl, secret: h.sim.nodes[0]!.secret });
    await h.sample('flaky');
  }, 30_000);
  afterAll(async () => {
    await h.stop();
    await flaky?.stop();
  });
  beforeEach(async () => {
    flaky.bad = undefined;
    await h.bus.request(contracts.updateNode, { id: healthy, state: 'disabled' });
    // A good poll clears a suspicion an earlier test left (decision 083).
    await h.sample('flaky');
  });

  const located = (roomKey: string) =>
    h.bus.request(contracts.locate, { roomKey }).then(
      (l) => l.nodeId,
      () => undefined,
    );
  const expectUnavailable = (r: { status: number; body: { error?: { code?: string } } }) => {
    expect(r.status).toBe(503);
    expect(r.body.error?.code).toBe('unavailable');
  };

  it('fails a moderator web join (create + join) with 503 unavailable, and does not keep the room', async () => {
    const web = await webRoom(h.gateway.url);
    flaky.bad = bad;
    expectUnavailable(await web.joinAsModerator());
    expect(await located(web.roomKey)).toBeUndefined();
  });

  it('tells a participant (isMeetingRunning) to wait for a moderator, the node being out of service now', async () => {
    const web = await webRoom(h.gateway.url);
    const host = await web.joinAsModerator();
    expect(host.status).toBe(200);
    await enter(host.body.url);
    flaky.bad = bad;
    const guest = await web.joinAsParticipant();
    expect(guest.status).toBe(202);
    expect(guest.body.status).toBe('waiting');
    const { nodes } = await h.bus.request(contracts.listNodes, { engine: 'bbb' });
    expect(nodes.find((n) => n.id === 'flaky')?.health).toBe('suspect');
  });

  it('fails a BBB API create with FAILED internalError, and does not keep the meeting placed', async () => {
    flaky.bad = bad;
    const a = await h.call('create', [
      ['name', 'M'],
      ['meetingID', `create-${bad}`],
    ]);
    expect(a.status).toBe(200);
    expect(a.xml).toMatchObject({ returncode: 'FAILED', messageKey: 'internalError' });
    expect(await located(`bbb:create-${bad}`)).toBeUndefined();
  });

  it('fails a BBB API join relayed with redirect=false with FAILED internalError', async () => {
    const id = `join-${bad}`;
    expect(
      (
        await h.call('create', [
          ['name', 'M'],
          ['meetingID', id],
          ['attendeePW', 'ap'],
        ])
      ).xml,
    ).toMatchObject({
      returncode: 'SUCCESS',
    });
    flaky.bad = bad;
    const a = await h.call('join', [
      ['meetingID', id],
      ['fullName', 'Bo'],
      ['password', 'ap'],
      ['redirect', 'false'],
    ]);
    expect(a.status).toBe(200);
    expect(a.xml).toMatchObject({ returncode: 'FAILED', messageKey: 'internalError' });
  });

  it('fails a BBB API join that re-creates the meeting on another node with FAILED internalError', async () => {
    const id = `recreate-${bad}`;
    await h.bus.request(contracts.updateNode, { id: healthy, state: 'enabled' });
    const created = await h.call('create', [
      ['name', 'M'],
      ['meetingID', id],
      ['meta_server-tag', 'a'],
    ]);
    expect(created.xml).toMatchObject({ returncode: 'SUCCESS' });
    expect(await located(`bbb:${id}`)).toBe(healthy);
    // Its node goes out of service: the next join moves the meeting to the broken one.
    await h.bus.request(contracts.updateNode, { id: healthy, state: 'disabled' });
    flaky.bad = bad;
    const a = await h.call('join', [
      ['meetingID', id],
      ['fullName', 'Bo'],
    ]);
    expect(a.status).toBe(200);
    expect(a.xml).toMatchObject({ returncode: 'FAILED', messageKey: 'internalError' });
    expect(await located(`bbb:${id}`)).toBeUndefined();
  });
});
