import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinInfoSchema, roomRecordingPageSchema, roomViewSchema, type RecordingVisibility } from '@ensemble/contracts';
import { waitFor } from '@ensemble/testing';
import { RecordingsStack } from './recordings.test-support.js';
import { Client, signUp } from './rooms.test-support.js';

const PLAYBACK_SECRET = 'room-visibility-playback-secret-0123456789';
const PLAYER_PAGE = '<!doctype html><title>bbb-playback</title>';

/**
 * A room's recording visibility (issue 20, decision 125), on a recording of the room's
 * meeting recorded on the (simulated) node and transferred by the real post_publish script,
 * played from Ensemble's storage. RECORDINGS_PROTECTED is off: what protects is the room's
 * state. A BBB API integration's recording beside it is untouched by any of them.
 */
describe("a room's recording visibility", () => {
  const r = new RecordingsStack();
  const player = join(r.dir, 'player');
  let base = '';
  let owner: Client;
  let coOwner: Client;
  let stranger: Client;
  let roomId = '';
  let joinToken = '';
  let recId = '';
  let apiRecId = '';

  const setVisibility = async (who: Client, recordingVisibility: RecordingVisibility) => {
    const res = await who.json('PATCH', `/api/rooms/${roomId}`, { recordingVisibility });
    expect(res.status).toBe(200);
    return roomViewSchema.parse(res.body);
  };
  const joinInfo = async () => {
    const res = await new Client(base).json('GET', `/api/join/${joinToken}`);
    expect(res.status).toBe(200);
    return joinInfoSchema.parse(res.body);
  };
  /** The presentation link the room's recordings list gives `who` (an owner or co-owner). */
  const listedLink = async (who: Client) => {
    const res = await who.json('GET', `/api/rooms/${roomId}/recordings`);
    expect(res.status).toBe(200);
    const [rec] = roomRecordingPageSchema.parse(res.body).recordings;
    expect(rec?.recordId).toBe(recId);
    return new URL(rec!.formats.find((f) => f.format === 'presentation')!.playbackPath!, base);
  };
  const bare = (id: string) => new URL(`/playback/presentation/2.3/${id}`, base);
  const get = (url: URL | string, ...cookies: Array<string | undefined>) => {
    const cookie = cookies.filter(Boolean).join('; ');
    return fetch(url, cookie ? { headers: { cookie } } : {});
  };
  const file = (id: string, ...cookies: Array<string | undefined>) =>
    get(`${base}/presentation/${id}/metadata.xml`, ...cookies);
  const playbackCookie = (res: Response) => res.headers.get('set-cookie')?.split(';')[0];

  beforeAll(async () => {
    mkdirSync(player, { recursive: true });
    writeFileSync(join(player, 'index.html'), PLAYER_PAGE);
    await r.start({
      videoBytes: 1 << 20,
      gateway: { RECORDINGS_PLAYBACK_SECRET: PLAYBACK_SECRET, RECORDINGS_PLAYER_DIR: player },
    });
    base = r.stack.gateway.url;
    const coOwnerEmail = `co-owner-${Date.now()}@example.org`;
    [owner, coOwner, stranger] = await Promise.all([
      signUp(base, 'Owner'),
      signUp(base, 'Co', coOwnerEmail),
      signUp(base, 'Stranger'),
    ]);
    const room = roomViewSchema.parse((await owner.json('POST', '/api/rooms', { name: 'Physics' })).body);
    roomId = room.id;
    joinToken = room.participantLink.split('/j/')[1]!;
    const shared = await owner.json('POST', `/api/rooms/${roomId}/members`, { email: coOwnerEmail });
    if (shared.status !== 201) throw new Error(`sharing the room: ${shared.status}`);
    recId = await r.recordLecture({}, `web-${roomId}`);
    apiRecId = await r.recordLecture();
    await waitFor(
      'the room recording indexed',
      async () => (await owner.json('GET', `/api/rooms/${roomId}/recordings`)).body?.total === 1,
      { timeoutMs: 30_000 },
    );
  }, 120_000);
  afterAll(() => r.stop());

  it('starts unlisted; owners and co-owners change it, a stranger finds no room, a bad state is a typed 400', async () => {
    expect(roomViewSchema.parse((await owner.json('GET', `/api/rooms/${roomId}`)).body).recordingVisibility).toBe(
      'unlisted',
    );
    expect((await setVisibility(coOwner, 'public')).recordingVisibility).toBe('public');
    expect((await setVisibility(owner, 'unlisted')).recordingVisibility).toBe('unlisted');
    expect((await stranger.json('PATCH', `/api/rooms/${roomId}`, { recordingVisibility: 'public' })).status).toBe(404);
    const bad = await owner.json('PATCH', `/api/rooms/${roomId}`, { recordingVisibility: 'secret' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid-input']);
    expect((await owner.json('GET', `/api/rooms/${roomId}`)).body.recordingVisibility).toBe('unlisted');
  });

  it('unlisted: not on the join page, playable by anyone with the URL', async () => {
    await setVisibility(owner, 'unlisted');
    expect((await joinInfo()).recordings).toEqual([]);
    const link = await listedLink(owner);
    expect(link.search).toBe('');
    const page = await get(link);
    expect([page.status, await page.text()]).toEqual([200, PLAYER_PAGE]);
    expect((await file(recId)).status).toBe(200);
  });

  it('public: listed on the join page with its playback URL, which anyone opens without a token', async () => {
    await setVisibility(owner, 'public');
    const { recordings } = await joinInfo();
    expect(recordings).toEqual([
      {
        recordId: recId,
        name: expect.any(String),
        startTime: expect.any(Number),
        lengthMs: expect.any(Number),
        formats: expect.arrayContaining([
          { format: 'presentation', playbackPath: `/playback/presentation/2.3/${recId}` },
        ]),
      },
    ]);
    expect((await get(new URL(recordings[0]!.formats[0]!.playbackPath, base))).status).toBe(200);
    expect((await get(bare(recId))).status).toBe(200);
    const served = await file(recId);
    expect([served.status, served.headers.get('cache-control')]).toEqual([200, 'public, max-age=300']);
    // Unpublished: off the join page and not playable.
    expect((await owner.json('POST', `/api/rooms/${roomId}/recordings/${recId}/unpublish`)).status).toBe(200);
    expect((await joinInfo()).recordings).toEqual([]);
    expect((await file(recId)).status).toBe(404);
    expect((await owner.json('POST', `/api/rooms/${roomId}/recordings/${recId}/publish`)).status).toBe(200);
  });

  it("protected: not listed, 404 without a token, opened by the short-lived link the owners' list gives", async () => {
    await setVisibility(owner, 'protected');
    expect((await joinInfo()).recordings).toEqual([]);
    expect((await get(bare(recId))).status).toBe(404);
    expect((await file(recId)).status).toBe(404);
    const link = await listedLink(owner);
    expect(link.searchParams.get('token')).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    // Anyone holding the link opens it, signed in or not: the link is the key, for its few minutes.
    const page = await get(link);
    expect(page.status).toBe(200);
    const cookie = playbackCookie(page);
    expect(cookie).toMatch(new RegExp(`^ensemble_rec_${recId}=`));
    const served = await file(recId, cookie);
    expect([served.status, served.headers.get('cache-control')]).toEqual([200, 'private, max-age=300']);
    expect((await get(await listedLink(coOwner))).status).toBe(200);
  });

  it('private: as protected, and the link opens only in a browser signed in as an owner or co-owner', async () => {
    await setVisibility(owner, 'private');
    expect((await joinInfo()).recordings).toEqual([]);
    expect((await get(bare(recId))).status).toBe(404);
    expect((await get(bare(recId), owner.cookie)).status).toBe(404);
    const link = await listedLink(owner);
    expect(link.searchParams.get('token')).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect((await get(link)).status).toBe(404);
    expect((await get(link, stranger.cookie)).status).toBe(404);
    const page = await get(link, owner.cookie);
    expect(page.status).toBe(200);
    const cookie = playbackCookie(page);
    expect((await file(recId, cookie, owner.cookie)).status).toBe(200);
    // The playback cookie alone, or beside someone else's session, opens nothing.
    expect((await file(recId, cookie)).status).toBe(404);
    expect((await file(recId, cookie, stranger.cookie)).status).toBe(404);
    expect((await get(await listedLink(coOwner), coOwner.cookie)).status).toBe(200);
    // A stranger's own request for the room's list finds no room.
    expect((await stranger.json('GET', `/api/rooms/${roomId}/recordings`)).status).toBe(404);
  });

  it("leaves a BBB API integration's recording as it was: playable without a token", async () => {
    expect((await get(bare(apiRecId))).status).toBe(200);
    expect((await file(apiRecId)).status).toBe(200);
  });
});
