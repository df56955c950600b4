import { roomSettingsSchema } from '@ensemble/contracts';
import { DEFAULT_TENANT, type Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import { sql, type Kysely } from 'kysely';
import type { GatewayTables } from '../db/schema.js';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { gatewayDatabase, startGatewayPostgres } from '../db/gateway-db.test-support.js';
import { meetingIdOf } from '../meetings/room-bbb-params.js';
import { RecordingsRepository, type UploadedRecording } from '../recordings/recordings.repository.js';
import type { GatewayConfig } from '../config.js';
import { PlaybackTokens } from '../playback/playback-tokens.js';
import { RecordingProtection } from '../playback/recording-protection.js';
import { RoomRecordingsService } from './room-recordings.service.js';
import { RoomsRepository } from './rooms.repository.js';

const T0 = 1_760_000_000_000;
const recording = (meetingId: string, i: number): UploadedRecording => ({
  recordId: `${String(i).padStart(40, '0')}-${T0 + i}`,
  meetingId,
  internalMeetingId: `i-${i}`,
  name: `Lecture ${i}`,
  state: i % 3 === 0 ? 'unpublished' : 'published',
  startTime: T0 + i,
  endTime: T0 + i + 60_000,
  participants: 2,
  metadata: {},
  nodeId: 'bbb-1',
});
const format = (recordId: string) => ({
  format: 'presentation',
  digest: 'e'.repeat(64),
  prefix: `recordings/${recordId}/presentation/${'e'.repeat(64)}/`,
  sizeBytes: 10,
  fileCount: 1,
  playbackPath: `/playback/presentation/2.3/${recordId}`,
  processingTimeMs: 1,
  lengthMs: 60_000,
});

describe("a room's recordings on PostgreSQL", () => {
  let server: PostgresServer;
  let database: Database;
  let rooms: RoomsRepository;
  let index: RecordingsRepository;
  let service: RoomRecordingsService;
  let db: Kysely<GatewayTables>;
  const owner = 'u_owner';

  beforeAll(async () => {
    server = await startGatewayPostgres();
  });
  beforeEach(async () => {
    ({ database, db } = await gatewayDatabase(server));
    rooms = new RoomsRepository(db);
    index = new RecordingsRepository(db);
    service = new RoomRecordingsService(rooms, index);
    await new AccountsRepository(db).create({
      id: owner,
      email: 'o@example.org',
      name: 'o',
      passwordHash: 'h',
      createdAt: Date.now(),
      tenant: DEFAULT_TENANT,
    });
  });
  afterEach(() => database?.close());
  afterAll(() => server?.stop());

  const seed = async (meetingId: string, from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      const r = recording(meetingId, i);
      await index.index(r, format(r.recordId));
    }
  };
  const states = async (meetingId: string) =>
    (await index.list({ meetingIds: [meetingId], offset: 0, limit: 10_000 })).recordings.map((r) => r.state);

  it('gives protected recordings their playback link with its token, and unpublished ones none', async () => {
    const room = await rooms.create(owner, 'A', 'bbb', roomSettingsSchema.parse({}));
    await seed(meetingIdOf(room.id), 1, 3); // 1, 2 published; 3 unpublished
    const signed = new RoomRecordingsService(rooms, index, (r) => `?token=for-${r.recordId}`);
    const page = await signed.list(owner, room.id, { offset: 0, limit: 10 });
    const paths = page.recordings.map((r) => [r.recordId, r.formats[0]!.playbackPath]);
    expect(paths).toEqual([
      [recording('', 3).recordId, null],
      [
        recording('', 2).recordId,
        `/playback/presentation/2.3/${recording('', 2).recordId}?token=for-${recording('', 2).recordId}`,
      ],
      [
        recording('', 1).recordId,
        `/playback/presentation/2.3/${recording('', 1).recordId}?token=for-${recording('', 1).recordId}`,
      ],
    ]);
  });

  it("gives tokens to the recordings of rooms whose owner's tenant protects them, by the rule playback checks", async () => {
    await sql`INSERT INTO tenants (name) VALUES ('uni-a')`.execute(db);
    await new AccountsRepository(db).create({
      id: 'u_a',
      email: 'a@example.org',
      name: 'a',
      passwordHash: 'h',
      createdAt: Date.now(),
      tenant: 'uni-a',
    });
    const protection = new RecordingProtection(
      new PlaybackTokens({
        RECORDINGS_PROTECTED: false,
        RECORDINGS_PLAYBACK_SECRET: 'p'.repeat(32),
        RECORDINGS_PLAYBACK_LINK_TTL_S: 600,
        RECORDINGS_PLAYBACK_SESSION_TTL_S: 3600,
      } as GatewayConfig),
      (tenant) => ({ 'uni-a': true, default: null })[tenant],
    );
    const withTokens = new RoomRecordingsService(rooms, index, (r) => protection.linkQuery(r));
    const [mine, theirs] = [
      await rooms.create('u_a', 'A', 'bbb', roomSettingsSchema.parse({})),
      await rooms.create(owner, 'D', 'bbb', roomSettingsSchema.parse({})),
    ];
    await seed(meetingIdOf(mine.id), 1, 1);
    await seed(meetingIdOf(theirs.id), 2, 1);
    const [a] = (await withTokens.list('u_a', mine.id, { offset: 0, limit: 10 })).recordings;
    const [d] = (await withTokens.list(owner, theirs.id, { offset: 0, limit: 10 })).recordings;
    const link = new URL(a!.formats[0]!.playbackPath!, 'https://x.test');
    expect(link.pathname).toBe(`/playback/presentation/2.3/${a!.recordId}`);
    const rec = (await index.get(a!.recordId))!;
    expect(rec.tenant).toBe('uni-a');
    expect(protection.grant(rec, { linkToken: link.searchParams.get('token')! })).toMatchObject({ allowed: true });
    expect(protection.grant(rec, {})).toEqual({ allowed: false });
    expect(d!.formats[0]!.playbackPath).toBe(`/playback/presentation/2.3/${d!.recordId}`);
  });

  it("forgetting a room deletes all its recordings, more than a batch, and no other meeting's", async () => {
    const [room, other] = [
      await rooms.create(owner, 'A', 'bbb', roomSettingsSchema.parse({})),
      await rooms.create(owner, 'B', 'bbb', roomSettingsSchema.parse({})),
    ];
    await seed(meetingIdOf(room.id), 0, 1201);
    await seed(meetingIdOf(other.id), 2000, 3);
    await service.forgetRoom(room.id);
    expect(new Set(await states(meetingIdOf(room.id)))).toEqual(new Set(['deleted']));
    expect(await states(meetingIdOf(other.id))).toEqual(['published', 'unpublished', 'published']);
    await service.forgetRoom(room.id); // again: nothing left to do
    expect((await service.list(owner, room.id, { offset: 0, limit: 10 })).total).toBe(0);
  });

  it('indexes a first upload of a web room that is gone as deleted, and of a living room or a BBB API meeting as sent', async () => {
    const room = await rooms.create(owner, 'A', 'bbb', roomSettingsSchema.parse({}));
    await seed(meetingIdOf(room.id), 1, 1);
    await seed(meetingIdOf('rGone12345678'), 2, 1);
    await seed('web-integration-meeting', 4, 1);
    expect(await states(meetingIdOf(room.id))).toEqual(['published']);
    expect(await states(meetingIdOf('rGone12345678'))).toEqual(['deleted']);
    expect(await states('web-integration-meeting')).toEqual(['published']);
    // The room deleted after: a re-upload keeps what the index says.
    await rooms.remove(room.id, owner);
    await service.forgetRoom(room.id);
    await seed(meetingIdOf(room.id), 1, 1);
    expect(await states(meetingIdOf(room.id))).toEqual(['deleted']);
  });
});
