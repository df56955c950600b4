import type { Database } from '@ensemble/shared';
import type { PostgresServer } from '@ensemble/testing';
import { sql, type Kysely } from 'kysely';
import { gatewayDatabase, startGatewayPostgres } from '../db/gateway-db.test-support.js';
import type { GatewayTables } from '../db/schema.js';
import { CreateParamsRepository, type StoredCreate } from './create-params.repository.js';

const WEEK = 7 * 86_400;
const create = (over: Partial<StoredCreate> = {}): StoredCreate => ({
  query: 'meetingID=m1&name=Maths&attendeePW=ap&moderatorPW=mp',
  nodeId: 'bbb-1',
  at: 1_700_000_000_000,
  ...over,
});

describe('the create params repository on PostgreSQL', () => {
  let server: PostgresServer;
  let database: Database;
  let db: Kysely<GatewayTables>;
  let repo: CreateParamsRepository;

  /** Moves a meeting's expiry to `seconds` from now (negative: expired). */
  const expireIn = (meetingID: string, seconds: number) =>
    db
      .updateTable('bbb_create_params')
      .set({ expires_at: sql<Date>`now() + make_interval(secs => ${seconds})` })
      .where('meeting_id', '=', meetingID)
      .execute();
  /** Seconds until the meeting's create call expires. */
  const expiresAt = async (meetingID: string) =>
    Number(
      (
        await db
          .selectFrom('bbb_create_params')
          .select(sql<number>`extract(epoch from expires_at - now())`.as('left'))
          .where('meeting_id', '=', meetingID)
          .executeTakeFirstOrThrow()
      ).left,
    );

  beforeAll(async () => {
    server = await startGatewayPostgres();
  });
  beforeEach(async () => {
    ({ database, db } = await gatewayDatabase(server));
    repo = new CreateParamsRepository(db);
  });
  afterEach(() => database?.close());
  afterAll(() => server?.stop());

  it('saves a create call and reads it back as sent, with and without a pre-upload body', async () => {
    await repo.save('m1', create(), WEEK);
    expect(await repo.get('m1')).toEqual(create());
    const withBody = create({ body: '<modules/>', contentType: 'text/xml', nodeId: 'bbb-2' });
    await repo.save('m2', withBody, WEEK);
    expect(await repo.get('m2')).toEqual(withBody);
    expect(await repo.get('unknown')).toBeUndefined();
  });

  it('replaces the create call of a meeting saved again (a re-creation on another node)', async () => {
    await repo.save('m1', create({ body: '<modules/>', contentType: 'text/xml' }), 60);
    await repo.save('m1', create({ nodeId: 'bbb-3', at: 1_700_000_500_000 }), WEEK);
    expect(await repo.get('m1')).toEqual(create({ nodeId: 'bbb-3', at: 1_700_000_500_000 }));
    expect(await expiresAt('m1')).toBeGreaterThan(WEEK - 60);
  });

  it('refreshes: reads the create call and pushes its expiry on, in one statement', async () => {
    await repo.save('m1', create(), 60);
    expect(await repo.refresh('m1', WEEK)).toEqual(create());
    expect(await expiresAt('m1')).toBeGreaterThan(WEEK - 60);
    expect(await repo.refresh('unknown', WEEK)).toBeUndefined();
  });

  it('touches (keep-alive): pushes the expiry on without reading, true only for a live create call', async () => {
    await repo.save('m1', create(), 60);
    expect(await repo.touch('m1', WEEK)).toBe(true);
    expect(await expiresAt('m1')).toBeGreaterThan(WEEK - 60);
    expect(await repo.touch('unknown', WEEK)).toBe(false);
  });

  it('treats an expired create call as gone: no read, refresh or touch brings it back', async () => {
    await repo.save('m1', create(), WEEK);
    await expireIn('m1', -1);
    expect(await repo.get('m1')).toBeUndefined();
    expect(await repo.refresh('m1', WEEK)).toBeUndefined();
    expect(await repo.touch('m1', WEEK)).toBe(false);
    // A new create of the meeting starts it afresh.
    await repo.save('m1', create({ nodeId: 'bbb-2' }), WEEK);
    expect(await repo.get('m1')).toMatchObject({ nodeId: 'bbb-2' });
  });

  it('deletes a create call (the meeting ended); deleting an unknown one is no error', async () => {
    await repo.save('m1', create(), WEEK);
    await repo.delete('m1');
    expect(await repo.get('m1')).toBeUndefined();
    await expect(repo.delete('m1')).resolves.toBeUndefined();
  });

  it('purges expired rows in bounded batches, oldest first, and keeps live ones', async () => {
    for (let i = 0; i < 5; i++) {
      await repo.save(`old-${i}`, create(), WEEK);
      await expireIn(`old-${i}`, -100 + i);
    }
    await repo.save('live', create(), WEEK);
    expect(await repo.purgeExpired(2)).toBe(2);
    const left = await db.selectFrom('bbb_create_params').select('meeting_id').orderBy('meeting_id').execute();
    expect(left.map((r) => r.meeting_id)).toEqual(['live', 'old-2', 'old-3', 'old-4']);
    expect(await repo.purgeExpired(10)).toBe(3);
    expect(await repo.purgeExpired(10)).toBe(0);
    expect(await repo.get('live')).toEqual(create());
  });

  it('reads a meeting by its primary key alone (a join reads one indexed row)', async () => {
    await repo.save('m1', create(), WEEK);
    await sql`SET enable_seqscan = off`.execute(db);
    const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN UPDATE bbb_create_params SET expires_at = now()
      WHERE meeting_id = 'm1' AND expires_at > now() RETURNING query`.execute(db);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using bbb_create_params_pkey/);
  });
});
