import { Database, Logger, guardedSql, migrateToLatest } from '@ensemble/shared';
import { sql, type Kysely } from 'kysely';
import { startPostgres, type PostgresServer } from './postgres.js';
import { waitFor } from './wait-for.js';

interface Tables {
  things: { id: string; size: number };
}

const migrations = {
  '001-things': {
    up: async (db: Kysely<unknown>) => {
      await db.schema
        .createTable('things')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('size', 'integer', (c) => c.notNull().check(sql`size >= 0`))
        .execute();
    },
  },
};

/** libs/shared's database module against a real PostgreSQL (here: libs/shared cannot import libs/testing). */
describe('a service database', () => {
  let server: PostgresServer;
  let database: Database;
  let db: Kysely<Tables>;
  const insert = (id: string, size: number) =>
    guardedSql('insert', () => db.insertInto('things').values({ id, size }).execute());

  beforeAll(async () => {
    server = await startPostgres({
      prepareTemplate: async (url) => {
        await migrateToLatest(url, migrations, { service: 'test' });
      },
    });
    database = Database.connect(await server.createDatabase(), new Logger('test', 'error'), 'test');
    db = database.typed<Tables>();
  });
  afterAll(async () => {
    await database?.close();
    await server?.stop();
  });

  it('answers a unique violation as a conflict and another constraint violation as bad input', async () => {
    await insert('a', 1);
    await expect(insert('a', 2)).rejects.toMatchObject({ code: 'conflict' });
    await expect(insert('b', -1)).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(guardedSql('cast', () => sql`SELECT 'not a number'::integer`.execute(db))).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });

  it('answers unavailable at once while PostgreSQL is down, and works again by itself when it is back', async () => {
    await database.ping();
    await server.process.stop();
    await expect(insert('down', 1)).rejects.toMatchObject({ code: 'unavailable' });
    await expect(database.ping()).rejects.toThrow();
    await server.restart();
    await waitFor('a write after the restart', () => insert('back', 1).then(() => true));
    expect(await db.selectFrom('things').select('id').where('id', '=', 'back').execute()).toEqual([{ id: 'back' }]);
  });
});
