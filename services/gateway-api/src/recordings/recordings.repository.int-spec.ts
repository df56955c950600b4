import type { Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import { sql, type Kysely } from 'kysely';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { gatewayDatabase, startGatewayPostgres } from '../db/gateway-db.test-support.js';
import type { GatewayTables, RecordingState } from '../db/schema.js';
import { meetingIdOf } from '../meetings/room-bbb-params.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import {
  listQuery,
  RecordingsRepository,
  type RecordingFormat,
  type RecordingsQuery,
  type UploadedRecording,
} from './recordings.repository.js';

const DIGEST = 'a'.repeat(64);
const recording = (over: Partial<UploadedRecording> = {}): UploadedRecording => ({
  recordId: 'int-1-1700000000000',
  meetingId: 'maths',
  internalMeetingId: 'int-1-1700000000000',
  name: 'Maths',
  state: 'published',
  startTime: 1_700_000_000_000,
  endTime: 1_700_000_600_000,
  participants: 3,
  metadata: { 'bbb-origin': 'moodle', course: 'm1' },
  nodeId: 'bbb-1',
  ...over,
});
const format = (over: Partial<RecordingFormat> = {}): RecordingFormat => ({
  format: 'presentation',
  digest: DIGEST,
  prefix: `recordings/int-1-1700000000000/presentation/${DIGEST}/`,
  sizeBytes: 5_000_000_000,
  fileCount: 12,
  playbackPath: 'index.html',
  processingTimeMs: 4200,
  lengthMs: 600_000,
  ...over,
});

