import { BbbApiHarness } from './bbb-api.test-support.js';

/** What a cluster must do that one BBB server cannot: survive a node, and answer without the slow ones. */
describe('the BBB API when nodes fail', () => {
  const h = new BbbApiHarness();
  beforeAll(() => h.start({ nodes: 3 }), 30_000);
  afterAll(() => h.stop());

  it('re-creates a meeting on a healthy node from its stored parameters when its node dies, at the next join', async () => {
    const created = await h.call('create', [
      ['name', 'Failover – 故障'],
      ['meetingID', 'fo-1'],
      ['meta_course', 'm101'],
    ]);
    expect(created.xml.returncode).toBe('SUCCESS');
    const { attendeePW, voiceBridge, createTime } = created.xml as Record<string, string>;
    const first = h.nodeOf('fo-1')!;
    await h.sim.node(first)!.setFault({ mode: 'down' });
    await h.sample(first, { reachable: false, error: 'connection refused' });

    const join = await h.call('join', [
      ['fullName', 'Ada'],
      ['meetingID', 'fo-1'],
      ['password', attendeePW!],
      ['createTime', createTime!],
    ]);
    expect(join.status).toBe(302);
    const now = h.sim.nodes.find((n) => n.id !== first && n.meetings().some((m) => m.meetingID === 'fo-1'))!;
    expect(now).toBeDefined();
    expect(join.location!.startsWith(now.apiUrl)).toBe(true);
    const entered = await fetch(join.location!);
    expect(entered.status).toBe(200);
    const meeting = now.meetings().find((m) => m.meetingID === 'fo-1')!;
    expect(meeting).toMatchObject({
      meetingName: 'Failover – 故障',
      attendeePW,
      voiceBridge,
      metadata: { course: 'm101' },
    });
    expect(meeting.attendees.map((a) => a.fullName)).toEqual(['Ada']);
    const info = await h.call('getMeetingInfo', [['meetingID', 'fo-1']]);
    expect(info.xml).toMatchObject({ returncode: 'SUCCESS', internalMeetingID: meeting.internalMeetingID });
    expect(h.logs.some((l) => l.includes('meeting re-created'))).toBe(true);
    await h.sim.node(first)!.setFault({ mode: 'none' });
    await h.sample(first);
  });

  it('keeps a meeting on its node while that node is healthy (no re-create)', async () => {
    await h.call('create', [
      ['name', 'Stay'],
      ['meetingID', 'stay-1'],
    ]);
    const node = h.nodeOf('stay-1')!;
    const before = h.sim
      .node(node)!
      .meetings()
      .find((m) => m.meetingID === 'stay-1')!.internalMeetingID;
    await h.call('join', [
      ['fullName', 'Bo'],
      ['meetingID', 'stay-1'],
      ['role', 'viewer'],
    ]);
    expect(
      h.sim
        .node(node)!
        .meetings()
        .find((m) => m.meetingID === 'stay-1')!.internalMeetingID,
    ).toBe(before);
  });

  it.each([
    ['slowly', { mode: 'slow', delayMs: 5000 }],
    ['with broken XML', { mode: 'bad-xml' }],
    ['with HTTP 500', { mode: 'http-500' }],
  ] as const)('answers getMeetings from the other nodes when one answers %s', async (_what, fault) => {
    for (const n of h.sim.nodes) {
      const id = `fan-${n.id}`;
      if (!n.meetings().some((m) => m.meetingID === id)) n.seedMeetings([{ meetingID: id, name: id }]);
    }
    const [bad, ...good] = h.sim.nodes;
    await bad!.setFault(fault);
    try {
      const a = await h.call('getMeetings');
      expect(a.xml.returncode).toBe('SUCCESS');
      const ids = (a.xml.meetings as { meeting: Array<{ meetingID: string }> }).meeting.map((m) => m.meetingID);
      expect(ids).toEqual(expect.arrayContaining(good.map((n) => `fan-${n.id}`)));
      expect(ids).not.toContain(`fan-${bad!.id}`);
    } finally {
      await bad!.setFault({ mode: 'none' });
    }
  });

  it('answers isMeetingRunning false and getMeetingInfo notFound while a meeting node is unreachable', async () => {
    await h.call('create', [
      ['name', 'Gone'],
      ['meetingID', 'gone-1'],
    ]);
    const node = h.sim.node(h.nodeOf('gone-1')!)!;
    await node.setFault({ mode: 'down' });
    try {
      expect((await h.call('isMeetingRunning', [['meetingID', 'gone-1']])).xml).toEqual({
        returncode: 'SUCCESS',
        running: 'false',
      });
      expect((await h.call('getMeetingInfo', [['meetingID', 'gone-1']])).xml.messageKey).toBe('notFound');
    } finally {
      await node.setFault({ mode: 'none' });
    }
  });
});
