import { seedRecording } from './room-recordings.test-support.js';
import { Client, signUp, startRoomsStack, type RoomsStack } from './rooms.test-support.js';

interface Room {
  id: string;
  moderatorLink: string;
  participantLink: string;
}
const tokenOf = (link: string) => link.split('/j/')[1]!;
const roleIn = (url: string) => new URL(url).searchParams.get('role');

const PER_ADDRESS = 3;
const PER_ROOM = 5;

/** Shared rooms, access codes and require-sign-in (issue 20, decision 123), over HTTP against bbb-sim. */
describe('sharing rooms and access codes', () => {
  let stack: RoomsStack;
  let base: string;
  let owner: Client;
  let coOwner: Client;
  let stranger: Client;
  const coOwnerEmail = `co-${Date.now()}@example.org`;
  /** A fresh anonymous browser; behind the trusted proxy, each from its own address. */
  const anyone = () => new Client(base);

  const create = async (name: string): Promise<Room> => {
    const r = await owner.json('POST', '/api/rooms', { name });
    expect(r.status).toBe(201);
    return r.body as Room;
  };
  const join = (who: Client, link: string, body: Record<string, unknown> = {}) =>
    who.json('POST', `/api/join/${tokenOf(link)}`, { displayName: 'Someone', ...body });
  /** Opens a join URL as the browser would: the node's 302, then its client page (the attendee is in). */
  const follow = async (url: string) => {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect((await fetch(res.headers.get('location')!)).status).toBe(200);
  };
  /** The meeting is running once a moderator is in: viewers join at once. */
  const start = async (who: Client, room: Room) => {
    const r = await join(who, room.moderatorLink);
    expect(r.status).toBe(200);
    await follow(r.body.url);
  };
  const attendees = (roomId: string) =>
    stack.sim.nodes[0]!.meetings()
      .find((m) => m.meetingID === `web-${roomId}`)!
      .attendees.map((a) => [a.fullName, a.role]);

  beforeAll(async () => {
    stack = await startRoomsStack({
      nodes: 1,
      asTrustedProxy: true,
      env: {
        ACCESS_CODE_MAX_FAILURES_PER_ADDRESS: String(PER_ADDRESS),
        ACCESS_CODE_MAX_FAILURES_PER_ROOM: String(PER_ROOM),
      },
    });
    base = stack.gateway.url;
    [owner, coOwner, stranger] = await Promise.all([
      signUp(base, 'Owner'),
      signUp(base, 'Co', coOwnerEmail),
      signUp(base, 'Stranger'),
    ]);
  }, 60_000);
  afterAll(() => stack?.close());

  it('lets a co-owner see, start and edit a shared room and see its recordings; a stranger finds nothing', async () => {
    const room = await create('Shared seminar');
    const { recordId } = await seedRecording(stack.gateway, room.id, Date.UTC(2026, 0, 5, 9));
    const shared = await owner.json('POST', `/api/rooms/${room.id}/members`, { email: coOwnerEmail.toUpperCase() });
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({ email: coOwnerEmail, name: 'Co', role: 'co-owner' });

    const listed = (await coOwner.json('GET', '/api/rooms')).body.rooms;
    expect(listed.map((r: { id: string; access: string }) => [r.id, r.access])).toEqual([[room.id, 'co-owner']]);
    expect((await owner.json('GET', `/api/rooms/${room.id}`)).body.access).toBe('owner');

    // Starts it: the moderator link the room page shows creates the meeting, as a moderator.
    const view = (await coOwner.json('GET', `/api/rooms/${room.id}`)).body as Room;
    const started = await join(coOwner, view.moderatorLink);
    expect(started.status).toBe(200);
    expect(roleIn(started.body.url)).toBe('MODERATOR');
    expect(stack.sim.nodes[0]!.meetings().some((m) => m.meetingID === `web-${room.id}`)).toBe(true);

    const recs = await coOwner.json('GET', `/api/rooms/${room.id}/recordings`);
    expect([recs.status, recs.body.recordings.map((r: { recordId: string }) => r.recordId)]).toEqual([200, [recordId]]);
    const edited = await coOwner.json('PATCH', `/api/rooms/${room.id}`, {
      name: 'Seminar',
      settings: { record: true },
    });
    expect([edited.status, edited.body.name, edited.body.settings.record]).toEqual([200, 'Seminar', true]);

    for (const [method, path] of [
      ['GET', `/api/rooms/${room.id}`],
      ['PATCH', `/api/rooms/${room.id}`],
      ['GET', `/api/rooms/${room.id}/live`],
      ['GET', `/api/rooms/${room.id}/recordings`],
      ['POST', `/api/rooms/${room.id}/recordings/${recordId}/unpublish`],
      ['GET', `/api/rooms/${room.id}/members`],
      ['DELETE', `/api/rooms/${room.id}`],
    ] as const) {
      const r = await stranger.json(method, path, method === 'PATCH' ? { name: 'Mine' } : undefined);
      expect([method, path, r.status, r.body?.error?.code]).toEqual([method, path, 404, 'not-found']);
    }
    expect((await stranger.json('GET', '/api/rooms')).body.rooms).toEqual([]);
  });

  it('lets only the owner delete the room and manage who shares it', async () => {
    const room = await create('Owner only');
    const added = await owner.json('POST', `/api/rooms/${room.id}/members`, { email: coOwnerEmail });
    const coOwnerId = added.body.userId as string;
    // Sharing again changes nothing.
    expect((await owner.json('POST', `/api/rooms/${room.id}/members`, { email: coOwnerEmail })).body).toEqual(
      added.body,
    );

    for (const [method, path, body] of [
      ['DELETE', `/api/rooms/${room.id}`, undefined],
      ['GET', `/api/rooms/${room.id}/members`, undefined],
      ['POST', `/api/rooms/${room.id}/members`, { email: coOwnerEmail }],
      ['DELETE', `/api/rooms/${room.id}/members/${coOwnerId}`, undefined],
    ] as const) {
      const r = await coOwner.json(method, path, body);
      expect([method, path, r.status, r.body?.error?.code]).toEqual([method, path, 403, 'forbidden']);
    }

    const unknown = await owner.json('POST', `/api/rooms/${room.id}/members`, { email: 'nobody@example.org' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not-found']);
    expect((await owner.json('POST', `/api/rooms/${room.id}/members`, { email: 'not an address' })).status).toBe(400);
    const me = await owner.json('GET', '/api/me');
    const self = await owner.json('POST', `/api/rooms/${room.id}/members`, { email: me.body.user.email });
    expect([self.status, self.body.error.code]).toEqual([400, 'invalid-input']);

    const members = await owner.json('GET', `/api/rooms/${room.id}/members`);
    expect(members.body.members.map((m: { userId: string }) => m.userId)).toEqual([coOwnerId]);
    expect((await owner.json('DELETE', `/api/rooms/${room.id}/members/${coOwnerId}`)).status).toBe(204);
    expect((await owner.json('DELETE', `/api/rooms/${room.id}/members/${coOwnerId}`)).status).toBe(404);
    expect((await coOwner.json('GET', `/api/rooms/${room.id}`)).status).toBe(404);
    expect((await owner.json('DELETE', `/api/rooms/${room.id}`)).status).toBe(204);
  });

  it('joins by the viewer code as viewer and by the moderator code as moderator; a wrong or missing code is a 403', async () => {
    const room = await create('Coded');
    const set = await owner.json('PATCH', `/api/rooms/${room.id}`, {
      viewerCode: 'view1234',
      moderatorCode: 'mod98765',
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ hasViewerCode: true, hasModeratorCode: true, requireSignIn: false });
    expect(JSON.stringify(set.body)).not.toMatch(/view1234|mod98765|scrypt/);
    const info = await anyone().json('GET', `/api/join/${tokenOf(room.participantLink)}`);
    expect(info.body).toMatchObject({ role: 'viewer', code: 'required' });
    // The moderator link asks for no code.
    expect((await anyone().json('GET', `/api/join/${tokenOf(room.moderatorLink)}`)).body.code).toBe('none');

    const missing = await join(anyone(), room.participantLink);
    expect([missing.status, missing.body.error.code]).toEqual([403, 'forbidden']);
    const wrong = await join(anyone(), room.participantLink, { code: 'guess123' });
    expect(wrong).toEqual({ status: 403, body: { error: { code: 'forbidden', message: 'wrong access code' } } });

    const moderator = await join(anyone(), room.participantLink, { code: 'mod98765', displayName: 'Mo' });
    expect([moderator.status, roleIn(moderator.body.url)]).toEqual([200, 'MODERATOR']);
    await follow(moderator.body.url);
    const viewer = await join(anyone(), room.participantLink, { code: ' view1234 ', displayName: 'Vi' });
    expect([viewer.status, roleIn(viewer.body.url)]).toEqual([200, 'VIEWER']);
    await follow(viewer.body.url);
    // What the meeting server was told.
    expect(attendees(room.id)).toEqual([
      ['Mo', 'MODERATOR'],
      ['Vi', 'VIEWER'],
    ]);

    // Same code for both, or a code of the wrong shape: typed 400s.
    expect((await owner.json('PATCH', `/api/rooms/${room.id}`, { moderatorCode: 'view1234' })).status).toBe(400);
    expect((await owner.json('PATCH', `/api/rooms/${room.id}`, { viewerCode: 'abc' })).status).toBe(400);

    // Only a moderator code: no code joins as viewer, the code as moderator.
    const cleared = await owner.json('PATCH', `/api/rooms/${room.id}`, { viewerCode: null });
    expect(cleared.body).toMatchObject({ hasViewerCode: false, hasModeratorCode: true });
    expect((await anyone().json('GET', `/api/join/${tokenOf(room.participantLink)}`)).body.code).toBe('optional');
    expect(roleIn((await join(anyone(), room.participantLink)).body.url)).toBe('VIEWER');
    expect(roleIn((await join(anyone(), room.participantLink, { code: 'mod98765' })).body.url)).toBe('MODERATOR');
    expect((await join(anyone(), room.participantLink, { code: 'view1234' })).status).toBe(403);
  });

  it('refuses every code past the wrong ones allowed per address, the right one included, while other addresses still join', async () => {
    const room = await create('Guessed from one address');
    await owner.json('PATCH', `/api/rooms/${room.id}`, { viewerCode: 'right123' });
    await start(owner, room);
    const guesser = anyone();
    for (let i = 0; i < PER_ADDRESS; i++)
      expect((await join(guesser, room.participantLink, { code: `wrong${i}00` })).status).toBe(403);
    const blocked = await join(guesser, room.participantLink, { code: 'right123' });
    expect([blocked.status, blocked.body.error.code]).toEqual([429, 'rate-limited']);
    // The address limit is the guesser's: someone else with the code joins.
    expect((await join(anyone(), room.participantLink, { code: 'right123' })).status).toBe(200);
  });

  it('refuses every code past the wrong ones allowed per room, from any address; right codes do not count', async () => {
    const room = await create('Guessed from many addresses');
    await owner.json('PATCH', `/api/rooms/${room.id}`, { viewerCode: 'right123' });
    await start(owner, room);
    for (let i = 0; i < 10; i++)
      expect((await join(anyone(), room.participantLink, { code: 'right123' })).status).toBe(200);
    for (let i = 0; i < PER_ROOM; i++)
      expect((await join(anyone(), room.participantLink, { code: `wrong${i}00` })).status).toBe(403);
    const blocked = await join(anyone(), room.participantLink, { code: 'right123' });
    expect([blocked.status, blocked.body.error.code]).toEqual([429, 'rate-limited']);
    // Another room's codes are not held back.
    const other = await create('Elsewhere');
    await owner.json('PATCH', `/api/rooms/${other.id}`, { viewerCode: 'right123' });
    await start(owner, other);
    expect((await join(anyone(), other.participantLink, { code: 'right123' })).status).toBe(200);
  });

  it('refuses anonymous joins of a room that requires sign-in with a typed 401; a signed-in user joins', async () => {
    const room = await create('Members only');
    const set = await owner.json('PATCH', `/api/rooms/${room.id}`, { requireSignIn: true });
    expect(set.body.requireSignIn).toBe(true);
    expect((await anyone().json('GET', `/api/join/${tokenOf(room.participantLink)}`)).body.requireSignIn).toBe(true);
    for (const link of [room.participantLink, room.moderatorLink]) {
      const r = await join(anyone(), link);
      expect([r.status, r.body.error.code, r.body.error.message]).toEqual([
        401,
        'unauthorized',
        'this room requires signing in: sign in, then open the link again',
      ]);
    }
    await start(owner, room);
    const viewer = await join(stranger, room.participantLink);
    expect([viewer.status, roleIn(viewer.body.url)]).toEqual([200, 'VIEWER']);
  });
});
