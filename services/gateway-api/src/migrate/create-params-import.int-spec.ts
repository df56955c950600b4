import { Database, Logger } from '@ensemble/shared';
import { startRedis, type PostgresServer, type TestServer } from '@ensemble/testing';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { CreateParamsRepository } from '../bbb-api/create-params.repository.js';
import { startGatewayPostgres } from '../db/gateway-db.test-support.js';
import type { GatewayTables } from '../db/schema.js';
import { importFromRedis } from './import-command.js';
import { oldSaveCreateParams, type OldCreate } from './old-redis-format.test-support.js';
import { warnIfAccountsLeftInRedis } from './old-accounts-warning.js';
import { IMPORT_COMMAND, OLD_CREATE_PARAMS_PREFIX } from './redis-keys.js';

const DAY = 86_400;

/** BBB API meetings running during an upgrade: their create calls come along, so they can still be re-created. */
describe('migrate from-redis: create calls of BBB API meetings', () => {
  let redisServer: TestServer;
  let postgres: PostgresServer;
  let redis: Redis;
  let databaseUrl: string;
  let database: Database;
  let repo: CreateParamsRepository;
  const run = async () => {
    const out: string[] = [];
    const report = await importFromRedis(
      { REDIS_URL: redisServer.url, DATABASE_URL: databaseUrl },
      (l) => void out.push(l),
    );
    return { report, out: out.join('\n') };
  };
  const secondsLeft = async (meetingID: string) =>
    Number(
      (
        await database
          .typed<GatewayTables>()
          .selectFrom('bbb_create_params')
          .select(sql<string>`extract(epoch from expires_at - now())`.as('left'))
          .where('meeting_id', '=', meetingID)
          .executeTakeFirstOrThrow()
      ).left,
    );

  const plain: OldCreate = {
    query: 'meetingID=maths&name=Maths&attendeePW=ap',
    nodeId: 'bbb-1',
    at: 1_700_000_000_000,
  };
  const slides: OldCreate = {
    query: 'meetingID=slides&name=Slides',
    body: '<modules><module name="presentation"/></modules>',
    contentType: 'application/xml',
    nodeId: 'bbb-2',
    at: 1_700_000_100_000,
  };

  beforeAll(async () => {
    [redisServer, postgres] = await Promise.all([startRedis(), startGatewayPostgres()]);
    databaseUrl = await postgres.createDatabase();
    database = Database.connect(databaseUrl, new Logger('test', 'error'), 'test');
    repo = new CreateParamsRepository(database.typed<GatewayTables>());
    redis = new Redis(redisServer.url);
    await oldSaveCreateParams(redis, 'maths', plain, 7 * DAY);
    await oldSaveCreateParams(redis, 'slides', slides, 2 * DAY);
    await redis.set(`${OLD_CREATE_PARAMS_PREFIX}garbled`, '{not json', 'EX', DAY);
    // Created again on the new version before the import ran: the newer one stays.
    await repo.save('newer', { query: 'meetingID=newer&name=New', nodeId: 'bbb-3', at: Date.now() }, DAY);
    await oldSaveCreateParams(redis, 'newer', { ...plain, query: 'meetingID=newer&name=Old' }, DAY);
  }, 60_000);

  afterAll(async () => {
    redis?.disconnect();
    await database?.close();
    await Promise.all([redisServer?.stop(), postgres?.stop()]);
  });

  it('warns at start, naming the command, while PostgreSQL has no create call and Redis still has some', async () => {
    await repo.delete('newer');
    const lines: string[] = [];
    const logger = new Logger('test', 'warn', (l) => void lines.push(l));
    expect(await warnIfAccountsLeftInRedis(redis, database, logger)).toBe(true);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'warn', msg: expect.stringContaining('create calls'), command: IMPORT_COMMAND }),
    ]);
    await repo.save('newer', { query: 'meetingID=newer&name=New', nodeId: 'bbb-3', at: Date.now() }, DAY);
    expect(await warnIfAccountsLeftInRedis(redis, database, logger)).toBe(false);
  });

  it('copies each create call as it was sent, with the time Redis had left, and reports the unreadable one', async () => {
    const { report, out } = await run();
    expect(report.meetings).toEqual({
      copied: 2,
      alreadyThere: 1,
      skipped: [{ id: 'garbled', reason: 'not a readable create call' }],
    });
    expect(out).toContain('BBB API meetings (create calls): 2 copied, 1 already there, 1 skipped');
    expect(await repo.get('maths')).toEqual(plain);
    expect(await repo.get('slides')).toEqual(slides);
    expect(await secondsLeft('maths')).toBeGreaterThan(7 * DAY - 120);
    expect(await secondsLeft('maths')).toBeLessThanOrEqual(7 * DAY);
    expect(await secondsLeft('slides')).toBeLessThanOrEqual(2 * DAY);
    expect(await repo.get('newer')).toMatchObject({ query: 'meetingID=newer&name=New', nodeId: 'bbb-3' });
  });

  it('copies nothing the second time, and leaves Redis as it was', async () => {
    const { report } = await run();
    expect(report.meetings).toMatchObject({ copied: 0, alreadyThere: 3 });
    expect(await redis.exists(`${OLD_CREATE_PARAMS_PREFIX}maths`)).toBe(1);
  });
});
