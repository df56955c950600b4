import { BbbApiHarness } from './bbb-api.test-support.js';

/** Recordings live on the nodes that recorded them; the gateway finds, merges and changes them. */
describe('the BBB API recordings calls over a fleet', () => {
  const h = new BbbApiHarness();
  beforeAll(() => h.start({ nodes: 3 }), 30_000);
  afterAll(() => h.stop());

  /**
   * A recording meeting on the fleet: created and joined (the client opened). BBB records
   * only with recording marks: autoStartRecording sets them at the first join.
   */
  const open = async (meetingID: string, meta: Array<[string, string]> = []) => {
    const created = await h.call('create', [
      ['name', `Lecture ${meetingID}`],
      ['meetingID', meetingID],
      ['record', 'true'],
      ['autoStartRecording', 'true'],
      ...meta,
    ]);
    expect(created.xml.returncode).toBe('SUCCESS');
    const join = await h.call('join', [
      ['fullName', 'Ada'],
      ['meetingID', meetingID],
      ['role', 'MODERATOR'],
    ]);
    expect(join.status).toBe(302);
    expect((await fetch(join.location!)).status).toBe(200);
    const holder = h.sim.nodes.find((n) => n.meetings().some((m) => m.meetingID === meetingID))!;
    return { id: String(created.xml.internalMeetingID), nodeId: holder.id };
  };
  /** Ending it leaves its recording on the node that held it. */
  const close = async (meetingID: string) =>
    expect((await h.call('end', [['meetingID', meetingID]])).xml.returncode).toBe('SUCCESS');
  const record = async (meetingID: string, meta: Array<[string, string]> = []) => {
    const held = await open(meetingID, meta);
    await close(meetingID);
    return held;
  };
  const recordings = (xml: Record<string, unknown>) => {
    const list = (xml.recordings as { recording?: unknown } | '').valueOf();
    const items =
      typeof list === 'object' && list && 'recording' in list ? (list as { recording: unknown }).recording : [];
    return (Array.isArray(items) ? items : [items]) as Array<Record<string, unknown>>;
  };

  it('lists the recordings of meetings held on different nodes, merged into one answer', async () => {
    const meetings = ['rec-a', 'rec-b', 'rec-c', 'rec-d'];
    const held = [];
    for (const m of meetings) held.push(await open(m)); // all live at once: placement spreads them
    for (const m of meetings) await close(m);
    const ids = held.map((r) => r.id);
    expect(new Set(held.map((r) => r.nodeId)).size).toBeGreaterThan(1);
    const all = await h.call('getRecordings', [['meetingID', 'rec-a,rec-b,rec-c,rec-d']]);
    expect(all.xml.returncode).toBe('SUCCESS');
    const listed = recordings(all.xml).map((r) => String(r.recordID));
    expect(listed.sort((a, b) => a.localeCompare(b))).toEqual(ids.sort((a, b) => a.localeCompare(b)));
    const one = await h.call('getRecordings', [['recordID', ids[1]!]]);
    expect(recordings(one.xml)).toHaveLength(1);
    expect(recordings(one.xml)[0]).toMatchObject({ meetingID: 'rec-b', published: 'true', state: 'published' });
  });

  it('unpublishes, updates and deletes a recording wherever it lives', async () => {
    const { id } = await record('rec-e', [['meta_course', 'CS101']]);
    const unpublished = await h.call('publishRecordings', [
      ['recordID', id],
      ['publish', 'false'],
    ]);
    expect(unpublished.xml).toMatchObject({ returncode: 'SUCCESS', published: 'false' });
    const updated = await h.call('updateRecordings', [
      ['recordID', id],
      ['meta_course', 'CS102'],
    ]);
    expect(updated.xml).toMatchObject({ returncode: 'SUCCESS', updated: 'true' });
    const after = recordings((await h.call('getRecordings', [['recordID', id]])).xml)[0]!;
    expect(after).toMatchObject({ published: 'false', state: 'unpublished', metadata: { course: 'CS102' } });
    expect((await h.call('deleteRecordings', [['recordID', id]])).xml).toMatchObject({
      returncode: 'SUCCESS',
      deleted: 'true',
    });
    const gone = await h.call('getRecordings', [['recordID', id]]);
    expect(gone.xml).toMatchObject({ returncode: 'SUCCESS', messageKey: 'noRecordings' });
  });

  it('still lists the other nodes recordings when one node is down', async () => {
    const { id, nodeId } = await record('rec-f');
    const other = h.sim.nodes.find((n) => n.id !== nodeId)!;
    await other.setFault({ mode: 'down' });
    try {
      const answer = await h.call('getRecordings', []);
      expect(answer.xml.returncode).toBe('SUCCESS');
      expect(recordings(answer.xml).map((r) => r.recordID)).toContain(id);
    } finally {
      await other.setFault({ mode: 'none' });
    }
  });

  it("hands the recording-ready URL to the node under Ensemble's name, and shows the integration its own", async () => {
    const url = 'https://lms.example/bbb/ready?token=abc';
    await open('rec-ready', [['meta_bbb-recording-ready-url', url]]);
    const meeting = h.sim.nodes.flatMap((n) => n.meetings()).find((m) => m.meetingID === 'rec-ready')!;
    // BBB's own post_publish script calls meta_bbb-recording-ready-url: the node never gets it (decision 103),
    // only an Ensemble URL whose sealed token holds the integration's (decision 113).
    expect(meeting.params['meta_bbb-recording-ready-url']).toBeUndefined();
    expect(meeting.params['meta_ensemble-recording-ready-url']).toMatch(
      /\/bigbluebutton\/callbacks\/v1\/recording-ready\/v1\.[A-Za-z0-9_-]+$/,
    );
    expect(JSON.stringify(meeting.params)).not.toContain('token=abc');
    const info = await h.call('getMeetingInfo', [['meetingID', 'rec-ready']]);
    expect(info.xml.metadata).toMatchObject({ 'bbb-recording-ready-url': url });
    await close('rec-ready');
    const listed = recordings((await h.call('getRecordings', [['meetingID', 'rec-ready']])).xml)[0]!;
    expect(listed.metadata).toMatchObject({ 'bbb-recording-ready-url': url });
    expect(listed.metadata).not.toHaveProperty('ensemble-recording-ready-url');
  });
});