describe('the recordings repository on PostgreSQL', () => {
  let server: PostgresServer;
  let database: Database;
  let db: Kysely<GatewayTables>;
  let repo: RecordingsRepository;

  beforeAll(async () => {
    server = await startGatewayPostgres();
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    ({ database, db } = await gatewayDatabase(server));
    repo = new RecordingsRepository(db);
  });
  afterEach(() => database.close());

  it('indexes a recording with its format, read back whole by id and by digest', async () => {
    expect(await repo.digestOf('int-1-1700000000000', 'presentation')).toBeUndefined();
    expect(await repo.index(recording(), format())).toBeUndefined();
    expect(await repo.get('int-1-1700000000000')).toEqual({ ...recording(), tenant: 'default', formats: [format()] });
    expect(await repo.digestOf('int-1-1700000000000', 'presentation')).toBe(DIGEST);
    expect(await repo.get('unknown')).toBeUndefined();
  });

  it('replaces a format uploaded again with another digest, returning the prefix it replaced, and keeps other formats', async () => {
    await repo.index(recording(), format());
    await repo.index(
      recording(),
      format({ format: 'video', playbackPath: 'video-0.m4v', prefix: 'recordings/x/video/b/' }),
    );
    const rebuilt = format({ digest: 'b'.repeat(64), prefix: 'recordings/x/presentation/b/', fileCount: 13 });
    expect(await repo.index(recording({ name: 'Maths (rebuilt)' }), rebuilt)).toBe(format().prefix);
    // The same upload again replaces nothing.
    expect(await repo.index(recording({ name: 'Maths (rebuilt)' }), rebuilt)).toBeUndefined();
    const got = await repo.get('int-1-1700000000000');
    expect(got?.name).toBe('Maths (rebuilt)');
    expect(got?.formats.map((f) => [f.format, f.fileCount])).toEqual([
      ['presentation', 13],
      ['video', 12],
    ]);
    expect(await repo.referenced([format().prefix, rebuilt.prefix, 'recordings/x/video/b/'])).toEqual(
      new Set([rebuilt.prefix, 'recordings/x/video/b/']),
    );
  });

  it('keeps the state the API set when the node uploads the recording again', async () => {
    await repo.index(recording(), format());
    expect(await repo.setState(['int-1-1700000000000', 'unknown'], 'unpublished')).toEqual(['int-1-1700000000000']);
    await repo.index(recording(), format({ digest: 'c'.repeat(64) }));
    expect((await repo.get('int-1-1700000000000'))?.state).toBe('unpublished');
    expect(await repo.setState(['int-1-1700000000000'], 'deleted')).toEqual(['int-1-1700000000000']);
    expect(await repo.list({ states: ['published', 'unpublished'], offset: 0, limit: 10 })).toEqual({
      total: 0,
      recordings: [],
    });
  });

  it("indexes a web room's recording under its owner's tenant, a BBB API one under its meetingID's tenant", async () => {
    await sql`INSERT INTO tenants (name) VALUES ('uni-a'), ('uni-b')`.execute(db);
    const owner = { id: 'u_a', email: 'o@example.org', name: 'O', passwordHash: 'h', createdAt: 1, tenant: 'uni-a' };
    await new AccountsRepository(db).create(owner);
    const room = await new RoomsRepository(db).create(owner.id, 'Room', 'bbb', {
      muteOnJoin: false,
      requireApproval: false,
      allJoinAsModerator: false,
      anyoneCanStart: false,
      welcome: '',
      maxParticipants: 0,
      record: true,
    });
    const stored = async (recordId: string) =>
      await db
        .selectFrom('recordings')
        .select(['tenant', 'state'])
        .where('record_id', '=', recordId)
        .executeTakeFirst();
    const web = recording({ recordId: 'web-1-1700000000000', meetingId: meetingIdOf(room.id) });
    await repo.index(web, format({ prefix: 'recordings/web-1/' }));
    expect(await stored(web.recordId)).toEqual({ tenant: 'uni-a', state: 'published' });

    const api = recording({ recordId: 'api-1-1700000000000', meetingId: 'uni-b~maths' });
    await repo.index(api, format({ prefix: 'recordings/api-1/' }));
    expect(await stored(api.recordId)).toEqual({ tenant: 'uni-b', state: 'published' });
    // The read model carries it: playback asks the tenant whether the recording is protected (decision 116).
    expect((await repo.get(api.recordId))?.tenant).toBe('uni-b');

    await repo.index(recording(), format());
    expect(await stored('int-1-1700000000000')).toEqual({ tenant: 'default', state: 'published' });

    // A web room already gone: the default tenant's, and deleted (decision 106).
    const gone = recording({ recordId: 'gone-1-1700000000000', meetingId: meetingIdOf('rAAAAAAAAAAAA') });
    await repo.index(gone, format({ prefix: 'recordings/gone-1/' }));
    expect(await stored(gone.recordId)).toEqual({ tenant: 'default', state: 'deleted' });

    // Set once: the owner's account (and tenant) gone later, another format keeps it where it was.
    await sql`DELETE FROM users WHERE id = 'u_a'`.execute(db);
    await repo.index(web, format({ format: 'video', prefix: 'recordings/web-1/v/' }));
    expect(await stored(web.recordId)).toEqual({ tenant: 'uni-a', state: 'published' });
  });

  it('changes a state only within the meeting and current states given, in the same statement', async () => {
    await repo.index(recording(), format());
    const id = 'int-1-1700000000000';
    expect(await repo.setState([id], 'unpublished', { meetingId: 'physics' })).toEqual([]);
    expect(await repo.setState([id], 'deleted', { meetingId: 'maths', states: ['published'] })).toEqual([id]);
    expect(await repo.setState([id], 'published', { states: ['published', 'unpublished'] })).toEqual([]);
    expect((await repo.get(id))?.state).toBe('deleted');
  });

  it('pages newest first as stably as oldest first', async () => {
    for (let i = 0; i < 5; i++) {
      const id = `int-${i % 2}-${1_700_000_000_000 + Math.floor(i / 2)}`; // equal start times in pairs
      await repo.index(
        recording({ recordId: id, startTime: 1_700_000_000_000 + Math.floor(i / 2) }),
        format({ prefix: `recordings/${id}/p/` }),
      );
    }
    const page = async (newestFirst: boolean, offset: number) =>
      (await repo.list({ meetingIds: ['maths'], newestFirst, offset, limit: 2 })).recordings.map((r) => r.recordId);
    const oldest = [...(await page(false, 0)), ...(await page(false, 2)), ...(await page(false, 4))];
    const newest = [...(await page(true, 0)), ...(await page(true, 2)), ...(await page(true, 4))];
    expect(new Set(oldest).size).toBe(5);
    expect(newest).toEqual([...oldest].reverse());
  });

  it('sets and removes meta keys, leaving the others', async () => {
    await repo.index(recording(), format());
    expect(await repo.updateMeta(['int-1-1700000000000'], { course: 'm2', term: 'autumn' }, ['bbb-origin'])).toEqual([
      'int-1-1700000000000',
    ]);
    expect((await repo.get('int-1-1700000000000'))?.metadata).toEqual({ course: 'm2', term: 'autumn' });
    expect(await repo.updateMeta(['unknown'], { a: 'b' })).toEqual([]);
  });

  it('refuses a state outside the vocabulary and a digest that is not sha-256 hex; a format needs its recording', async () => {
    await expect(repo.index(recording({ state: 'gone' as never }), format())).rejects.toThrow();
    await expect(repo.index(recording(), format({ digest: 'xyz' }))).rejects.toThrow();
    expect(await repo.get('int-1-1700000000000')).toBeUndefined();
    await expect(
      sql`INSERT INTO recording_formats (record_id, format, digest, prefix, size_bytes, file_count, playback_path)
        VALUES ('nope', 'video', ${DIGEST}, 'p', 1, 1, 'x')`.execute(db),
    ).rejects.toThrow(/foreign key/);
  });

  describe('over 10,000 recordings', () => {
    /** 10,000 recordings of 100 meetings, a state in three, `course` in ten, `lesson` each its own; 100 share one start. */
    const seed = async () => {
      await sql`INSERT INTO recordings (record_id, meeting_id, internal_meeting_id, name, state, starts_at, ends_at,
          participants, metadata, node_id)
        SELECT 'rec-' || lpad(i::text, 5, '0'), 'meeting-' || (i % 100), 'int-' || i, 'R' || i,
          (ARRAY['published', 'unpublished', 'deleted'])[1 + i % 3],
          to_timestamp(1700000000 + CASE WHEN i < 100 THEN 0 ELSE i END), to_timestamp(1700000600 + i), i % 7,
          jsonb_build_object('course', 'c' || (i % 10), 'bbb-origin', 'lms', 'lesson', 'l' || i), 'bbb-' || (i % 4)
        FROM generate_series(0, 9999) AS i`.execute(db);
      await sql`INSERT INTO recording_formats (record_id, format, digest, prefix, size_bytes, file_count, playback_path)
        SELECT record_id, 'presentation', ${DIGEST}, 'recordings/' || record_id || '/presentation/x/', 1000, 5, 'index.html'
        FROM recordings`.execute(db);
      await sql`ANALYZE recordings`.execute(db);
      await sql`ANALYZE recording_formats`.execute(db);
    };

    it('pages through every recording in one stable order, without repeats or gaps, with the total on each page', async () => {
      await seed();
      const seen: string[] = [];
      for (let offset = 0; ; offset += 700) {
        const page = await repo.list({ offset, limit: 700 });
        expect(page.total).toBe(10_000);
        if (page.recordings.length === 0) break;
        seen.push(...page.recordings.map((r) => r.recordId));
      }
      expect(seen).toHaveLength(10_000);
      expect(new Set(seen).size).toBe(10_000);
      // start time, then record id: the 100 sharing a start come first, by id
      expect(seen.slice(0, 3)).toEqual(['rec-00000', 'rec-00001', 'rec-00002']);
      expect(await repo.list({ offset: 20_000, limit: 10 })).toEqual({ total: 10_000, recordings: [] });
    });

    it('gives the same pages whichever end a page is walked to from, newest first too, the last page short', async () => {
      await seed();
      const ordered = async (filter: string) =>
        (
          await sql<{ record_id: string }>`SELECT record_id FROM recordings WHERE ${sql.raw(filter)}
            ORDER BY starts_at, record_id`.execute(db)
        ).rows.map((r) => r.record_id);
      for (const [states, filter] of [
        [undefined, 'true'],
        [['published', 'unpublished'] as RecordingState[], "state <> 'deleted'"],
      ] as const) {
        const all = await ordered(filter);
        for (const newestFirst of [false, true]) {
          const expected = newestFirst ? [...all].reverse() : all;
          const seen: string[] = [];
          // 333 a page: pages in both halves, one across the middle, a short last one.
          for (let offset = 0; offset < all.length + 333; offset += 333) {
            const page = await repo.list({ ...(states ? { states } : {}), newestFirst, offset, limit: 333 });
            expect(page.total).toBe(all.length);
            expect(page.recordings.map((r) => r.recordId)).toEqual(expected.slice(offset, offset + 333));
            seen.push(...page.recordings.map((r) => r.recordId));
          }
          expect(seen).toEqual(expected);
        }
      }
    });

    it('filters by meeting ids, record ids, states and meta pairs, counting what matches', async () => {
      await seed();
      const total = async (q: Omit<RecordingsQuery, 'offset' | 'limit'>) =>
        (await repo.list({ ...q, offset: 0, limit: 1 })).total;
      expect(await total({ meetingIds: ['meeting-1', 'meeting-2'] })).toBe(200);
      expect(await total({ recordIds: ['rec-00001', 'rec-09999', 'unknown'] })).toBe(2);
      expect(await total({ states: ['published', 'unpublished'] })).toBe(6667);
      expect(await total({ meta: { course: 'c3' } })).toBe(1000);
      expect(await total({ meta: { course: 'c3', 'bbb-origin': 'lms' }, meetingIds: ['meeting-3'] })).toBe(100);
      expect(await total({ meta: { course: 'c3' }, meetingIds: ['meeting-4'] })).toBe(0);
      expect(await total({ meta: { lesson: 'l42' } })).toBe(1);
      const page = await repo.list({ meetingIds: ['meeting-7'], offset: 10, limit: 5 });
      expect(page.recordings.map((r) => r.recordId)).toEqual([
        'rec-01007',
        'rec-01107',
        'rec-01207',
        'rec-01307',
        'rec-01407',
      ]);
      expect(page.recordings[0]?.formats).toHaveLength(1);
    });

    it("lists by record id prefix as BBB's getRecordings does, a prefix's wildcards taken literally", async () => {
      await seed();
      const ids = async (recordIdPrefixes: string[], more: Partial<RecordingsQuery> = {}) => {
        const page = await repo.list({ recordIdPrefixes, ...more, offset: 0, limit: 100 });
        return { total: page.total, ids: page.recordings.map((r) => r.recordId) };
      };
      // A whole id is its own prefix; a shorter one lists every id it starts.
      expect(await ids(['rec-00042'])).toEqual({ total: 1, ids: ['rec-00042'] });
      expect((await ids(['rec-0004'])).total).toBe(10);
      expect((await ids(['rec-0004', 'rec-00042', 'rec-0123'])).total).toBe(20); // each once
      expect((await ids(['rec-0004'], { states: ['published'] })).ids).toEqual(['rec-00042', 'rec-00045', 'rec-00048']);
      expect(await ids(['rec-000420', 'nope'])).toEqual({ total: 0, ids: [] });
      // LIKE's wildcards mean nothing here: BBB compares with startsWith.
      expect((await ids(['rec_0004'])).total).toBe(0);
      expect((await ids(['rec-000%'])).total).toBe(0);
      expect((await ids([])).total).toBe(0);
    });

    it('keeps the totals by state equal to a count of the table through every kind of change', async () => {
      await seed();
      const counted = async () =>
        Object.fromEntries(
          (
            await sql<{
              state: string;
              n: number;
            }>`SELECT state, count(*)::int AS n FROM recordings GROUP BY state`.execute(db)
          ).rows.map((r) => [r.state, r.n]),
        ) as Record<RecordingState, number>;
      const expectTotalsAsCounted = async () => {
        const c = await counted();
        const n = (state: RecordingState) => c[state] ?? 0;
        const total = async (states?: RecordingState[]) =>
          (await repo.list({ ...(states ? { states } : {}), offset: 0, limit: 1 })).total;
        expect(await total(['published'])).toBe(n('published'));
        expect(await total(['published', 'unpublished'])).toBe(n('published') + n('unpublished'));
        expect(await total(['deleted'])).toBe(n('deleted'));
        expect(await total([])).toBe(0);
        expect(await total()).toBe(n('published') + n('unpublished') + n('deleted'));
      };
      await expectTotalsAsCounted();
      // An API change of state, one that changes nothing, a meta change, a new recording and
      // a re-upload (an upsert: the same statement inserts or updates), a row deleted.
      await repo.setState(['rec-00000', 'rec-00001', 'rec-00002', 'rec-00003'], 'deleted');
      await repo.setState(['rec-00004'], 'unpublished', { states: ['deleted'] });
      await repo.updateMeta(['rec-00005'], { course: 'x' });
      await repo.index(
        recording({ recordId: 'new-1', state: 'unpublished' }),
        format({ prefix: 'recordings/new-1/p/' }),
      );
      await repo.index(
        recording({ recordId: 'rec-00006', state: 'published' }),
        format({ prefix: 'recordings/r6/p/' }),
      );
      await expectTotalsAsCounted();
      await sql`DELETE FROM recordings WHERE record_id IN ('rec-00007', 'new-1')`.execute(db);
      await expectTotalsAsCounted();
    });

    it("reads the rows and formats of the page's recordings only, however far its offset", async () => {
      await seed();
      type PlanNode = {
        'Node Type': string;
        'Relation Name'?: string;
        'Scan Direction'?: string;
        'Actual Loops': number;
        'Actual Rows': number;
        Plans?: PlanNode[];
      };
      const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];
      // As getRecordings asks: within one tenant (decision 110).
      const q = listQuery({ tenant: 'default', states: ['published', 'unpublished'], offset: 5000, limit: 100 });
      const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>`EXPLAIN (ANALYZE, FORMAT JSON) ${q}`.execute(
        db,
      );
      const formatReads = nodes(rows[0]!['QUERY PLAN'][0].Plan).filter(
        (n) => n['Relation Name'] === 'recording_formats',
      );
      // One lookup per recording of the page, none for the 5,000 skipped.
      expect(formatReads.map((n) => n['Actual Loops'])).toEqual([100]);
      // Offset 5,000 of 6,667 is walked to from the end: 1,667 entries, not 5,100.
      const walked = nodes(rows[0]!['QUERY PLAN'][0].Plan).filter((n) => n['Node Type'] === 'Index Only Scan');
      expect(walked.map((n) => [n['Scan Direction'], n['Actual Rows']])).toEqual([
        ['Forward', 0],
        ['Backward', 1667],
      ]);
      const page = await repo.list({
        tenant: 'default',
        states: ['published', 'unpublished'],
        offset: 5000,
        limit: 100,
      });
      expect(page.total).toBe(6667);
      expect(page.recordings).toHaveLength(100);
      expect(page.recordings.every((r) => r.formats.length === 1)).toBe(true);
    });

    it('answers each filter from an index, never reading the whole table', async () => {
      await seed();
      const plan = async (q: Omit<RecordingsQuery, 'offset' | 'limit'>, offset = 0) =>
        (await sql<{ 'QUERY PLAN': string }>`EXPLAIN ${listQuery({ ...q, offset, limit: 100 })}`.execute(db)).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      // A selective filter: one that matches a tenth of the table is read whole, as it should be.
      for (const q of [
        { meetingIds: ['meeting-1'] },
        { recordIds: ['rec-00001', 'rec-00002'] },
        { recordIdPrefixes: ['rec-0001', 'rec-00020'] },
        { meta: { lesson: 'l42' } },
        { meetingIds: ['meeting-1'], states: ['published' as const] },
      ]) {
        const p = await plan(q);
        expect(p).not.toMatch(/Seq Scan on recordings/);
        expect(p).toMatch(/Index|Bitmap/);
      }
      // A tenant's unfiltered page is a range of the order index (the count reads it all, as a count
      // must), and so is getRecordings' default (published and unpublished): the index holds the state.
      expect(await plan({ tenant: 'default' }, 5000)).toMatch(/Index Only Scan using recordings_page/);
      expect(await plan({ tenant: 'default', states: ['published', 'unpublished'] }, 5000)).toMatch(
        /Index Only Scan using recordings_page/,
      );
      // A total by tenant and state alone is a sum of the counts, not a count of the table.
      const byState = { tenant: 'default', states: ['published' as const, 'unpublished' as const] };
      expect(await plan(byState)).toMatch(/on recording_counts/);
      expect(await plan(byState)).not.toMatch(/Seq Scan on recordings/);
      // The formats of a page are found by their primary key.
      expect(await plan({ meetingIds: ['meeting-1'] })).toMatch(/recording_formats_pk/);
    });
  });
});
