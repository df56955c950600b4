import { contracts } from '@ensemble/contracts';
import { BbbApiHarness } from './bbb-api.test-support.js';
import { enter, webRoom } from './meeting.test-support.js';

/**
 * A BBB join counts at the scheduler whichever door it comes through (decision 080):
 * a web link and the BBB API go through the one meeting path, whose join is a
 * placement with `join`. The scheduler (real, on real Redis) grows the room's
 * pending load to joins + meeting weight once that passes the expected load; with
 * NEW_ROOM_SIZE=0 a new room expects 1 (its meeting weight), so every join shows.
 */
describe('every BBB join counts at the scheduler, from a web link or from the BBB API', () => {
  const h = new BbbApiHarness();
  beforeAll(() => h.start({ nodes: 1, schedulerEnv: { NEW_ROOM_SIZE: '0', LOAD_MEETING_WEIGHT: '1' } }), 30_000);
  afterAll(() => h.stop());

  /** The node's pending load as the scheduler's public node list shows it. */
  const pending = async () => {
    const { nodes } = await h.bus.request(contracts.listNodes, { engine: 'bbb' });
    return nodes[0]!.pendingLoad;
  };

  it('raises the pending load of a web room by one for each join by link', async () => {
    const web = await webRoom(h.gateway.url);
    const before = await pending();
    const host = await web.joinAsModerator();
    expect(host.status).toBe(200);
    await enter(host.body.url);
    expect(await pending()).toBeCloseTo(before + 1); // placed: its expected load
    expect((await web.joinAsParticipant('Bo')).status).toBe(200);
    expect(await pending()).toBeCloseTo(before + 2);
    expect((await web.joinAsParticipant('Cy')).status).toBe(200);
    expect((await web.joinAsModerator('Host again')).status).toBe(200);
    expect(await pending()).toBeCloseTo(before + 4);
  });

  it('raises the pending load of a BBB API meeting by one for each join, redirected or not', async () => {
    const before = await pending();
    expect(
      (
        await h.call('create', [
          ['name', 'Api'],
          ['meetingID', 'count-1'],
          ['attendeePW', 'ap'],
        ])
      ).xml,
    ).toMatchObject({ returncode: 'SUCCESS' });
    expect(await pending()).toBeCloseTo(before + 1);
    const joined = await h.call('join', [
      ['meetingID', 'count-1'],
      ['fullName', 'Bo'],
      ['password', 'ap'],
    ]);
    expect(joined.status).toBe(302);
    expect(await pending()).toBeCloseTo(before + 2);
    const relayed = await h.call('join', [
      ['meetingID', 'count-1'],
      ['fullName', 'Cy'],
      ['password', 'ap'],
      ['redirect', 'false'],
    ]);
    expect(relayed.xml).toMatchObject({ returncode: 'SUCCESS' });
    expect(await pending()).toBeCloseTo(before + 3);
  });

  it('does not count a participant who waits for a moderator', async () => {
    const web = await webRoom(h.gateway.url);
    const before = await pending();
    const waiting = await web.joinAsParticipant();
    expect(waiting.status).toBe(202);
    expect(await pending()).toBeCloseTo(before);
    await expect(h.bus.request(contracts.locate, { roomKey: web.roomKey })).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('never places a meeting on a BBB API join: an unknown meeting stays unknown', async () => {
    const before = await pending();
    const joined = await h.call('join', [
      ['meetingID', 'never-created'],
      ['fullName', 'Bo'],
    ]);
    expect(joined.status).toBe(302);
    expect(joined.location).toContain('invalidMeetingIdentifier');
    expect(await pending()).toBeCloseTo(before);
    await expect(h.bus.request(contracts.locate, { roomKey: 'bbb:never-created' })).rejects.toMatchObject({
      code: 'not-found',
    });
  });
});
