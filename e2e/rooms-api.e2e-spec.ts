import { waitFor } from '@ensemble/testing';
import { Client, signUp, startRoomsStack, type RoomsStack } from './rooms.test-support.js';

interface Room {
  id: string;
  name: string;
  settings: Record<string, unknown>;
  moderatorLink: string;
  participantLink: string;
}
const tokenOf = (link: string) => link.split('/j/')[1]!;

describe('rooms and joining by link', () => {
  let stack: RoomsStack;
  let base: string;
  let owner: Client;
  let other: Client;
  const anyone = () => new Client(base);

  const create = async (name: string, settings: Record<string, unknown> = {}): Promise<Room> => {
    const r = await owner.json('POST', '/api/rooms', { name, engine: 'bbb', settings });
    expect(r.status).toBe(201);
    return r.body as Room;
  };
  const join = (link: string, displayName: string) =>
    anyone().json('POST', `/api/join/${tokenOf(link)}`, { displayName });
  /** Where a join URL leads: the node's 302 to its client page, which the "browser" then opens. */
  const follow = async (url: string) => {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const client = res.headers.get('location')!;
    expect((await fetch(client)).status).toBe(200);
    return client;
  };
  const nodeOf = (url: string) => stack.sim.nodes.find((n) => url.startsWith(n.baseUrl))!;
  const meetingOn = (url: string, roomId: string) =>
    nodeOf(url)
      .meetings()
      .find((m) => m.meetingID === `web-${roomId}`);

  beforeAll(async () => {
    stack = await startRoomsStack({ nodes: 2 });
    base = stack.gateway.url;
    [owner, other] = await Promise.all([signUp(base, 'Owner'), signUp(base, 'Other')]);
  }, 40_000);
  afterAll(() => stack?.close());

  it('creates a room with two different 256-bit links on the gateway, and lists it', async () => {
    const room = await create('Maths 101');
    expect(room.moderatorLink).toMatch(new RegExp(`^${base}/j/[A-Za-z0-9_-]{43}$`));
    expect(room.participantLink).toMatch(new RegExp(`^${base}/j/[A-Za-z0-9_-]{43}$`));
    expect(room.moderatorLink).not.toBe(room.participantLink);
    expect(room.settings).toMatchObject({ muteOnJoin: false, anyoneCanStart: false, maxParticipants: 0 });
    const list = await owner.json('GET', '/api/rooms');
    expect(list.body.rooms.map((r: Room) => r.id)).toContain(room.id);
    expect((await owner.json('GET', `/api/rooms/${room.id}`)).body).toEqual(list.body.rooms[0]);
  });

  it('refuses Jitsi rooms with a clear 400 where no Jitsi app secret is configured', async () => {
    const r = await owner.json('POST', '/api/rooms', { name: 'Video', engine: 'jitsi' });
    expect(r).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid-input',
          message: 'Jitsi rooms are not available here (JITSI_APP_ID/JITSI_APP_SECRET unset)',
        },
      },
    });
  });

  it.each([
    ['no name', { engine: 'bbb' }, 400],
    ['an unknown setting', { name: 'x', settings: { everyoneIsAdmin: true } }, 400],
    ['a negative limit', { name: 'x', settings: { maxParticipants: -1 } }, 400],
    ['malformed JSON', '{"name":', 400],
    ['an oversize body', { name: 'x', settings: { welcome: 'w'.repeat(2 * 1024 * 1024) } }, 413],
  ])('answers a room with %s with a typed 4xx', async (_what, body, status) => {
    const r = await owner.json('POST', '/api/rooms', body);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toMatch(/^(invalid-input|payload-too-large)$/);
  });

  it("answers 404 for another owner's room, whatever the call", async () => {
    const room = await create('Private');
    for (const [method, path, body] of [
      ['GET', `/api/rooms/${room.id}`, undefined],
      ['PATCH', `/api/rooms/${room.id}`, { name: 'mine now' }],
      ['POST', `/api/rooms/${room.id}/links/rotate`, undefined],
      ['DELETE', `/api/rooms/${room.id}`, undefined],
      ['GET', '/api/rooms/not-a-room-id', undefined],
    ] as const) {
      const r = await other.json(method, path, body);
      expect([method, path, r.status, r.body?.error?.code]).toEqual([method, path, 404, 'not-found']);
    }
    expect((await other.json('GET', '/api/rooms')).body.rooms).toEqual([]);
    expect((await owner.json('GET', `/api/rooms/${room.id}`)).body.name).toBe('Private');
  });

  it('changes name and some settings, keeping the others', async () => {
    const room = await create('Draft', { muteOnJoin: true });
    const r = await owner.json('PATCH', `/api/rooms/${room.id}`, { name: 'Final', settings: { record: true } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'Final', settings: { muteOnJoin: true, record: true } });
  });

  it('tells a link holder the room name, engine and role, and nothing more', async () => {
    const room = await create('Physics');
    const mod = await anyone().json('GET', `/api/join/${tokenOf(room.moderatorLink)}`);
    const part = await anyone().json('GET', `/api/join/${tokenOf(room.participantLink)}`);
    // An unlisted room (every new one): no recordings on its join page (decision 125).
    const open = { code: 'none', requireSignIn: false, recordings: [] };
    expect(mod.body).toEqual({ roomName: 'Physics', engine: 'bbb', role: 'moderator', ...open });
    expect(part.body).toEqual({ roomName: 'Physics', engine: 'bbb', role: 'viewer', ...open });
  });

  it('answers 404 for unknown and malformed link tokens', async () => {
    for (const token of ['A'.repeat(43), 'short', '..%2F..%2Fetc']) {
      expect((await anyone().json('GET', `/api/join/${token}`)).status).toBe(404);
      expect((await anyone().json('POST', `/api/join/${token}`, { displayName: 'Ada' })).status).toBe(404);
    }
  });

  it('joins by both links on the same node: moderator as MODERATOR, participant as VIEWER', async () => {
    const room = await create('Chemistry', {
      anyoneCanStart: true,
      muteOnJoin: true,
      welcome: 'Hello',
      maxParticipants: 30,
    });
    const mod = await join(room.moderatorLink, 'Prof Ada');
    const part = await join(room.participantLink, 'Student Bo');
    expect([mod.status, part.status]).toEqual([200, 200]);
    expect(nodeOf(mod.body.url).id).toBe(nodeOf(part.body.url).id);
    const modUrl = new URL(mod.body.url);
    const partUrl = new URL(part.body.url);
    expect(modUrl.pathname).toMatch(/\/bigbluebutton\/api\/join$/);
    expect(modUrl.searchParams.get('role')).toBe('MODERATOR');
    expect(modUrl.searchParams.get('fullName')).toBe('Prof Ada');
    expect(partUrl.searchParams.get('role')).toBe('VIEWER');
    expect(partUrl.searchParams.get('checksum')).toMatch(/^[0-9a-f]{64}$/);
    await follow(mod.body.url);
    await follow(part.body.url);
    const meeting = meetingOn(mod.body.url, room.id)!;
    expect(meeting.attendees.map((a) => [a.fullName, a.role])).toEqual([
      ['Prof Ada', 'MODERATOR'],
      ['Student Bo', 'VIEWER'],
    ]);
    expect(meeting.params).toMatchObject({
      name: 'Chemistry',
      muteOnStart: 'true',
      welcome: 'Hello',
      maxParticipants: '30',
    });
    const live = await owner.json('GET', `/api/rooms/${room.id}/live`);
    expect(live.body).toEqual({ running: true, participants: 2 });
  });

  it('makes participants wait until a moderator has started the meeting', async () => {
    const room = await create('Seminar');
    const early = await join(room.participantLink, 'Early Bird');
    expect(early).toEqual({ status: 202, body: { status: 'waiting', retryAfterMs: expect.any(Number) } });
    expect(stack.sim.nodes.every((n) => !n.meetings().some((m) => m.meetingID === `web-${room.id}`))).toBe(true);
    await follow((await join(room.moderatorLink, 'Host')).body.url);
    const later = await join(room.participantLink, 'Early Bird');
    expect(later.status).toBe(200);
    expect(new URL(later.body.url).searchParams.get('role')).toBe('VIEWER');
  });

  it('lets everyone join as moderator when the room says so', async () => {
    const room = await create('Workshop', { allJoinAsModerator: true, anyoneCanStart: false });
    expect((await anyone().json('GET', `/api/join/${tokenOf(room.participantLink)}`)).body.role).toBe('moderator');
    const r = await join(room.participantLink, 'Anyone');
    expect(r.status).toBe(200);
    expect(new URL(r.body.url).searchParams.get('role')).toBe('MODERATOR');
  });

  it('asks BBB for moderator approval of participants when the room requires it', async () => {
    const room = await create('Office hours', { requireApproval: true, anyoneCanStart: true });
    const part = await join(room.participantLink, 'Visitor');
    expect(new URL(part.body.url).searchParams.get('guest')).toBe('true');
    expect(meetingOn(part.body.url, room.id)!.params.guestPolicy).toBe('ASK_MODERATOR');
  });

  it('refuses a join without a usable display name (400)', async () => {
    const room = await create('Names');
    for (const body of [{}, { displayName: '' }, { displayName: 'x'.repeat(101) }, { displayName: 'a\u0000b' }]) {
      const r = await anyone().json('POST', `/api/join/${tokenOf(room.moderatorLink)}`, body);
      expect(r.status).toBe(400);
    }
  });

  it('rotating the links makes the old ones 404 and the new ones work', async () => {
    const room = await create('Rotating');
    const r = await owner.json('POST', `/api/rooms/${room.id}/links/rotate`);
    expect(r.status).toBe(200);
    const fresh = r.body as Room;
    expect(fresh.moderatorLink).not.toBe(room.moderatorLink);
    expect(fresh.participantLink).not.toBe(room.participantLink);
    for (const old of [room.moderatorLink, room.participantLink]) {
      expect((await anyone().json('GET', `/api/join/${tokenOf(old)}`)).status).toBe(404);
      expect((await join(old, 'Late')).status).toBe(404);
    }
    expect((await anyone().json('GET', `/api/join/${tokenOf(fresh.participantLink)}`)).status).toBe(200);
  });

  it('deleting a room ends its live meeting and kills its links', async () => {
    const room = await create('Short-lived', { anyoneCanStart: true });
    const r = await join(room.moderatorLink, 'Host');
    await follow(r.body.url);
    expect(meetingOn(r.body.url, room.id)).toBeDefined();
    expect((await owner.call('DELETE', `/api/rooms/${room.id}`)).status).toBe(204);
    expect(meetingOn(r.body.url, room.id)).toBeUndefined();
    expect((await owner.json('GET', `/api/rooms/${room.id}`)).status).toBe(404);
    expect((await join(room.participantLink, 'Late')).status).toBe(404);
    expect((await owner.call('DELETE', `/api/rooms/${room.id}`)).status).toBe(404);
  });

  it('creates the meeting again on another node when its node went offline, and sends everyone there', async () => {
    const room = await create('Resilient');
    const first = await join(room.moderatorLink, 'Host');
    await follow(first.body.url);
    const dead = nodeOf(first.body.url);
    await dead.setFault({ mode: 'down' });
    for (let i = 0; i < 3; i++) stack.poll(dead.id, false);
    await waitFor('node offline', async () => (await join(room.participantLink, 'Guest')).status === 202, {
      timeoutMs: 10_000,
    });
    const again = await join(room.moderatorLink, 'Host');
    expect(again.status).toBe(200);
    expect(nodeOf(again.body.url).id).not.toBe(dead.id);
    expect(meetingOn(again.body.url, room.id)).toBeDefined();
    await follow(again.body.url);
    const guest = await join(room.participantLink, 'Guest');
    expect(nodeOf(guest.body.url).id).toBe(nodeOf(again.body.url).id);
    await dead.setFault({ mode: 'none' });
  });

  it('never hands out or logs a node secret', async () => {
    const room = await create('Secrets', { anyoneCanStart: true });
    const r = await join(room.participantLink, 'Eve');
    const everything = JSON.stringify(r.body) + stack.logs.join('\n');
    for (const n of stack.sim.nodes) expect(everything).not.toContain(n.secret);
  });
});
