import { roomSettingsSchema } from '@ensemble/contracts';
import { DEFAULT_TENANT, type Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { gatewayDatabase, startGatewayPostgres } from '../db/gateway-db.test-support.js';
import { meetingIdOf } from '../meetings/room-bbb-params.js';
import { RecordingsRepository, type UploadedRecording } from '../recordings/recordings.repository.js';
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
  const owner = 'u_owner';

  beforeAll(async () => {
    server = await startGatewayPostgres();
  });
  beforeEach(async () => {
    let db;
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
