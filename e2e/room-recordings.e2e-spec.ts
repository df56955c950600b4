import { roomRecordingPageSchema, type RoomRecording } from '@ensemble/contracts';
import { seedRecording, stateOf } from './room-recordings.test-support.js';
import { Client, signUp, startRoomsStack, type RoomsStack } from './rooms.test-support.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const HOUR = 3_600_000;

/** A room's recordings for its owner (issue 18): the index's rows of the room's meeting, over HTTP. */
describe("a room's recordings", () => {
  let stack: RoomsStack;
  let base: string;
  let owner: Client;
  let other: Client;
  let roomA: string;
  let roomB: string;
  /** Room A's recording ids, newest first. */
  let idsA: string[];
  let idB: string;

  const createRoom = async (name: string) => {
    const r = await owner.json('POST', '/api/rooms', { name });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  const list = async (room: string, query = '') => {
    const r = await owner.json('GET', `/api/rooms/${room}/recordings${query}`);
    expect(r.status).toBe(200);
    return roomRecordingPageSchema.parse(r.body);
  };
  const ids = (rs: RoomRecording[]) => rs.map((r) => r.recordId);

  beforeAll(async () => {
    stack = await startRoomsStack({ nodes: 1 });
    base = stack.gateway.url;
    [owner, other] = await Promise.all([signUp(base, 'Owner'), signUp(base, 'Other')]);
    [roomA, roomB] = [await createRoom('Physics'), await createRoom('Chemistry')];
    const seeded = [];
    // Seeded out of order: the list orders them, not the insertion.
    for (const i of [3, 0, 24, 7, ...Array.from({ length: 25 }, (_, k) => k).filter((k) => ![3, 0, 24, 7].includes(k))])
      seeded.push(await seedRecording(stack.gateway, roomA, T0 + i * HOUR, { name: `Physics ${i}` }));
    idsA = seeded.sort((a, b) => b.startTime - a.startTime).map((r) => r.recordId);
    idB = (await seedRecording(stack.gateway, roomB, T0, { name: 'Chemistry 0' })).recordId;
    // Another meeting's recording (not a room's) and a deleted one of room A: never listed.
    await seedRecording(stack.gateway, 'rNotARoom00000', T0);
    await seedRecording(stack.gateway, roomA, T0 - HOUR, { state: 'deleted', name: 'Gone' });
  }, 60_000);
  afterAll(() => stack?.close());

  it('lists them to the owner newest first with what the page shows, paged without gaps or repeats', async () => {
    const first = await list(roomA);
    expect(first.total).toBe(25);
    expect(first.recordings).toHaveLength(20); // the default page
    expect(first.recordings[0]).toEqual({
      recordId: idsA[0],
      name: 'Physics 24',
      state: 'published',
      startTime: T0 + 24 * HOUR,
      endTime: T0 + 24 * HOUR + 3_723_000,
      lengthMs: 3_600_000,
      participants: 7,
      sizeBytes: 12_345,
      formats: [
        {
          format: 'presentation',
          playbackPath: `/playback/presentation/2.3/${idsA[0]}`,
          sizeBytes: 12_345,
          lengthMs: 3_600_000,
        },
      ],
    });
    const walked: string[] = [];
    for (let offset = 0; offset < 30; offset += 7) {
      const page = await list(roomA, `?offset=${offset}&limit=7`);
      expect([page.total, page.offset]).toEqual([25, offset]);
      walked.push(...ids(page.recordings));
    }
    expect(walked).toEqual(idsA);
    expect(await list(roomA, '?offset=100')).toEqual({ total: 25, offset: 100, recordings: [] });
    expect(ids((await list(roomB)).recordings)).toEqual([idB]);
  });

  it('answers someone else 404 and nobody 401, as for the room itself; bad paging is a typed 400', async () => {
    const anonymous = new Client(base);
    const rec = `/api/rooms/${roomA}/recordings/${idsA[0]}`;
    expect((await other.json('GET', `/api/rooms/${roomA}/recordings`)).status).toBe(404);
    expect((await other.json('POST', `${rec}/unpublish`)).status).toBe(404);
    expect((await other.json('DELETE', rec)).status).toBe(404);
    expect((await anonymous.json('GET', `/api/rooms/${roomA}/recordings`)).status).toBe(401);
    expect((await anonymous.json('POST', `${rec}/unpublish`)).status).toBe(401);
    expect((await anonymous.json('DELETE', rec)).status).toBe(401);
    expect(await stateOf(stack.gateway, idsA[0]!)).toBe('published');
    for (const q of ['?limit=0', '?limit=101', '?offset=-1', '?offset=x', '?order=asc']) {
      const r = await owner.json('GET', `/api/rooms/${roomA}/recordings${q}`);
      expect([q, r.status, r.body.error.code]).toEqual([q, 400, 'invalid-input']);
    }
    expect((await owner.json('GET', '/api/rooms/nope/recordings')).status).toBe(404);
  });

  it('unpublishes and publishes again: the state and the playback path follow, a repeat changes nothing', async () => {
    const rec = `/api/rooms/${roomA}/recordings/${idsA[1]}`;
    for (let i = 0; i < 2; i++) {
      const r = await owner.json('POST', `${rec}/unpublish`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ recordId: idsA[1], state: 'unpublished', formats: [{ playbackPath: null }] });
    }
    expect(await stateOf(stack.gateway, idsA[1]!)).toBe('unpublished');
    // Still listed to the owner, in its place.
    expect((await list(roomA, '?limit=2')).recordings[1]).toMatchObject({ recordId: idsA[1], state: 'unpublished' });
    const back = await owner.json('POST', `${rec}/publish`);
    expect(back.body).toMatchObject({
      state: 'published',
      formats: [{ playbackPath: `/playback/presentation/2.3/${idsA[1]}` }],
    });
    expect(await stateOf(stack.gateway, idsA[1]!)).toBe('published');
  });

  it('refuses protected and private recordings on an installation without RECORDINGS_PLAYBACK_SECRET', async () => {
    for (const recordingVisibility of ['protected', 'private']) {
      const r = await owner.json('PATCH', `/api/rooms/${roomA}`, { recordingVisibility });
      expect([r.status, r.body.error.code]).toEqual([400, 'invalid-input']);
      expect(r.body.error.message).toContain('RECORDINGS_PLAYBACK_SECRET');
    }
    expect((await owner.json('PATCH', `/api/rooms/${roomA}`, { recordingVisibility: 'public' })).status).toBe(200);
    expect((await owner.json('GET', `/api/rooms/${roomA}`)).body.recordingVisibility).toBe('public');
    expect((await owner.json('PATCH', `/api/rooms/${roomA}`, { recordingVisibility: 'unlisted' })).status).toBe(200);
  });

  it("answers 404 for another room's recording, an unknown or malformed id, and changes nothing", async () => {
    for (const id of [idB, `${'0'.repeat(40)}-1700000000000`, 'not-a-record-id']) {
      for (const [method, path] of [
        ['POST', `/api/rooms/${roomA}/recordings/${id}/unpublish`],
        ['POST', `/api/rooms/${roomA}/recordings/${id}/publish`],
        ['DELETE', `/api/rooms/${roomA}/recordings/${id}`],
      ] as const) {
        const r = await owner.json(method, path);
        expect([method, path, r.status, r.body?.error.code]).toEqual([method, path, 404, 'not-found']);
      }
    }
    expect(await stateOf(stack.gateway, idB)).toBe('published');
  });

  it('deletes one: gone from the list and the index says deleted; it cannot be published again', async () => {
    const id = idsA[2]!;
    const rec = `/api/rooms/${roomA}/recordings/${id}`;
    expect((await owner.call('DELETE', rec)).status).toBe(204);
    expect(await stateOf(stack.gateway, id)).toBe('deleted');
    const after = await list(roomA, '?limit=100');
    expect(after.total).toBe(24);
    expect(ids(after.recordings)).toEqual(idsA.filter((x) => x !== id));
    expect((await owner.json('DELETE', rec)).status).toBe(404);
    expect((await owner.json('POST', `${rec}/publish`)).status).toBe(404);
    expect(await stateOf(stack.gateway, id)).toBe('deleted');
  });

  it('deleting a room deletes its recordings, and only its own', async () => {
    const unpublished = (await seedRecording(stack.gateway, roomB, T0 + HOUR, { state: 'unpublished' })).recordId;
    expect((await owner.call('DELETE', `/api/rooms/${roomB}`)).status).toBe(204);
    expect([await stateOf(stack.gateway, idB), await stateOf(stack.gateway, unpublished)]).toEqual([
      'deleted',
      'deleted',
    ]);
    expect((await owner.json('GET', `/api/rooms/${roomB}/recordings`)).status).toBe(404);
    // One still processing when the room went arrives later: indexed, but deleted.
    const late = (await seedRecording(stack.gateway, roomB, T0 + 2 * HOUR)).recordId;
    expect(await stateOf(stack.gateway, late)).toBe('deleted');
    expect((await list(roomA)).total).toBe(24);
  });
});
