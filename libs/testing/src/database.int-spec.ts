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

  it('survives a kill -9 of PostgreSQL while a connection is lent out between two statements', async () => {
    // A transaction holds its connection between statements: no query is active when the server dies.
    let inTransaction!: () => void;
    const held = new Promise<void>((r) => (inTransaction = r));
    let killed!: () => void;
    const afterKill = new Promise<void>((r) => (killed = r));
    const transaction = guardedSql('transaction', () =>
      db.transaction().execute(async (trx) => {
        await trx.insertInto('things').values({ id: 'lent', size: 1 }).execute();
        inTransaction();
        await afterKill;
        await trx.insertInto('things').values({ id: 'lent-2', size: 1 }).execute();
      }),
    );
    await held;
    await server.kill();
    await new Promise((r) => setTimeout(r, 200)); // the dying backend's FATAL reaches the idle connection
    killed();
    await expect(transaction).rejects.toMatchObject({ code: 'unavailable' });
    await server.restart();
    await waitFor('a write after the crash', () => insert('after-crash', 1).then(() => true));
    expect(await db.selectFrom('things').select('id').where('id', 'in', ['lent', 'lent-2']).execute()).toEqual([]);
  });
});
