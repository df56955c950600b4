import bbb from 'bigbluebutton-js';
import { API_SECRET, BbbApiHarness } from './bbb-api.test-support.js';

/**
 * An independent BBB client from npm (bigbluebutton-js 0.2.0: sha1 checksums,
 * `querystring` encoding, its own XML parsing) sees the gateway as one BBB server.
 */
describe('bigbluebutton-js against the gateway', () => {
  const h = new BbbApiHarness();
  beforeAll(() => h.start({ nodes: 2 }), 30_000);
  afterAll(() => h.stop());

  it('drives create, join, isMeetingRunning, getMeetingInfo, getMeetings and end', async () => {
    const api = bbb.api(`${h.gateway.url}/bigbluebutton/`, API_SECRET);
    const id = 'npm client – réunion';

    const created = await bbb.http(
      api.administration.create('Client test 🎓', id, { attendeePW: 'ap', moderatorPW: 'mp' }),
    );
    expect(created).toMatchObject({ returncode: 'SUCCESS', meetingID: id, attendeePW: 'ap' });

    const join = await fetch(api.administration.join('Ada Lovelace', id, 'mp'), { redirect: 'manual' });
    expect(join.status).toBe(302);
    const entered = await fetch(join.headers.get('location')!);
    expect(entered.status).toBe(200);

    expect(await bbb.http(api.monitoring.isMeetingRunning(id))).toMatchObject({ returncode: 'SUCCESS', running: true });
    const info = await bbb.http(api.monitoring.getMeetingInfo(id));
    expect(info).toMatchObject({ returncode: 'SUCCESS', meetingID: id, participantCount: 1 });

    const list = (await bbb.http(api.monitoring.getMeetings())) as { meetings: Array<{ meetingID: string }> };
    expect(list.meetings.map((m) => m.meetingID)).toContain(id);

    expect(await bbb.http(api.administration.end(id, 'mp'))).toMatchObject({
      returncode: 'SUCCESS',
      messageKey: 'sentEndMeetingRequest',
    });
    expect(await bbb.http(api.monitoring.isMeetingRunning(id))).toMatchObject({ running: false });
  });
});
